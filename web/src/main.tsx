/** The portal's entry: theme, server state (TanStack Query) and the router. */
import { FluentProvider, useFocusFinders } from '@fluentui/react-components';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './lib/api-client.ts';
import { createRouter } from './app/router.tsx';
import { prefetchMyRoles } from './features/my-roles/api.ts';
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
if (['/', '/assignments'].includes(window.location.pathname)) prefetchMyRoles(queryClient);

/**
 * Holds Fluent's focus manager (tabster) for the page's whole life. A modal dialog hides the rest of
 * the page from assistive technology (`aria-hidden` on #root) and tabster lifts that a moment after
 * the dialog goes — unless tabster itself is disposed first, which happens when the last component
 * using it unmounts: a session ending with a dialog open sent people to a sign-in page that screen
 * readers (and role queries) could not see (microsoft/tabster#530, microsoft/fluentui#35139).
 */
function KeepFocusManager() {
  useFocusFinders();
  return null;
}

function App() {
  const { theme, dark, choice, setChoice } = useThemeChoice();
  useEffect(() => {
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  }, [dark]);
  return (
    <ThemeControlContext.Provider value={{ choice, setChoice }}>
      <FluentProvider theme={theme} style={{ minHeight: '100vh' }}>
        <KeepFocusManager />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </FluentProvider>
    </ThemeControlContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
