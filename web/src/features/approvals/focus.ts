/**
 * A ref callback that moves keyboard focus to an element when it appears: after a decision the
 * form that had focus is gone, and focus would otherwise fall back to the page's start.
 */
export const focusOnMount = (element: HTMLElement | null): void => {
  element?.focus();
};
