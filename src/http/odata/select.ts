/**
 * `$select` projection of a response item. `id` and `@odata.*` annotations always survive, as in
 * Microsoft Graph, so a selected item can still be addressed and typed by the client.
 */
import { DomainError } from '../../domain/errors.ts';

/**
 * Keeps the properties named in `select` (case-insensitively, in the item's own order). A name
 * that is not a property → Request_BadRequest. Items may omit properties that are unset, so pass
 * `known` (all property names of the type) to accept those names too and to check names even
 * when the list is empty.
 */
export function applySelect<T extends object>(item: T, select?: readonly string[], known?: readonly string[]): Partial<T> {
  if (select === undefined) return item;
  const keys = Object.keys(item);
  const wanted = new Set(select.map((name) => name.toLowerCase()));
  assertSelectable(select, known ?? keys);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === 'id' || key.startsWith('@odata.') || wanted.has(key.toLowerCase())) {
      result[key] = (item as Record<string, unknown>)[key];
    }
  }
  return result as Partial<T>;
}

/** Throws Request_BadRequest naming the first entry of `select` that is not one of `properties`. */
export function assertSelectable(select: readonly string[], properties: readonly string[]): void {
  const lower = new Set(properties.map((p) => p.toLowerCase()));
  for (const name of select) {
    if (!lower.has(name.toLowerCase())) {
      throw new DomainError('Request_BadRequest', `Could not find a property named '${name}' to $select.`);
    }
  }
}
