/** The portal's entry: theme, server state (TanStack Query) and the router. */
import { FluentProvider } from '@fluentui/react-components';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './lib/api-client.ts';
import { createRouter } from './app/router.tsx';
import { ThemeControlContext, useThemeChoice } from './app/theme.ts';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) won't change by asking again; a network blip might.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

const router = createRouter();

function App() {
  const { theme, dark, choice, setChoice } = useThemeChoice();
  useEffect(() => {
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  }, [dark]);
  return (
    <ThemeControlContext.Provider value={{ choice, setChoice }}>
      <FluentProvider theme={theme} style={{ minHeight: '100vh' }}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </FluentProvider>
    </ThemeControlContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
