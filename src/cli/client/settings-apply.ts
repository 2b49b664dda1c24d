/**
 * `openpim config apply`: makes the server match a file, every change through the API (so each is
 * authorized and audited like any other). Before changing anything it checks every policy rule as
 * the server would (the domain's own validateRule) and submits every assignment request whose
 * target exists with `isValidationOnly: true`; any failure stops it there, with nothing changed.
 * Then: administrative units, scopes and groups that are missing; group members; new scoped
 * policies; the rules of the tenant default and of each policy (a PATCH for each rule set or
 * changed, a DELETE for each reset to inherit); and last the assignment requests — all validated
 * again first (those about objects or policies this run made could not be before), then
 * adminAssign, adminUpdate and adminRemove. Between steps it reads the server again and plans anew, so each step works on
 * what is there.
 */
import { BUILT_IN_ROLES } from '../../domain/roles/catalogue.ts';
import { kindOfRule, type PolicyRule } from '../../domain/policy/rules.ts';
import { validateRule } from '../../domain/policy/validate-rule.ts';
import { parseDuration } from '../../domain/time.ts';
import { ApiError, type ApiClient } from './api-client.ts';
import { Directory } from './settings-directory.ts';
import type { FileSettings } from './settings-file.ts';
import { readLive } from './settings-live.ts';
import { targetLabel, type PolicyTarget, type TenantDefault } from './settings-model.ts';
import type { Change, Plan, RuleChange } from './settings-changes.ts';
import { computePlan } from './settings-plan.ts';
import { apiRuleFields, RULE_FIELDS, RULE_TYPE, type ApproverIds } from './settings-rules.ts';
import { describeChange } from './settings-plan-output.ts';
import { requestsPath } from './targets.ts';

type AssignmentChange = Extract<Change, { section: 'assignments' }>;
type PolicyChange = Extract<Change, { section: 'policies' }>;

export interface ApplyOptions {
  /** The justification of every request (`--reason`). */
  readonly justification: string;
  readonly now: () => number;
  /** Each change as it is made (a line for people). */
  readonly done: (line: string) => void;
}

export interface ApplyResult {
  readonly applied: number;
  /** Every failure, in words. */
  readonly failures: readonly string[];
  /** Where it stopped: `checks` (nothing was changed), `assignments` (objects and policies were, no assignment), or null (it ran to the end). */
  readonly stoppedAt: 'checks' | 'assignments' | null;
}

const RESOURCE_ROLES = new Set(BUILT_IN_ROLES.filter((r) => r.kind === 'resource').map((r) => r.id));

/**
 * Resource roles and groups must name an approver when approval is on (directory roles fall back to
 * the administrators); so must the tenant default, which groups and resource roles inherit.
 */
const approverRequired = (dir: Directory, t: PolicyTarget | TenantDefault) => t.kind !== 'role' || RESOURCE_ROLES.has(dir.roleId(t.role) ?? '');

/** The rule problems the server would refuse a PATCH for, found without sending one. */
function policyProblems(changes: readonly PolicyChange[], dir: Directory): string[] {
  const anyId: ApproverIds = { userId: () => 'id', groupId: () => 'id' };
  return changes.flatMap((c) =>
    c.rules
      .filter((r) => r.action !== 'inherit')
      .flatMap(({ id }) => {
        const rule = { kind: kindOfRule(id), id, ...apiRuleFields(c.own[id]!, Object.keys(c.own[id]!), anyId) } as unknown as PolicyRule;
        return validateRule(rule, { approverRequired: approverRequired(dir, c.target) }).map((p) => `policies: ${targetLabel(c.target)}: ${p}`);
      }),
  );
}

/**
 * The body of a PATCH that sets a rule: every field, so that the rule comes out as the file has it
 * whatever it inherits by then (other changes of this apply may change that); `target` only when it
 * differs from the rule in force, so an unchanged target keeps the server's spelling.
 */
function patchBody(c: PolicyChange, r: RuleChange, ids: ApproverIds): Record<string, unknown> {
  const keys = [...RULE_FIELDS[kindOfRule(r.id)], ...(r.fields.some((f) => f.field === 'target') ? ['target'] : [])];
  return { '@odata.type': RULE_TYPE[kindOfRule(r.id)], id: r.id, ...apiRuleFields(c.own[r.id]!, keys, ids) };
}

interface RequestPlan {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly label: string;
}

