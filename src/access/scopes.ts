/**
 * The decision index's scopes: a `Map<path, ScopeNode>` for registered scopes and every path
 * holding a grant, numbered; each caches its ancestry (its own number and each known ancestor's,
 * nearest first) and that ancestry's 64-bit summary, recomputed lazily when the scope version
 * changes (new node, putScope). A request path nobody registered walks the string rule up to its
 * nearest known ancestor; only the part below that ancestor is checked for shape.
 *
 * Cost: resolving a known path is one Map lookup (plus, for an unregistered path, one substring
 * and lookup per level up to a known ancestor); a new node or a registration bumps the version,
 * after which each cached ancestry is recomputed once, O(depth), on next use.
 */
import type { Scope } from '../domain/model.ts';
import { bitHi, bitLo } from './layout.ts';
import { isCanonicalScope, parentPath } from './scope-path.ts';

export class ScopeNode {
  idx: number;
  path: string;
  canonical: boolean;
  /** The registered scope's explicit parent, else null (string rule). */
  explicitParent: string | null = null;
  registered = false;
  grantCount = 0;
  /** Its own number and each known ancestor's, nearest first; valid when ancestryVersion is current. */
  ancestry: number[] = [];
  maskLo = 0;
  maskHi = 0;
  ancestryVersion = -1;
  constructor(idx: number, path: string) {
    this.idx = idx;
    this.path = path;
    this.canonical = isCanonicalScope(path);
  }
}

export class ScopeTable {
  private byPath = new Map<string, ScopeNode>();
  private list: (ScopeNode | undefined)[] = [];
  /** Numbers of dropped scope nodes, reused by new ones (safe: making a node bumps the version). */
  private free: number[] = [];
  /** Bumped whenever a scope's ancestry may change. */
  private version = 0;

  get size(): number {
    return this.byPath.size;
  }

  /** Forgets every scope; cached ancestries held elsewhere go stale. */
  reset(): void {
    this.byPath = new Map();
    this.list = [];
    this.free = [];
    this.version++;
  }

  /** The node numbered `idx` (which must be live). */
  at(idx: number): ScopeNode {
    return this.list[idx]!;
  }

  /** The node for `path`, numbering it if new. */
  node(path: string): ScopeNode {
    let node = this.byPath.get(path);
    if (node === undefined) {
      node = new ScopeNode(this.free.pop() ?? this.list.length, path);
      this.byPath.set(path, node);
      this.list[node.idx] = node;
      this.version++;
    }
    return node;
  }

  /** Registers a scope (or changes its explicit parent). */
  register(scope: Scope): void {
    const node = this.node(scope.id);
    node.registered = true;
    node.explicitParent = scope.parentId;
    this.version++;
  }

  /** Drops a node nothing holds or registers any more, giving its number back. */
  release(node: ScopeNode): void {
    // No version bump: cached ancestries that still name this number stay correct, as nothing
    // holds it any more until a new node reuses it — and making a node bumps the version.
    this.byPath.delete(node.path);
    this.list[node.idx] = undefined;
    this.free.push(node.idx);
  }

  /**
   * The known scope whose ancestry (kept current) a check at `path` draws on: the path's own node,
   * else its nearest known ancestor — a path nobody registered holds nothing — provided the path
   * is well formed: the ancestor's own flag plus a check of the part below it (the string rule
   * only cuts before a `/`, so the ancestor's path is a prefix of the request's). Null for a
   * malformed path or when no ancestor is known.
   */
  resolve(path: string): ScopeNode | null {
    let node = this.byPath.get(path);
    if (node === undefined) {
      for (let up = parentPath(path); up !== null; up = parentPath(up)) {
        node = this.byPath.get(up);
        if (node === undefined) continue;
        if (!isCanonicalScope(path, node.path === '/' ? 0 : node.path.length)) return null;
        break;
      }
      if (node === undefined) return null;
    }
    if (!node.canonical) return null;
    if (node.ancestryVersion !== this.version) this.computeAncestry(node);
    return node;
  }

  /** Walks explicit parents (or the string rule) to the root; a visited set stops parent loops. O(depth). */
  private computeAncestry(node: ScopeNode): void {
    const chain: number[] = [node.idx];
    const seen = new Set<string>([node.path]);
    let up: string | null = node.explicitParent ?? parentPath(node.path);
    while (up !== null && !seen.has(up)) {
      seen.add(up);
      const known = this.byPath.get(up);
      if (known !== undefined) {
        chain.push(known.idx);
        up = known.explicitParent ?? parentPath(up);
      } else {
        up = parentPath(up);
      }
    }
    node.ancestry = chain;
    node.maskLo = 0;
    node.maskHi = 0;
    for (const s of chain) {
      node.maskLo |= bitLo(s);
      node.maskHi |= bitHi(s);
    }
    node.ancestryVersion = this.version;
  }
}
