/**
 * Consistency of the decision index: random (data, request, clock) cases where `isAllowed`,
 * `check`, `holdings` and `holders` agree with the plain reference evaluator, with instants drawn
 * at grant starts and ends ± 1 — timed group memberships (`member` grants at `/groups/{id}`)
 * among them, so their window boundaries are probed too; and random sequences of incremental
 * updates that must leave the index answering exactly as a fresh load of the same final data (and
 * as the reference, after every step, so stale caches show up).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessIndex, type AccessSnapshot, type Grant, type Reason } from '../../src/access/index.ts';
import type { RoleDefinition, Scope } from '../../src/domain/model.ts';
import { roleAllows } from '../../src/domain/roles/catalogue.ts';
import { role as makeRole, scope as makeScope } from './fixtures.ts';
import { membershipsAt, principalAndGroups, refHolders, refMembershipGroup, refReasons, refRoleAllows } from './reference.ts';

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'];
const GROUPS = ['g0', 'g1', 'g2', 'g3'];
const PRINCIPALS = [...USERS, ...GROUPS];
// `member` is a role too: given random actions, so that a membership mistaken for a grant shows.
const ROLE_IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'member'];
const CANONICAL = ['/', '/s/1', '/s/2', '/s/1/g/1', '/s/1/g/2', '/s/1/g/1/v/1', '/s/1/g/1/v/1/d/1', '/u/1', '/s', '/s/1/g', '/groups/g0', '/groups/g1'];
// Not canonical: never match as a request, but may appear as grants' scopes or explicit parents.
const ODD = ['/s/1/', '//s', '/s/1/../2', 'x'];
const SCOPES = [...CANONICAL, ...ODD];
const someScope = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CANONICAL) }, { weight: 1, arbitrary: fc.constantFrom(...ODD) });
const REQUEST_SCOPES = [...SCOPES, '/s/1/g/1/v/1/d/1/e/9', '/s/2/g/7', '/u/1/x', '/q/1/w/2'];
const SEGMENTS = ['a', 'b', 'x', 'read', 'write'];

const caseOf = (s: string, upper: boolean): string => (upper ? s.toUpperCase() : s);
const action = fc
  .array(fc.tuple(fc.constantFrom(...SEGMENTS), fc.boolean()), { minLength: 1, maxLength: 4 })
  .map((segs) => segs.map(([s, u]) => caseOf(s, u)).join('/'));
const pattern = fc.oneof(
  { weight: 1, arbitrary: fc.constant('*') },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...SEGMENTS, '*', '*'), fc.boolean()), { minLength: 1, maxLength: 4 })
      .map((segs) => segs.map(([s, u]) => caseOf(s, u)).join('/')),
  },
);
const roleArb = (id: string): fc.Arbitrary<RoleDefinition> =>
  fc
    .record({
      allowed: fc.array(pattern, { minLength: 1, maxLength: 3 }),
      excluded: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 2, arbitrary: fc.array(pattern, { minLength: 1, maxLength: 2 }) }),
      enabled: fc.nat(9).map((n) => n > 0),
    })
    .map(({ allowed, excluded, enabled }) => makeRole(id, allowed, excluded, enabled));
const scopeArb: fc.Arbitrary<Scope> = fc
  .record({
    id: someScope,
    parent: fc.option(fc.oneof(someScope, fc.constant('/q/1')), { freq: 3 }),
  })
  .map(({ id, parent }) => makeScope(id, parent));
const membershipArb = fc.record({ groupId: fc.constantFrom(...GROUPS), memberId: fc.constantFrom(...PRINCIPALS) });
const window = { startAt: fc.nat(20), length: fc.option(fc.nat(10), { freq: 4 }) };
const ordinaryGrantArb = fc.record({
  principalId: fc.oneof(fc.constantFrom(...USERS), fc.constantFrom(...GROUPS)), // half held by groups
  roleDefinitionId: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...ROLE_IDS) }, { weight: 1, arbitrary: fc.constant('r-missing') }),
  scopeId: someScope,
  ...window,
});
/** A `member` grant: mostly at a group's scope (a timed membership), sometimes at a scope that names no group (an ordinary grant). */
const memberGrantArb = fc.record({
  principalId: fc.constantFrom(...PRINCIPALS),
  roleDefinitionId: fc.constant('member'),
  scopeId: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...GROUPS.map((g) => `/groups/${g}`)) },
    { weight: 1, arbitrary: fc.constantFrom('/groups/u1', '/groups', '/groups/g1/x/1', '/s/1') },
  ),
  ...window,
});
const grantArb = (id: string): fc.Arbitrary<Grant> =>
  fc
    .oneof({ weight: 2, arbitrary: ordinaryGrantArb }, { weight: 1, arbitrary: memberGrantArb })
    .map(({ length, ...g }) => ({ id, ...g, endAt: length === null ? null : g.startAt + length }));

