/** Layout that follows the viewport: tables on wide screens, stacked cards on a phone. */
import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now; re-renders when that changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const media = window.matchMedia(query);
      media.addEventListener('change', onChange);
      return () => media.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

/** Phone width: where the shell stacks its navigation (shell.tsx uses the same 700 px). */
export const useNarrow = (): boolean => useMediaQuery('(max-width: 700px)');
