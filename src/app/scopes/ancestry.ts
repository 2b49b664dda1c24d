/**
 * Where a scope sits in the tree (docs/guide.md, "The model"): itself, then each ancestor up to
 * `/`. A registered scope's explicit parent wins (a management group above a subscription);
 * otherwise the parent is the path minus its last `type/name` pair. Policies resolve along this
 * chain (most specific first), and so does the right of an Owner or User Access Administrator to
 * manage below them.
 */
import { parentPath } from '../../domain/scope-path.ts';
import type { ReadRepositories } from '../ports/repositories.ts';

/** Deeper than any real hierarchy; stops a corrupted parent chain from looping. */
const MAX_DEPTH = 64;

/**
 * The scope and its ancestors, nearest first, ending at `/`.
 * @example scopeAncestors(read, t, '/subscriptions/s1/resourceGroups/rg1')
 *   → ['/subscriptions/s1/resourceGroups/rg1', '/subscriptions/s1', '/managementGroups/mg1', '/']
 *   (when /subscriptions/s1 was registered with parent /managementGroups/mg1)
 */
export async function scopeAncestors(read: ReadRepositories<'scopes'>, tenantId: string, scopeId: string): Promise<string[]> {
  const chain: string[] = [];
  let at: string | null = scopeId;
  while (at !== null && chain.length < MAX_DEPTH) {
    if (chain.includes(at)) break;
    chain.push(at);
    if (at === '/') break;
    const registered = await read.scopes.get(tenantId, at);
    at = registered?.parentId ?? parentPath(at);
  }
  if (chain[chain.length - 1] !== '/') chain.push('/');
  return chain;
}