const uniqueBy = <X>(xs: X[], key: (x: X) => string): X[] => [...new Map(xs.map((x) => [key(x), x])).values()];

const dataArb: fc.Arbitrary<AccessSnapshot> = fc.record({
  roles: fc.tuple(...ROLE_IDS.map(roleArb)),
  scopes: fc.array(scopeArb, { maxLength: 8 }).map((s) => uniqueBy(s, (x) => x.id)),
  memberships: fc.array(membershipArb, { maxLength: 10 }),
  grants: fc.integer({ min: 0, max: 20 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => grantArb(`G${i}`)))),
});

interface Request {
  principal: string;
  action: string;
  scope: string;
  /** Either an instant, or which grant boundary to pick (resolved against the data). */
  at: number | { grant: number; edge: 'start' | 'end'; delta: -1 | 0 | 1 };
}

/**
 * A request as generated: either fully random, or aimed at one grant (its holder or a principal
 * one or two memberships below the holder — static or timed, whatever their windows — its scope
 * or below, an action made from its role's patterns) so that allows are common too; its instant
 * at a boundary of that grant or of the timed membership the aim went through. Resolved against
 * the data by `resolve`.
 */
type RequestSpec =
  | { kind: 'random'; request: Request }
  | {
      kind: 'aimed';
      grant: number;
      member: number[];
      timed: boolean;
      suffix: string;
      pattern: number;
      fill: string[];
      at: number | { edge: 'start' | 'end'; delta: -1 | 0 | 1; of: 'grant' | 'membership' | 'both' };
    };

const edge = { edge: fc.constantFrom('start' as const, 'end' as const), delta: fc.constantFrom(-1 as const, 0 as const, 1 as const) };
const randomRequest: fc.Arbitrary<Request> = fc.record({
  principal: fc.constantFrom(...PRINCIPALS, 'nobody'),
  action,
  scope: fc.constantFrom(...REQUEST_SCOPES),
  at: fc.oneof(fc.integer({ min: -1, max: 32 }), fc.record({ grant: fc.nat(19), ...edge })),
});
const requestArb: fc.Arbitrary<RequestSpec> = fc.oneof(
  { weight: 1, arbitrary: randomRequest.map((request) => ({ kind: 'random' as const, request })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        grant: fc.nat(19),
        member: fc.oneof({ weight: 1, arbitrary: fc.constant<number[]>([]) }, { weight: 3, arbitrary: fc.array(fc.nat(9), { minLength: 1, maxLength: 2 }) }),
        timed: fc.boolean(), // go down through timed memberships where there are some
        suffix: fc.constantFrom('', '', '/e/1', '/e/1/f/2'),
        pattern: fc.nat(2),
        fill: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 4, maxLength: 4 }),
        // mostly at a start or end of the aimed grant or membership, ± 1
        at: fc.oneof(
          { weight: 1, arbitrary: fc.integer({ min: -1, max: 32 }) },
          { weight: 3, arbitrary: fc.record({ ...edge, of: fc.constantFrom('grant' as const, 'membership' as const, 'both' as const, 'both' as const) }) },
        ),
      })
      .map((a) => ({ kind: 'aimed' as const, ...a })),
  },
);