/** The schedule request that carries out an assignment change, or null while its principal or target does not exist yet. */
function requestOf(c: AssignmentChange, dir: Directory, now: number, justification: string): RequestPlan | null {
  const a = c.assignment;
  const principalId = dir.principalId(a.principal);
  const ids = dir.targetIds(a.target);
  if (!principalId || !ids) return null;
  const provider = a.target.kind === 'group' ? 'group' : 'directory';
  const target =
    provider === 'group' ? { accessId: ids.roleDefinitionId, groupId: ids.groupId } : { roleDefinitionId: ids.roleDefinitionId, directoryScopeId: ids.scopeId };
  const label = describeChange(c)[0]!;
  const path = requestsPath(provider, a.type === 'eligible' ? 'eligibility' : 'assignment');
  const common = { principalId, ...target, justification };
  if (c.action === 'remove') return { path, label, body: { action: 'adminRemove', ...common } };
  const futureStart = a.start && Date.parse(a.start) > now ? a.start : null;
  if (c.action === 'add') {
    const expiration = a.end
      ? { type: 'afterDateTime', endDateTime: a.end }
      : a.duration
        ? { type: 'afterDuration', duration: a.duration }
        : { type: 'noExpiration' };
    return { path, label, body: { action: 'adminAssign', ...common, scheduleInfo: { ...(futureStart ? { startDateTime: futureStart } : {}), expiration } } };
  }
  // adminUpdate: a grant in effect keeps its start, so a duration counts from it.
  const s = c.schedule!;
  const started = s.started;
  let expiration: Record<string, unknown>;
  if (a.end) expiration = { type: 'afterDateTime', endDateTime: a.end };
  else if (!a.duration) expiration = { type: 'noExpiration' };
  else if (started) expiration = { type: 'afterDateTime', endDateTime: new Date(Date.parse(s.start) + parseDuration(a.duration)).toISOString() };
  else expiration = { type: 'afterDuration', duration: a.duration };
  const startDateTime = started ? null : futureStart;
  return { path, label, body: { action: 'adminUpdate', ...common, scheduleInfo: { ...(startDateTime ? { startDateTime } : {}), expiration } } };
}

