/**
 * T1, second half: the same kind of data in node-casbin's documented RBAC-with-domains model, run
 * in the same process as the decision index, decisions compared on every sampled request, speed as
 * a ratio. Casbin's cost grows with the number of policies (every check rebuilds the role graph of
 * every matching domain), so it runs on a subset of ≈ 10k policies — the size T1's comparison names
 * — not on the 1M world.
 *
 * The mapping (explained again in the report):
 *   request   r = sub, dom, obj, act   → principal, requested scope path, action minus its last
 *                                       segment, the last segment (`openpim.resources/virtualMachines`, `write`)
 *   roles     p = role, *, obj, act    → one line per (role, action) the role allows, over every
 *                                       action the sample can ask about (wildcards and exclusions
 *                                       expanded with the catalogue's own actionMatches)
 *   grants    g = principal, role, S   → a grant of role at scope S, domain S
 *   members   g = member, group, *     → group membership, in every domain (casbin's documented
 *                                       domain-pattern example `g, alice, admin, *`)
 *   ancestry  a domain matching function (casbin's addNamedDomainMatchingFunc) under which a g
 *             rule at S applies to S and every path below it (`*` to all)
 *   time      casbin has no time: it is given the grants in effect at one instant T (as a caller
 *             would keep it, adding and removing policies at start and end), and every compared
 *             check is asked at T — the index gets the whole subset, ended and future grants too.
 *   matcher   m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && r.obj == p.obj && r.act == p.act
 *             (the documented matcher with the documented keyMatch domain variant, g first as documented)
 */
import { performance } from 'node:perf_hooks';
import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import { type AccessIndex } from '../src/access/index.ts';
import { builtInRoles, roleAllows } from '../src/domain/roles/catalogue.ts';
import { f, log, median, n0, pct, type PhaseOptions, type PhaseResult, times } from './common.ts';
import { ACTION_POOL, generate, HOUR, indexOf, sampleChecks, sizesAt, TENANT, type Checks, type World } from './generate.ts';