/** Direct members of a group whatever the time: static ones, and the holders of `member` grants at its scope (with the grant's index). */
function membersOf(data: AccessSnapshot, group: string): { id: string; grant: number | null }[] {
  return [
    ...data.memberships.filter((m) => m.groupId === group).map((m) => ({ id: m.memberId, grant: null })),
    ...data.grants.flatMap((g, i) => (refMembershipGroup(g) === group ? [{ id: g.principalId, grant: i }] : [])),
  ];
}

function resolve(spec: RequestSpec, data: AccessSnapshot): Request {
  if (spec.kind === 'random') return spec.request;
  if (data.grants.length === 0) return { principal: 'u0', action: 'a/read', scope: '/', at: typeof spec.at === 'number' ? spec.at : 0 };
  // Aimed at an ordinary grant (a `member` grant at a group's scope one time in five, to see it
  // allow nothing); through timed memberships: at a grant held by a group with timed members.
  const indexes = (keep: (x: Grant) => boolean): number[] => data.grants.flatMap((x, i) => (keep(x) ? [i] : []));
  const timedHeld =
    spec.timed && spec.member.length > 0 ? indexes((x) => refMembershipGroup(x) === null && membersOf(data, x.principalId).some((m) => m.grant !== null)) : [];
  const ordinary = spec.grant % 5 === 0 ? [] : indexes((x) => refMembershipGroup(x) === null);
  const candidates = timedHeld.length > 0 ? timedHeld : ordinary.length > 0 ? ordinary : indexes(() => true);
  const aimed = candidates[spec.grant % candidates.length]!;
  const g = data.grants[aimed]!;
  let principal = g.principalId;
  let through = aimed; // the timed membership the aim went through last, else the grant
  for (const pick of spec.member) {
    let members = membersOf(data, principal);
    if (spec.timed && members.some((m) => m.grant !== null)) members = members.filter((m) => m.grant !== null);
    if (members.length === 0) break;
    const m = members[pick % members.length]!;
    principal = m.id;
    if (m.grant !== null) through = m.grant;
  }
  const scope = g.scopeId === '/' ? spec.suffix || '/' : g.scopeId + spec.suffix;
  const patterns = data.roles.find((r) => r.id === g.roleDefinitionId)?.allowedActions ?? [];
  const p = patterns.length === 0 ? 'a/read' : patterns[spec.pattern % patterns.length]!;
  let i = 0;
  const act =
    p === '*'
      ? spec.fill.slice(0, 2).join('/')
      : p
          .split('/')
          .map((s) => (s === '*' ? spec.fill[i++ % 4]! : s))
          .join('/');
  if (typeof spec.at === 'number') return { principal, scope, action: act, at: spec.at };
  const { of, ...at } = spec.at;
  if (of !== 'both') return { principal, scope, action: act, at: { grant: of === 'grant' ? aimed : through, ...at } };
  // The later start of the two (or the earlier end): inside both windows when they overlap.
  const starts = [g.startAt, data.grants[through]!.startAt];
  const ends = [g.endAt ?? Infinity, data.grants[through]!.endAt ?? Infinity];
  const base = at.edge === 'start' ? Math.max(...starts) : Math.min(...ends);
  return { principal, scope, action: act, at: (base === Infinity ? Math.max(...starts) : base) + at.delta };
}

function instant(r: Request, data: AccessSnapshot): number {
  if (typeof r.at === 'number') return r.at;
  const g = data.grants[r.at.grant % Math.max(1, data.grants.length)];
  if (!g) return 5;
  const base = r.at.edge === 'start' || g.endAt === null ? g.startAt : g.endAt;
  return base + r.at.delta;
}

const sorted = (xs: string[]): string[] => [...xs].sort();
const endOf = (end: number | null): string => (end === null ? 'never' : String(end));

/**
 * A reason's chain must be one in effect at `at`: principal ∈ groupPath[0] ∈ … ∈ groupId, each
 * link a static membership or a timed one in effect, and the reason's end the earlier of the
 * grant's end and the chain's (taking, per link, the longest-lasting membership).
 */
