/**
 * Role action patterns compiled once. Same meaning as domain/roles/catalogue.ts `roleAllows`
 * (which stays the specification): `*` matches one segment, a lone `*` matches every action,
 * segments compare case-insensitively, and an excluded pattern wins over an allowed one.
 */
import type { RoleDefinition } from '../domain/model.ts';

/** One pattern: `null` = match everything; otherwise lower-cased segments with `null` for `*`. */
type Compiled = readonly (string | null)[] | null;

function compile(pattern: string): Compiled {
  if (pattern === '*') return null;
  return pattern.split('/').map((s) => (s === '*' ? null : s.toLowerCase()));
}

function matches(p: Compiled, segments: readonly string[]): boolean {
  if (p === null) return true;
  if (p.length !== segments.length) return false;
  for (let i = 0; i < p.length; i++) {
    const s = p[i];
    if (s !== null && s !== segments[i]) return false;
  }
  return true;
}

/** A role's decision over an action, already split and lower-cased (`splitAction`). */
export type ActionMatcher = (segments: readonly string[]) => boolean;

/** Never allows: disabled roles, and grants whose role the index has not seen. */
export const DENY_ALL: ActionMatcher = () => false;

/**
 * Compiles a role. A disabled role allows nothing (as app/caller.ts drops disabled roles).
 * Cost: O(total pattern length) once; each call O(patterns × segments).
 */
export function compileRole(role: Pick<RoleDefinition, 'allowedActions' | 'excludedActions' | 'isEnabled'>): ActionMatcher {
  if (!role.isEnabled) return DENY_ALL;
  const allowed = role.allowedActions.map(compile);
  const excluded = role.excludedActions.map(compile);
  return (segments) => {
    let ok = false;
    for (const p of allowed) {
      if (matches(p, segments)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
    for (const p of excluded) if (matches(p, segments)) return false;
    return true;
  };
}

export const splitAction = (action: string): string[] => action.toLowerCase().split('/');
