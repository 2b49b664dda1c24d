/**
 * Scope paths (docs/guide.md, "The model"): `/` is the root; every other path is
 * a list of `type/name` pairs, and its parent is the path minus its last pair (a path of one or
 * two segments has `/` as parent). A registered scope may name another parent (`Scope.parentId`);
 * src/app/scopes/ancestry.ts follows those.
 *
 * Paths are compared exactly (case-sensitive): a differently spelled path is a different scope,
 * which can only deny, never allow.
 */

/**
 * The parent of a path by the string rule, or null for `/`. Allocates one substring.
 * @example parentPath('/subscriptions/s1/resourceGroups/rg1') === '/subscriptions/s1'
 * @example parentPath('/administrativeUnits/x') === '/'
 */
export function parentPath(path: string): string | null {
  if (path === '/') return null;
  const last = path.lastIndexOf('/');
  if (last <= 0) return '/';
  const before = path.lastIndexOf('/', last - 1);
  if (before <= 0) return '/';
  return path.slice(0, before);
}

const SLASH = 47;
const DOT = 46;

/**
 * Is a requested scope path well formed: `/`, or `/`-separated non-empty segments with no `.` or
 * `..` segment and no trailing slash? The index denies checks at any other path, so a caller that
 * forgot to canonicalise (`/s/s1/`, `/s/s1//rg`, `/s/s1/../s2`) gets a deny rather than an
 * accidental match. With `from`, only `path[from…]` is checked (it must start with `/`): the index
 * passes the length of a known, well-formed prefix. One pass over the characters, no allocation.
 */
export function isCanonicalScope(path: string, from = 0): boolean {
  const n = path.length;
  if (from >= n || path.charCodeAt(from) !== SLASH) return false;
  if (n === 1) return true;
  let start = from + 1; // first character of the current segment
  for (let i = start; i <= n; i++) {
    if (i < n && path.charCodeAt(i) !== SLASH) continue;
    const len = i - start;
    if (len === 0) return false; // empty segment: `//` or a trailing `/`
    if (path.charCodeAt(start) === DOT && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === DOT))) return false;
    start = i + 1;
  }
  return true;
}
