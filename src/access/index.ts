/**
 * The decision index (docs/architecture.md, `src/access`; docs/api.md, "Access checks"): *may
 * principal P do action A at scope S at instant T?* answered from memory in a few microseconds at a
 * million grants.
 *
 * Pure in-memory structures, no I/O, no clock: the caller passes `at` on every call, and every
 * grant's window is compared with it on every check — an ended grant never allows anything, even if
 * nobody has removed it yet (docs/architecture.md, "Time"; T5 in bench/REPORT.md). The index is
 * built from a snapshot of the database (`load`) and kept current by applying the change feed with
 * the incremental methods, which are all idempotent (at-least-once delivery is fine).
 *
 * One index serves one tenant: scope paths (`/` above all) are per tenant.
 *
 * Group memberships are static (the group_members table) or timed (PIM for Groups, decision 0007:
 * a `member` assignment at `/groups/{id}` arrives as a grant and becomes a membership edge for
 * its window, compared with `at` on every check like a grant's).
 *
 * Layout. At a million grants a check costs what its cache misses cost (≈ 150–200 ns each on the
 * machines we measure), so what a check reads is kept dense rather than spread over objects:
 *
 *   principals  principals.ts: numbered (pid), one 32-byte record each in `M` (layout.ts), with a
 *               64-bit summary of the scopes its grants sit at; direct groups and members.
 *   memberships memberships.ts: static and timed membership edges, by pid (and timed ones by id).
 *   closures    closures.ts: `C`, every group containing a principal, transitively, computed
 *               lazily over all edges (windows ignored; groups reached only through a timed
 *               edge flagged, checked against `at` when they would allow) and marked stale on
 *               membership changes.
 *   arena       grant-arena.ts: `A`, 4 numbers per grant slot, one power-of-two block per holder.
 *   scopes      scopes.ts: numbered nodes caching their ancestry and its 64-bit summary.
 *   roles       roles.ts: numbered, compiled once; a cached decision byte per (action, role).
 *   reasons     reasons.ts: what `check` and `holdings` explain their answers with, through the
 *               longest-lasting membership chains at `at` (membership-paths.ts).
 *   holders     holders.ts: who holds what at a scope.
 *
 * access-index.ts composes them and states the check and update costs; this module is the entry
 * point, re-exporting the public names.
 */
export { AccessIndex } from './access-index.ts';
export {
  type AccessIndexOptions,
  type AccessIndexStats,
  type AccessSnapshot,
  type Decision,
  type Grant,
  grantFromSchedule,
  type Holder,
  type Holding,
  type Membership,
  type Reason,
} from './types.ts';
export { membershipGroup } from './memberships.ts';