function expectChain(data: AccessSnapshot, principal: string, reason: Reason, at: number): boolean {
  const grant = data.grants.find((g) => g.id === reason.grantId)!;
  const context = JSON.stringify({ principal, reason, at });
  if (reason.via === 'direct') {
    expect(reason.groupPath, context).toEqual([]);
    expect(endOf(reason.endAt), context).toBe(endOf(grant.endAt));
    return false;
  }
  expect(reason.groupPath.at(-1), context).toBe(reason.groupId);
  const edges = membershipsAt(data, at);
  let end = grant.endAt ?? Infinity;
  let from = principal;
  let timed = false;
  for (const to of reason.groupPath) {
    const links = edges.filter((e) => e.memberId === from && e.groupId === to);
    expect(links.length, context).toBeGreaterThan(0);
    end = Math.min(end, Math.max(...links.map((e) => e.end)));
    timed ||= !data.memberships.some((m) => m.memberId === from && m.groupId === to);
    from = to;
  }
  expect(endOf(reason.endAt), context).toBe(endOf(end === Infinity ? null : end));
  return timed;
}

/** The data with every timed membership in effect forever: what would be allowed if windows were ignored. */
const windowsIgnored = (data: AccessSnapshot): AccessSnapshot => ({
  ...data,
  grants: data.grants.map((g) => (refMembershipGroup(g) === null ? g : { ...g, startAt: -1e9, endAt: null })),
});

interface Outcome {
  allowed: boolean;
  /** Allowed through a chain with a timed membership on it. */
  throughTimed: boolean;
  /** Denied, though it would be allowed if timed memberships' windows were ignored. */
  deniedByWindow: boolean;
}

/** Asserts the index and the reference agree on one request (grants and their ends). */
function agree(index: AccessIndex, data: AccessSnapshot, spec: RequestSpec): Outcome {
  const r = resolve(spec, data);
  const at = instant(r, data);
  const reasons = refReasons(data, r.principal, at, r.scope, r.action);
  const expected = sorted(reasons.map((x) => x.grant.id));
  const allowed = index.isAllowed(r.principal, r.action, r.scope, at);
  const decision = index.check(r.principal, r.action, r.scope, at);
  const context = JSON.stringify({ request: r, at, expected });
  expect(allowed, context).toBe(expected.length > 0);
  expect(decision.allowed, context).toBe(expected.length > 0);
  expect(sorted(decision.reasons.map((x) => `${x.grantId}@${endOf(x.endAt)}`)), context).toEqual(sorted(reasons.map((x) => `${x.grant.id}@${endOf(x.endAt)}`)));
  let throughTimed = false;
  for (const reason of decision.reasons) throughTimed = expectChain(data, r.principal, reason, at) || throughTimed;
  const deniedByWindow = !allowed && refReasons(windowsIgnored(data), r.principal, at, r.scope, r.action).length > 0;
  return { allowed, throughTimed, deniedByWindow };
}

const held = (xs: readonly { grantId: string; endAt: number | null }[]): string[] => sorted(xs.map((x) => `${x.grantId}@${endOf(x.endAt)}`));
const refHeld = (xs: readonly { grant: { id: string }; endAt: number | null }[]): string[] => sorted(xs.map((x) => `${x.grant.id}@${endOf(x.endAt)}`));

/** holdings (everywhere and at the request's scope) and holders at the request's scope agree with the reference. */
function agreeOnHoldings(index: AccessIndex, data: AccessSnapshot, spec: RequestSpec): void {
  const r = resolve(spec, data);
  const at = instant(r, data);
  const context = JSON.stringify({ request: r, at });
  expect(held(index.holdings(r.principal, at)), context).toEqual(refHeld(refReasons(data, r.principal, at)));
  const here = index.holdings(r.principal, at, r.scope);
  expect(held(here), context).toEqual(refHeld(refReasons(data, r.principal, at, r.scope)));
  for (const reason of here) expectChain(data, r.principal, reason, at);
  const holders = index.holders(r.scope, at);
  expect(sorted(holders.map((h) => `${h.principalId}:${h.grantId}@${endOf(h.endAt)}`)), context).toEqual(
    sorted(refHolders(data, r.scope, at).map((h) => `${h.principalId}:${h.grant.id}@${endOf(h.endAt)}`)),
  );
  for (const h of holders) expectChain(data, h.principalId, h, at);
}

