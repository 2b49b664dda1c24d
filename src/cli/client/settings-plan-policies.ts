/**
 * The policies of a plan (settings-plan.ts), compared rule by rule as the server inherits them
 * (docs/guide.md, "Policies (role settings)"): the tenant default's 17 rules, and for every policy
 * the rules it sets itself. A rule the file sets and the server inherits is set (pinned, even to
 * the value it inherits); one both set, but differently, is changed; one the server sets and the
 * file does not is reset to inherit. A role's policy at `/`, the defaults for groups and each
 * group's own policies that the file leaves out inherit every rule; a narrower scope's policy the
 * file leaves out is not touched (the API cannot remove it), only reported.
 */
import { RULE_IDS, type RuleId } from '../../domain/policy/rules.ts';
import { parentPath } from '../../domain/scope-path.ts';
import type { Directory } from './settings-directory.ts';
import type { FileSettings } from './settings-file.ts';
import type { LivePolicy } from './settings-live.ts';
import {
  ACCESSES,
  TENANT_DEFAULT,
  targetKey,
  targetLabel,
  type OwnRules,
  type PolicyTarget,
  type PortableRule,
  type Rules,
  type ScopeRef,
  type Settings,
} from './settings-model.ts';
import type { Change, RuleChange } from './settings-changes.ts';
import { fieldChanges } from './settings-rules.ts';

type PolicyChange = Extract<Change, { section: 'policies' }>;

/** The rules of every policy at one moment (now, or once the plan is applied), by target key; no entry: no policy. */
interface World {
  readonly tenantDefault: Rules;
  readonly own: ReadonlyMap<string, OwnRules>;
}

export interface PolicyPlanInput {
  readonly dir: Directory;
  readonly file: FileSettings;
  /** The server's settings, and the file's (names resolved). */
  readonly current: Settings;
  readonly desired: Settings;
  /** Groups the apply creates (their two policies start setting no rule). */
  readonly newGroups: readonly string[];
  readonly warnings: string[];
}

const isScoped = (t: PolicyTarget) => t.kind === 'role' && !('path' in t.scope && t.scope.path === '/');

export function planPolicies({ dir, file, current, desired, newGroups, warnings }: PolicyPlanInput): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const tenantDefault = RULE_IDS.flatMap((id): RuleChange[] => {
    const fields = fieldChanges(id, current.tenantDefault[id], desired.tenantDefault[id]);
    return fields.length > 0 ? [{ id, action: 'change', inheritedFrom: null, fields }] : [];
  });
  if (tenantDefault.length > 0)
    changes.push({ section: 'policies', action: 'change', target: TENANT_DEFAULT, own: desired.tenantDefault, rules: tenantDefault });

  const livePolicies = new Map(dir.live.policies.map((p) => [targetKey(dir.policyTarget(p)), p]));
  const wanted = new Map(desired.policies.map((p) => [targetKey(p.target), p]));
  const targets = new Map<string, PolicyTarget>();
  for (const p of [...current.policies, ...desired.policies]) targets.set(targetKey(p.target), p.target);
  for (const group of newGroups) {
    for (const access of ACCESSES) targets.set(targetKey({ kind: 'group', group, access }), { kind: 'group', group, access });
  }

  const before: World = { tenantDefault: current.tenantDefault, own: new Map(current.policies.map((p) => [targetKey(p.target), p.rules])) };
  const afterOwn = new Map<string, OwnRules>();
  for (const [key, target] of targets) {
    const want = wanted.get(key)?.rules;
    // A narrower scope's policy the file leaves out keeps its rules: the API cannot remove it.
    afterOwn.set(key, want ?? (isScoped(target) && livePolicies.has(key) ? before.own.get(key)! : {}));
  }
  const after: World = { tenantDefault: desired.tenantDefault, own: afterOwn };
  const above = chainAbove(dir, file);

  for (const [key, target] of targets) {
    const live = livePolicies.get(key) ?? null;
    if (live && !wanted.has(key) && isScoped(target)) {
      warnings.push(`policies: ${targetLabel(target)} is on the server only: the API cannot remove a policy (add it to the file to manage it)`);
      continue;
    }
    const have = before.own.get(key) ?? {};
    const want = after.own.get(key)!;
    const inForce = live ? dir.rulesOf(live, warnings) : null;
    const rules = RULE_IDS.flatMap((id): RuleChange[] => {
      const [h, w] = [have[id], want[id]];
      if (h && w) {
        const fields = fieldChanges(id, h, w);
        return fields.length > 0 ? [{ id, action: 'change', inheritedFrom: null, fields }] : [];
      }
      if (w) {
        const was = inForce && live ? { rule: inForce[id], from: sourceOf(dir, live, id) } : inherited(before, above(target), id);
        return [{ id, action: 'set', inheritedFrom: was.from, fields: fieldChanges(id, was.rule, w) }];
      }
      if (h) {
        const next = inherited(after, above(target), id);
        return [{ id, action: 'inherit', inheritedFrom: next.from, fields: fieldChanges(id, h, next.rule) }];
      }
      return [];
    });
    const created = !live && target.kind === 'role';
    if (created || rules.length > 0) changes.push({ section: 'policies', action: created ? 'add' : 'change', target, own: want, rules });
  }
  return changes;
}

/** Where a live policy inherits a rule it does not set from. */
const sourceOf = (dir: Directory, live: LivePolicy, id: RuleId): string => dir.sourceOf(live, id) ?? targetLabel(TENANT_DEFAULT);

/** The rule a policy inherits in `world`: from the first policy above it that sets it, else the tenant default. */
function inherited(world: World, chain: readonly PolicyTarget[], id: RuleId): { rule: PortableRule; from: string } {
  for (const t of chain) {
    const rule = world.own.get(targetKey(t))?.[id];
    if (rule) return { rule, from: targetLabel(t) };
  }
  return { rule: world.tenantDefault[id], from: targetLabel(TENANT_DEFAULT) };
}

/**
 * The policies a policy inherits from before the tenant default, nearest first: a role's at each
 * scope above (following registered parents, on the server or in the file) up to `/`; for a
 * group's own, the defaults for groups.
 */
function chainAbove(dir: Directory, file: FileSettings): (t: PolicyTarget) => PolicyTarget[] {
  const fileParents = new Map(file.scopes.map((s) => [s.path, s.parent]));
  const liveParents = new Map(dir.live.scopes.map((s) => [s.id, s.parentId]));
  const scopesAbove = (scope: ScopeRef): ScopeRef[] => {
    if (!('path' in scope)) return [{ path: '/' }];
    const out: ScopeRef[] = [];
    const seen = new Set<string>([scope.path]);
    let at = scope.path === '/' ? null : (liveParents.get(scope.path) ?? fileParents.get(scope.path) ?? parentPath(scope.path));
    while (at && !seen.has(at)) {
      seen.add(at);
      out.push({ path: at });
      if (at === '/') break;
      at = liveParents.get(at) ?? fileParents.get(at) ?? parentPath(at);
    }
    return out;
  };
  return (t) => {
    if (t.kind === 'role') return scopesAbove(t.scope).map((scope) => ({ kind: 'role', role: t.role, scope }));
    if (t.kind === 'group') return [{ kind: 'groupDefaults', access: t.access }];
    return [];
  };
}