/** Submits each request with isValidationOnly; the failures, in words. */
async function validate(client: ApiClient, requests: readonly RequestPlan[]): Promise<string[]> {
  const failures: string[] = [];
  for (const r of requests) {
    try {
      await client.call('POST', r.path, { ...r.body, isValidationOnly: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      failures.push(`${r.label.slice(2)}: ${error.message}`);
    }
  }
  return failures;
}

/**
 * The assignment requests that can be checked now: their principal and target exist, and no policy
 * they are governed by changes in this run (their role's, their group's or the defaults for groups
 * it inherits from, or the tenant default, which they all inherit from).
 */
function checkableNow(plan: Plan, dir: Directory, now: number, justification: string): RequestPlan[] {
  const governed = (t: PolicyTarget | TenantDefault): string =>
    t.kind === 'role'
      ? `role:${dir.roleId(t.role)}`
      : t.kind === 'group'
        ? `group:${t.group}:${t.access}`
        : t.kind === 'groupDefaults'
          ? `defaults:${t.access}`
          : 'tenantDefault';
  const touched = new Set(plan.changes.flatMap((c) => (c.section === 'policies' ? [governed(c.target)] : [])));
  if (touched.has('tenantDefault')) return [];
  return plan.changes.flatMap((c) => {
    if (c.section !== 'assignments') return [];
    const t = c.assignment.target;
    if (t.kind === 'role' ? touched.has(`role:${dir.roleId(t.role)}`) : touched.has(`group:${t.group}:${t.access}`) || touched.has(`defaults:${t.access}`))
      return [];
    const request = requestOf(c, dir, now, justification);
    return request ? [request] : [];
  });
}

export async function applySettings(client: ApiClient, file: FileSettings, first: { plan: Plan; dir: Directory }, options: ApplyOptions): Promise<ApplyResult> {
  let { plan, dir } = first;
  const failures: string[] = [];
  let applied = 0;

  // 1. Checks: nothing changes if any fails.
  const checks = [
    ...policyProblems(
      plan.changes.filter((c): c is PolicyChange => c.section === 'policies'),
      dir,
    ),
    ...(await validate(client, checkableNow(plan, dir, options.now(), options.justification))),
  ];
  if (checks.length > 0) return { applied, failures: checks, stoppedAt: 'checks' };

  const step = async (c: Change, action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
      applied += 1;
      options.done(describeChange(c)[0]!);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      failures.push(`${describeChange(c)[0]!.slice(2)}: ${error.message}`);
    }
  };
  const again = async () => {
    dir = new Directory(await readLive(client));
    plan = computePlan(file, dir, options.now());
    if (plan.errors.length > 0) failures.push(...plan.errors);
  };
  const stopped = (): ApplyResult | null => (failures.length > 0 ? { applied, failures, stoppedAt: null } : null);

  // 2. Administrative units, resource scopes (parents first) and groups that are missing.
  const created = plan.changes.filter((c) => c.section === 'administrativeUnits' || c.section === 'scopes' || (c.section === 'groups' && !('member' in c)));
  for (const c of created) {
    if (c.section === 'administrativeUnits') await step(c, () => client.call('POST', '/v1.0/directory/administrativeUnits', { displayName: c.name }));
    if (c.section === 'scopes') {
      await step(c, () =>
        client.call('POST', '/openpim/scopes', {
          id: c.scope.path,
          ...(c.scope.displayName ? { displayName: c.scope.displayName } : {}),
          ...(c.scope.parent ? { parentId: c.scope.parent } : {}),
        }),
      );
    }
    if (c.section === 'groups' && !('member' in c)) {
      await step(c, () =>
        client.call('POST', '/v1.0/groups', {
          displayName: c.group.name,
          ...(c.group.description ? { description: c.group.description } : {}),
          isAssignableToRole: c.group.isAssignableToRole,
        }),
      );
    }
  }
  if (created.length > 0) await again();
  if (stopped()) return stopped()!;

  // 3. Members, and the policies the file gives a narrower scope.
  const members = plan.changes.filter((c): c is Extract<Change, { section: 'groups'; member: unknown }> => c.section === 'groups' && 'member' in c);
  for (const c of members) {
    const groupId = dir.groupId(c.group.name)!;
    const memberId = dir.principalId(c.member)!;
    await step(c, () =>
      c.action === 'add'
        ? client.call('POST', `/v1.0/groups/${encodeURIComponent(groupId)}/members/$ref`, { '@odata.id': `${client.server}/v1.0/directoryObjects/${memberId}` })
        : client.call('DELETE', `/v1.0/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}/$ref`),
    );
  }
  const newPolicies = plan.changes.filter((c): c is PolicyChange => c.section === 'policies' && c.action === 'add');
  for (const c of newPolicies) {
    const ids = dir.targetIds(c.target as Extract<PolicyTarget, { kind: 'role' }>)!;
    try {
      await client.call('POST', '/openpim/policies', { roleDefinitionId: ids.roleDefinitionId, scopeId: ids.scopeId });
      if (c.rules.length === 0) {
        applied += 1;
        options.done(describeChange(c)[0]!);
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      failures.push(`${describeChange(c)[0]!.slice(2)}: ${error.message}`);
    }
  }
  if (members.length + newPolicies.length > 0) await again();
  if (stopped()) return stopped()!;

  // 4. Policy rules, the tenant default's first: a PATCH for each rule set or changed, a DELETE for each reset to inherit.
  const ids: ApproverIds = { userId: (upn) => dir.userId(upn)!, groupId: (name) => dir.groupId(name)! };
  const policyChanges = plan.changes.filter((c): c is PolicyChange => c.section === 'policies');
  for (const c of policyChanges) {
    const policy = dir.policy(c.target);
    if (!policy) {
      failures.push(`policies: ${targetLabel(c.target)}: the server has no such policy`);
      continue;
    }
    const newlyMade = newPolicies.some((n) => targetLabel(n.target) === targetLabel(c.target));
    const change: Change = newlyMade ? { ...c, action: 'add' } : c;
    const rulePath = (id: string) => `/v1.0/policies/roleManagementPolicies/${encodeURIComponent(policy.id)}/rules/${id}`;
    await step(change, async () => {
      for (const r of c.rules) {
        if (r.action === 'inherit') await client.call('DELETE', rulePath(r.id));
        else await client.call('PATCH', rulePath(r.id), patchBody(c, r, ids));
      }
    });
  }
  if (policyChanges.length > 0) await again();
  if (stopped()) return stopped()!;

  // 5. Assignments: every request validated (now that objects and policies are in place), then made.
  const changes = plan.changes.filter((c): c is AssignmentChange => c.section === 'assignments');
  const requests = changes.map((c) => ({ c, request: requestOf(c, dir, options.now(), options.justification) }));
  const unresolved = requests.filter((r) => !r.request).map((r) => `${describeChange(r.c)[0]!.slice(2)}: its principal or target does not exist`);
  const invalid = [
    ...unresolved,
    ...(await validate(
      client,
      requests.flatMap((r) => (r.request ? [r.request] : [])),
    )),
  ];
  if (invalid.length > 0) return { applied, failures: invalid, stoppedAt: applied > 0 ? 'assignments' : 'checks' };
  // Grants first, removals last: replacing one administrator with another never leaves none between.
  const order = { add: 0, change: 1, remove: 2 } as const;
  for (const { c, request } of [...requests].sort((x, y) => order[x.c.action] - order[y.c.action])) {
    await step(c, () => client.call('POST', request!.path, request!.body));
  }
  return { applied, failures, stoppedAt: null };
}