const REQUESTS_PER_DATA = 20;
const DATA_SETS = 5_000;

describe('decision index vs reference evaluator', () => {
  it(`agrees on ≥ 100,000 random (data, request, clock) cases`, () => {
    let cases = 0;
    let allows = 0;
    let throughTimed = 0;
    let deniedByWindow = 0;
    fc.assert(
      fc.property(dataArb, fc.array(requestArb, { minLength: REQUESTS_PER_DATA, maxLength: REQUESTS_PER_DATA }), (data, requests) => {
        const index = new AccessIndex();
        index.load(data);
        const mapped = new AccessIndex({ scanLimit: 0 }); // every principal uses its per-scope map
        mapped.load(data);
        for (const r of requests) {
          const outcome = agree(index, data, r);
          if (outcome.allowed) allows++;
          if (outcome.throughTimed) throughTimed++;
          if (outcome.deniedByWindow) deniedByWindow++;
          agree(mapped, data, r);
          cases++;
        }
        agreeOnHoldings(index, data, requests[0]!);
      }),
      { numRuns: DATA_SETS },
    );
    expect(cases).toBeGreaterThanOrEqual(100_000);
    // The generator must exercise both outcomes, not just denies.
    expect(allows).toBeGreaterThan(cases * 0.1); // ≈ 15% with these generators
    expect(allows).toBeLessThan(cases * 0.8);
    console.info(
      `decision index vs reference: ${cases} cases, ${allows} allowed, ${throughTimed} through a timed membership, ${deniedByWindow} denied by a membership window`,
    );
    // … and timed memberships both ways: allowing through one, and denying at or past a window's edge.
    expect(throughTimed).toBeGreaterThan(cases * 0.01);
    expect(deniedByWindow).toBeGreaterThan(cases * 0.01);
  });

  it('the reference matcher agrees with the domain roleAllows (the specification)', () => {
    fc.assert(
      fc.property(roleArb('r'), fc.array(action, { minLength: 10, maxLength: 10 }), (role, actions) => {
        for (const a of actions) expect(refRoleAllows(role, a)).toBe(role.isEnabled && roleAllows(role, a));
      }),
      { numRuns: 5_000 },
    );
  });
});

type Op =
  | { op: 'putGrant'; grant: Grant }
  | { op: 'removeGrant'; id: string }
  | { op: 'addMember'; groupId: string; memberId: string }
  | { op: 'removeMember'; groupId: string; memberId: string }
  | { op: 'putRole'; role: RoleDefinition }
  | { op: 'putScope'; scope: Scope };

const GRANT_IDS = Array.from({ length: 20 }, (_, i) => `G${i}`);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...GRANT_IDS)
      .chain(grantArb)
      .map((grant) => ({ op: 'putGrant' as const, grant })),
  },
  { weight: 2, arbitrary: fc.constantFrom(...GRANT_IDS).map((id) => ({ op: 'removeGrant' as const, id })) },
  { weight: 3, arbitrary: membershipArb.map((m) => ({ op: 'addMember' as const, ...m })) },
  { weight: 2, arbitrary: membershipArb.map((m) => ({ op: 'removeMember' as const, ...m })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...ROLE_IDS, 'r-missing')
      .chain(roleArb)
      .map((role) => ({ op: 'putRole' as const, role })),
  },
  { weight: 1, arbitrary: scopeArb.map((scope) => ({ op: 'putScope' as const, scope })) },
);

