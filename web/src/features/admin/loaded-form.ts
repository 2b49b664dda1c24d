/**
 * A settings form's state that follows the server. The form starts from what was loaded; when the
 * loaded values change — a save, a rule reset to inherit, another administrator's change — each
 * field the person has not edited takes the new value and each edited one keeps the edit. So the
 * form shows what the server holds, and Save sends only what the person changed.
 */
import { useState } from 'react';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Fields of `state` left as they were loaded (`before`) take their value from `after`; edited ones stay. */
export function rebase<S extends object>(before: S, state: S, after: S): S {
  const merged = { ...after } as Record<string, unknown>;
  const was = before as Record<string, unknown>;
  for (const [key, value] of Object.entries(state)) if (!same(value, was[key])) merged[key] = value;
  return merged as S;
}

export interface LoadedForm<S> {
  readonly state: S;
  /** Whether any field differs from what is loaded now. */
  readonly dirty: boolean;
  update(change: (s: S) => S): void;
  set(changes: Partial<S>): void;
  /** Back to what is loaded now. */
  discard(): void;
}

/** `loaded` is the form's value as read from the server now (a fresh object each render is fine: it is compared by value). */
export function useLoadedForm<S extends object>(loaded: S): LoadedForm<S> {
  const [base, setBase] = useState(loaded);
  const [state, setState] = useState(loaded);
  if (!same(base, loaded)) {
    // Adjusted while rendering (React re-renders at once, before showing anything): no frame shows the old values.
    setBase(loaded);
    setState(rebase(base, state, loaded));
  }
  return {
    state,
    dirty: !same(state, loaded),
    update: setState,
    set: (changes) => setState((s) => ({ ...s, ...changes })),
    discard: () => setState(loaded),
  };
}