const MODEL = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && r.obj == p.obj && r.act == p.act
`;

const POLICIES = 10_000;
const RUNS = 5;

/** A g rule's domain `pattern` applies at `requested` when it is `*`, the same path, or an ancestor of it. */
export function scopeAtOrAbove(requested: string, pattern: string): boolean {
  if (pattern === '*' || requested === pattern) return true;
  return requested.startsWith(pattern === '/' ? '/' : `${pattern}/`);
}

const splitAction = (action: string): [string, string] => {
  const i = action.lastIndexOf('/');
  return [action.slice(0, i), action.slice(i + 1)];
};

/** The casbin policy text for a world at instant `at`, and how many lines of each kind. */
export function casbinPolicy(world: World, at: number): { text: string; p: number; gMembers: number; gGrants: number } {
  const lines: string[] = [];
  let p = 0;
  for (const role of builtInRoles(TENANT)) {
    for (const action of ACTION_POOL) {
      if (!roleAllows(role, action)) continue;
      const [obj, act] = splitAction(action);
      lines.push(`p, ${role.id}, *, ${obj}, ${act}`);
      p++;
    }
  }
  for (const m of world.snapshot.memberships) lines.push(`g, ${m.memberId}, ${m.groupId}, *`);
  let gGrants = 0;
  for (const g of world.snapshot.grants) {
    if (!(g.startAt <= at && (g.endAt === null || at < g.endAt))) continue;
    lines.push(`g, ${g.principalId}, ${g.roleDefinitionId}, ${g.scopeId}`);
    gGrants++;
  }
  return { text: lines.join('\n'), p, gMembers: world.snapshot.memberships.length, gGrants };
}

export async function casbinEnforcer(policy: string): Promise<Enforcer> {
  const e = await newEnforcer(newModelFromString(MODEL), new StringAdapter(policy));
  await e.addNamedDomainMatchingFunc('g', scopeAtOrAbove);
  return e;
}

/** A subset world of about `POLICIES` casbin policies (same proportions as the 1M world). */
function subsetWorld(at: (w: World) => number): { world: World; policy: ReturnType<typeof casbinPolicy>; scale: number } {
  let scale = 0.0077;
  for (let attempt = 0; ; attempt++) {
    const world = generate(42, sizesAt(scale));
    const policy = casbinPolicy(world, at(world));
    const total = policy.p + policy.gMembers + policy.gGrants;
    if (attempt === 2 || Math.abs(total - POLICIES) / POLICIES < 0.02) return { world, policy, scale };
    scale *= (POLICIES - policy.p) / (total - policy.p);
  }
}

/** Mean ns per check of the index over the sample, from enough untimed repetitions to be resolved. */
function indexMeanNs(index: AccessIndex, c: Checks, from: number, to: number): number {
  const reps = Math.max(1, Math.ceil(200_000 / (to - from)));
  let allowed = 0;
  const t = performance.now();
  for (let r = 0; r < reps; r++) {
    for (let i = from; i < to; i++) if (index.isAllowed(c.principal[i]!, c.action[i]!, c.scope[i]!, c.at[i]!)) allowed++;
  }
  const ns = ((performance.now() - t) * 1e6) / (reps * (to - from));
  if (allowed < 0) throw new Error('unreachable');
  return ns;
}

export async function run(opts: PhaseOptions): Promise<PhaseResult & { casbinMeanMs: number }> {
  const nChecks = opts.quick ? 100 : 500;
  const atOf = (w: World): number => w.now + HOUR / 2;
  const { world, policy, scale } = subsetWorld(atOf);
  const T = atOf(world);
  const total = policy.p + policy.gMembers + policy.gGrants;
  log(
    `casbin subset: scale ${scale.toFixed(5)} → ${n0(world.snapshot.grants.length)} grants (${n0(policy.gGrants)} in effect at T), ${n0(world.users.length)} users, ${n0(world.groups.length)} groups; casbin policies ${n0(total)} = ${policy.p} p + ${n0(policy.gMembers)} g (membership) + ${n0(policy.gGrants)} g (grant)`,
  );
  const index = indexOf(world);
  const checks = sampleChecks(world, index, 7, nChecks, () => T);
  const tLoad = performance.now();
  const enforcer = await casbinEnforcer(policy.text);
  const loadMs = performance.now() - tLoad;
  log(`casbin enforcer loaded in ${f(loadMs, 0)} ms; ${n0(checks.principal.length)} sampled checks (${n0(checks.allowed)} allowed by the index), all at T`);

  // Alternating runs: each run asks casbin one fifth of the sample (every request exactly once
  // overall, each timed on its own) and the index the same fifth (untimed loop, mean).
  const n = checks.principal.length;
  let agree = 0;
  let casbinAllowed = 0;
  const disagreements: string[] = [];
  const casbinMeans: number[] = [];
  const casbinAll: number[] = [];
  const indexMeans: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const from = Math.floor((run * n) / RUNS);
    const to = Math.floor(((run + 1) * n) / RUNS);
    indexMeanNs(index, checks, from, to); // warm
    indexMeans.push(indexMeanNs(index, checks, from, to));
    const lat: number[] = [];
    for (let i = from; i < to; i++) {
      const [obj, act] = splitAction(checks.action[i]!);
      const t = performance.now();
      const ok = enforcer.enforceSync(checks.principal[i]!, checks.scope[i]!, obj, act);
      lat.push(performance.now() - t);
      if (ok) casbinAllowed++;
      const mine = index.isAllowed(checks.principal[i]!, checks.action[i]!, checks.scope[i]!, checks.at[i]!);
      if (ok === mine) agree++;
      else if (disagreements.length < 5) disagreements.push(`${checks.principal[i]} ${checks.action[i]} ${checks.scope[i]}: index ${mine}, casbin ${ok}`);
    }
    casbinMeans.push(lat.reduce((a, b) => a + b, 0) / lat.length);
    casbinAll.push(...lat);
    log(`run ${run + 1}: casbin mean ${f(casbinMeans.at(-1)!, 1)} ms over ${to - from} checks; index mean ${f(indexMeans.at(-1)!, 0)} ns`);
  }
  casbinAll.sort((a, b) => a - b);
  const ratios = casbinMeans.map((c, i) => (c * 1e6) / indexMeans[i]!);
  const ratio = median(ratios);
  const casbinMeanMs = median(casbinMeans);
  const indexNs = median(indexMeans);
  log(`agreement ${n0(agree)}/${n0(n)}; casbin allowed ${casbinAllowed}, index allowed ${checks.allowed}`);
  for (const d of disagreements) log(`  disagree: ${d}`);
  return {
    casbinMeanMs,
    rows: [
      {
        id: 'T1',
        metric: `casbin comparison at ${n0(total)} policies: identical decisions`,
        target: 'every sampled request',
        measured: `${n0(agree)} / ${n0(n)} agree`,
        ratio: '—',
        result: agree === n,
        note: agree === n ? `${n0(checks.allowed)} allowed, ${n0(n - checks.allowed)} denied` : `${n - agree} differ, e.g. ${disagreements[0]}`,
      },
      {
        id: 'T1',
        metric: `speed vs node-casbin at ${n0(total)} policies (same data, same process)`,
        target: '≥ 1,000× faster',
        measured: `casbin ${f(casbinMeanMs, 1)} ms (p50 ${f(pct(casbinAll, 0.5), 1)}, p99 ${f(pct(casbinAll, 0.99), 1)}); index ${f(indexNs, 0)} ns per check`,
        ratio: times(ratio),
        result: ratio >= 1000,
      },
    ],
    notes: [
      `**T1 casbin comparison.** node-casbin ${casbinVersion()} with its documented RBAC-with-domains model (\`g = _, _, _\`), ` +
        'the matcher `g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && r.obj == p.obj && r.act == p.act` (the documented matcher with its documented ' +
        '`keyMatch` domain variant, so role permissions can be written once for every domain). Mapping: a request is (principal, scope path, action minus its ' +
        "last segment, last segment); a grant of role R at scope S is `g, principal, R, S`; a group membership is `g, member, group, *` (as in casbin's " +
        'domain-pattern example); role permissions are `p, R, *, obj, act`, one per (role, action) over every action the sample asks about, wildcards and ' +
        "exclusions expanded with the catalogue's own matcher. **Scope ancestry** is encoded with a domain matching function registered through " +
        '`addNamedDomainMatchingFunc` (a g rule at S applies at S and every path below it; `*` everywhere). **Time windows** cannot be expressed: casbin ' +
        `is given the ${n0(policy.gGrants)} of ${n0(world.snapshot.grants.length)} subset grants in effect at one instant T and every compared check is asked at T ` +
        '(the index holds all of them, ended and not yet started included, and compares windows itself). Everything the sample asks is then expressible in ' +
        `both, so all ${n0(n)} sampled requests are compared. The subset is the 1M generator at scale ${scale.toFixed(5)} (same proportions), sized to ` +
        `≈ 10k casbin policies as T1's comparison names (${n0(total)}: ${policy.p} p, ${n0(policy.gMembers)} membership g, ${n0(policy.gGrants)} grant g); casbin at 1M ` +
        `is infeasible here (its cost grows with the policy count: each g() evaluation rebuilds the role graph of every matching domain). Casbin checks are timed one by one; ` +
        `the index's time is the mean of an untimed loop over the same requests; ratio = median over ${RUNS} alternating runs of casbin mean ÷ index mean.`,
    ],
  };
}

function casbinVersion(): string {
  try {
    return (process.getBuiltinModule('node:module').createRequire(import.meta.url)('casbin/package.json') as { version: string }).version;
  } catch {
    return '';
  }
}