/** The same update applied to plain data (the model the reference reads). */
function applyToData(d: AccessSnapshot, o: Op): AccessSnapshot {
  const replace = <X extends { id: string }>(xs: readonly X[], x: X): X[] => [...xs.filter((y) => y.id !== x.id), x];
  const sameMember = (m: { groupId: string; memberId: string }, o2: { groupId: string; memberId: string }): boolean =>
    m.groupId === o2.groupId && m.memberId === o2.memberId;
  switch (o.op) {
    case 'putGrant':
      return { ...d, grants: replace(d.grants, o.grant) };
    case 'removeGrant':
      return { ...d, grants: d.grants.filter((g) => g.id !== o.id) };
    case 'addMember':
      return d.memberships.some((m) => sameMember(m, o)) ? d : { ...d, memberships: [...d.memberships, { groupId: o.groupId, memberId: o.memberId }] };
    case 'removeMember':
      return { ...d, memberships: d.memberships.filter((m) => !sameMember(m, o)) };
    case 'putRole':
      return { ...d, roles: replace(d.roles, o.role) };
    case 'putScope':
      return { ...d, scopes: replace(d.scopes, o.scope) };
  }
}

function applyToIndex(index: AccessIndex, o: Op): void {
  switch (o.op) {
    case 'putGrant':
      return index.putGrant(o.grant);
    case 'removeGrant':
      return index.removeGrant(o.id);
    case 'addMember':
      return index.addMember(o.groupId, o.memberId);
    case 'removeMember':
      return index.removeMember(o.groupId, o.memberId);
    case 'putRole':
      return index.putRole(o.role);
    case 'putScope':
      return index.putScope(o.scope);
  }
}

/** Half the runs force the per-scope map path (limit 0), half the linear scan. */
const scanLimitOf = (d: AccessSnapshot): number => (d.grants.length % 2 === 0 ? 0 : 16);

describe('incremental updates vs a fresh load', () => {
  it('random update sequences leave the index equal to a rebuild (and to the reference at every step)', () => {
    fc.assert(
      fc.property(
        dataArb,
        fc.array(fc.tuple(opArb, fc.array(requestArb, { minLength: 2, maxLength: 2 })), { minLength: 1, maxLength: 25 }),
        fc.array(requestArb, { minLength: 30, maxLength: 30 }),
        (initial, steps, finalRequests) => {
          // The membership model is a set of pairs; the snapshot may hold duplicates.
          let data: AccessSnapshot = { ...initial, memberships: uniqueBy([...initial.memberships], (m) => `${m.groupId}>${m.memberId}`) };
          const live = new AccessIndex({ scanLimit: scanLimitOf(initial) });
          live.load(initial);
          for (const [o, probes] of steps) {
            applyToIndex(live, o);
            data = applyToData(data, o);
            // Aim a probe at the grant just put (applyToData puts it last): stale caches of its holder show here.
            if (o.op === 'putGrant' && probes[0]!.kind === 'aimed') agree(live, data, { ...probes[0]!, grant: data.grants.length - 1 });
            agree(live, data, probes[0]!);
            applyToIndex(live, o); // every update is idempotent (at-least-once delivery)
            agree(live, data, probes[1]!);
          }
          const fresh = new AccessIndex();
          fresh.load(data);
          expect([live.stats().grants, live.stats().timedMemberships]).toEqual([fresh.stats().grants, fresh.stats().timedMemberships]);
          for (const spec of finalRequests) {
            const r = resolve(spec, data);
            const at = instant(r, data);
            expect(live.isAllowed(r.principal, r.action, r.scope, at)).toBe(fresh.isAllowed(r.principal, r.action, r.scope, at));
            expect(sorted(live.check(r.principal, r.action, r.scope, at).reasons.map((x) => x.grantId))).toEqual(
              sorted(fresh.check(r.principal, r.action, r.scope, at).reasons.map((x) => x.grantId)),
            );
            agree(live, data, spec);
          }
          const at = instant(resolve(finalRequests[1]!, data), data);
          for (const p of PRINCIPALS) {
            expect(sorted(live.groupsOf(p))).toEqual(sorted(fresh.groupsOf(p)));
            const inAt = [...principalAndGroups(data, p, at).keys()].filter((g) => g !== p);
            expect(sorted(live.groupsOf(p, at))).toEqual(sorted(inAt));
          }
          agreeOnHoldings(live, data, finalRequests[0]!);
        },
      ),
      { numRuns: 1_500 },
    );
  });
});
