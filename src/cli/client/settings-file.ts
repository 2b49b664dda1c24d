/**
 * The YAML file of `openpim config` (docs/guide.md, "Settings as code"): written from the server's
 * settings in a fixed order, so that two exports of one state are the same text, and read back —
 * checked field by field, every mistake named by its place in the file.
 */
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { isDuration, parseInstant } from '../../domain/time.ts';
import { kindOfRule, RULE_IDS, type RuleKind } from '../../domain/policy/rules.ts';
import { usageError } from './cli-error.ts';
import { overridesOf, ownRules, withOverrides } from './settings-rules.ts';
import {
  type Access,
  type AssignmentSetting,
  type GroupSetting,
  type PolicySetting,
  type PolicyTarget,
  type OwnRules,
  type PrincipalType,
  type ScopeRef,
  type Settings,
  type Target,
} from './settings-model.ts';

export const FILE_VERSION = 1;

// Writing ---------------------------------------------------------------------------------------

const scopeFields = (s: ScopeRef) => ('path' in s ? { scope: s.path } : { administrativeUnit: s.administrativeUnit });

function targetFields(t: PolicyTarget): Record<string, unknown> {
  if (t.kind === 'role') return { role: t.role, ...scopeFields(t.scope) };
  if (t.kind === 'group') return { group: t.group, access: t.access };
  return { access: t.access, scope: '/' };
}

function assignmentEntry(a: AssignmentSetting): Record<string, unknown> {
  const { principal: _p, ...rest } = a;
  return {
    ...targetFields(rest.target as Target),
    type: a.type,
    ...(a.start ? { start: a.start } : {}),
    ...(a.end ? { end: a.end } : a.duration ? { duration: a.duration } : { permanent: true }),
  };
}

/**
 * Policies worth writing: a narrower scope's always (that it exists is a setting), others when they
 * set some rule. Each lists the rules it sets — in each only the fields that differ from the
 * built-in default, `{}` when none does — and inherits the rest.
 */
function policyEntries(policies: readonly PolicySetting[]): Record<string, unknown>[] {
  return policies.flatMap((p) => {
    const rules = overridesOf(p.rules, 'all');
    const scoped = p.target.kind === 'role' && !('path' in p.target.scope && p.target.scope.path === '/');
    if (!scoped && Object.keys(rules).length === 0) return [];
    return [{ ...targetFields(p.target), rules }];
  });
}

const PRINCIPAL_SECTIONS: Record<PrincipalType, string> = { user: 'users', group: 'groups', servicePrincipal: 'servicePrincipals' };

/** The file's text: the header comment, then the settings (sorted as given: settings-live.ts sorts them). */
export function renderSettings(settings: Settings, header: readonly string[]): string {
  const assignments: Record<string, Record<string, Record<string, unknown>[]>> = { users: {}, groups: {}, servicePrincipals: {} };
  for (const a of settings.assignments) {
    const section = assignments[PRINCIPAL_SECTIONS[a.principal.type]]!;
    (section[a.principal.name] ??= []).push(assignmentEntry(a));
  }
  const doc = {
    version: FILE_VERSION,
    administrativeUnits: settings.administrativeUnits,
    scopes: Object.fromEntries(
      settings.scopes.map((s) => [s.path, { ...(s.displayName ? { displayName: s.displayName } : {}), ...(s.parent ? { parent: s.parent } : {}) }]),
    ),
    groups: Object.fromEntries(settings.groups.map((g) => [g.name, groupEntry(g)])),
    // The rules of the tenant default that differ from the built-in defaults.
    tenantDefault: { rules: overridesOf(settings.tenantDefault, 'differing') },
    policies: policyEntries(settings.policies),
    assignments,
  };
  const body = stringify(doc, { lineWidth: 0, indent: 2 });
  return `${header.map((line) => `# ${line}`).join('\n')}\n${body}`;
}

function groupEntry(g: GroupSetting): Record<string, unknown> {
  const m = g.members ?? { users: [], groups: [], servicePrincipals: [] };
  return {
    ...(g.description ? { description: g.description } : {}),
    isAssignableToRole: g.isAssignableToRole,
    members: m.users,
    ...(m.groups.length > 0 ? { memberGroups: m.groups } : {}),
    ...(m.servicePrincipals.length > 0 ? { memberServicePrincipals: m.servicePrincipals } : {}),
  };
}

// Reading ---------------------------------------------------------------------------------------

const name = z.string().trim().min(1);
const instant = z.string().refine((v) => {
  try {
    parseInstant(v);
    return true;
  } catch {
    return false;
  }
}, 'must be an ISO-8601 date-time with a time zone, e.g. 2027-01-31T09:00:00Z');
const duration = z.string().refine(isDuration, 'must be an ISO-8601 duration, e.g. P90D or PT8H');
const extras = { description: z.string().optional(), isBackup: z.boolean().optional() };
const approver = z.union(
  [z.strictObject({ user: name, ...extras }), z.strictObject({ group: name, ...extras }), z.strictObject({ manager: z.number().int(), ...extras })],
  { error: 'an approver is {user: UPN}, {group: NAME} or {manager: 1|2}' },
);
const stage = z.strictObject({
  approvalStageTimeOutInDays: z.number().int().optional(),
  isApproverJustificationRequired: z.boolean().optional(),
  escalationTimeInMinutes: z.number().int().optional(),
  isEscalationEnabled: z.boolean().optional(),
  approvalsRequired: z.number().int().optional(),
  primaryApprovers: z.array(approver).default([]),
  escalationApprovers: z.array(approver).default([]),
});
const target = z
  .strictObject({
    caller: z.enum(['Admin', 'EndUser']),
    operations: z.array(z.string()),
    level: z.enum(['Eligibility', 'Assignment']),
    inheritableSettings: z.array(z.string()),
    enforcedSettings: z.array(z.string()),
  })
  .partial();
const RULE_SCHEMA: Record<RuleKind, z.ZodType> = {
  expiration: z.strictObject({ isExpirationRequired: z.boolean().optional(), maximumDuration: duration.optional(), target: target.optional() }),
  enablement: z.strictObject({
    enabledRules: z.array(z.enum(['MultiFactorAuthentication', 'Justification', 'Ticketing'])).optional(),
    target: target.optional(),
  }),
  approval: z.strictObject({
    setting: z
      .strictObject({
        isApprovalRequired: z.boolean(),
        isApprovalRequiredForExtension: z.boolean(),
        isRequestorJustificationRequired: z.boolean(),
        approvalMode: z.enum(['SingleStage', 'Serial', 'Parallel', 'NoApproval']),
        grantStartsAt: z.enum(['approval', 'request']),
        approvalStages: z.array(stage),
      })
      .partial()
      .optional(),
    target: target.optional(),
  }),
  authenticationContext: z.strictObject({ isEnabled: z.boolean().optional(), claimValue: z.string().nullable().optional(), target: target.optional() }),
  notification: z.strictObject({
    notificationType: z.literal('Email').optional(),
    recipientType: z.enum(['Requestor', 'Approver', 'Admin']).optional(),
    notificationLevel: z.enum(['None', 'Critical', 'All']).optional(),
    isDefaultRecipientsEnabled: z.boolean().optional(),
    notificationRecipients: z.array(z.string()).optional(),
    target: target.optional(),
  }),
};
const rules = z.strictObject(Object.fromEntries(RULE_IDS.map((id) => [id, RULE_SCHEMA[kindOfRule(id)].optional()]))).nullish();

/** Where an entry points: `role` (+ `scope` or `administrativeUnit`), `group` + `access`, or `access` + `scope: /` (the defaults of groups). */
const targetKeys = {
  role: name.optional(),
  scope: z.string().regex(/^\//, "must be a path starting with '/'").optional(),
  administrativeUnit: name.optional(),
  group: name.optional(),
  access: z.enum(['member', 'owner']).optional(),
};
type TargetKeys = { role?: string; scope?: string; administrativeUnit?: string; group?: string; access?: Access };

function targetOf(t: TargetKeys, allowDefaults: boolean): PolicyTarget | string {
  if (t.role !== undefined) {
    if (t.group !== undefined || t.access !== undefined) return 'give role (with scope or administrativeUnit), or group with access, not both';
    if (t.scope !== undefined && t.administrativeUnit !== undefined) return 'give scope or administrativeUnit, not both';
    return { kind: 'role', role: t.role, scope: t.administrativeUnit !== undefined ? { administrativeUnit: t.administrativeUnit } : { path: t.scope ?? '/' } };
  }
  if (t.access === undefined) return 'name a role (role: …) or PIM for Groups access (group: … with access: member|owner)';
  if (t.administrativeUnit !== undefined) return 'administrativeUnit goes with role, not with access';
  if (t.group !== undefined) {
    if (t.scope !== undefined) return 'give group or scope, not both';
    return { kind: 'group', group: t.group, access: t.access };
  }
  if (allowDefaults && t.scope === '/') return { kind: 'groupDefaults', access: t.access };
  return allowDefaults ? 'with access, name the group (group: …), or scope: / for the defaults new groups copy' : 'with access, name the group (group: …)';
}

const policyEntry = z.strictObject({ ...targetKeys, rules }).transform((e, ctx) => {
  const t = targetOf(e, true);
  if (typeof t === 'string') {
    ctx.addIssue({ code: 'custom', message: t });
    return z.NEVER;
  }
  return { target: t, overrides: (e.rules ?? {}) as OwnRules };
});

const assignmentEntrySchema = z
  .strictObject({
    ...targetKeys,
    type: z.enum(['eligible', 'active']),
    start: instant.optional(),
    end: instant.optional(),
    duration: duration.optional(),
    permanent: z.literal(true).optional(),
  })
  .transform((e, ctx) => {
    const t = targetOf(e, false);
    if (typeof t === 'string') {
      ctx.addIssue({ code: 'custom', message: t });
      return z.NEVER;
    }
    if ([e.end, e.duration, e.permanent].filter((v) => v !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of end (a date-time), duration (P90D) or permanent: true' });
      return z.NEVER;
    }
    return { target: t as Target, type: e.type, start: e.start ?? null, end: e.end ?? null, duration: e.duration ?? null };
  });

const principals = z.record(z.string(), z.array(assignmentEntrySchema).nullable()).nullish();

const fileSchema = z.strictObject({
  version: z.literal(FILE_VERSION, { error: `must be ${FILE_VERSION}` }),
  administrativeUnits: z.array(name).nullish(),
  scopes: z
    .record(
      z.string().regex(/^\/./, "a scope is a path such as '/subscriptions/s1'"),
      z.strictObject({ displayName: name.optional(), parent: z.string().regex(/^\//).optional() }).nullable(),
    )
    .nullish(),
  groups: z
    .record(
      name,
      z
        .strictObject({
          description: z.string().nullable().optional(),
          isAssignableToRole: z.boolean().optional(),
          members: z.array(name).nullable().optional(),
          memberGroups: z.array(name).nullable().optional(),
          memberServicePrincipals: z.array(name).nullable().optional(),
        })
        .nullable(),
    )
    .nullish(),
  tenantDefault: z.strictObject({ rules }).nullish(),
  policies: z.array(policyEntry).nullish(),
  assignments: z.strictObject({ users: principals, groups: principals, servicePrincipals: principals }).nullish(),
});

/**
 * The settings a file describes, as written (names not yet checked against a server): the tenant
 * default's 17 rules and the rules each policy sets, whole; each group's members or null.
 */
export interface FileSettings extends Settings {
  /** Groups whose `isAssignableToRole` the file leaves out (not compared; false when created). */
  readonly assignableUnsaid: ReadonlySet<string>;
}

const pathOf = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(top level)';

/** Reads a file's text; a mistake is a usage error (exit code 2) that lists every problem with its place. */
export function parseSettings(text: string, file: string): FileSettings {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw usageError(`${file} is not valid YAML:\n${doc.errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n')}`);
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw usageError(`${file} is not a valid settings file:\n${parsed.error.issues.map((i) => `  ${pathOf(i.path)}: ${i.message}`).join('\n')}`);
  }
  const f = parsed.data;
  const assignableUnsaid = new Set<string>();
  const groups: GroupSetting[] = Object.entries(f.groups ?? {}).map(([groupName, g]) => {
    if (g?.isAssignableToRole === undefined) assignableUnsaid.add(groupName);
    const managed = g && (g.members !== undefined || g.memberGroups !== undefined || g.memberServicePrincipals !== undefined);
    return {
      name: groupName,
      description: g?.description ?? null,
      isAssignableToRole: g?.isAssignableToRole ?? false,
      members: managed ? { users: g.members ?? [], groups: g.memberGroups ?? [], servicePrincipals: g.memberServicePrincipals ?? [] } : null,
    };
  });
  const assignments: AssignmentSetting[] = [];
  const sections: [PrincipalType, Record<string, z.output<typeof assignmentEntrySchema>[] | null> | null | undefined][] = [
    ['user', f.assignments?.users],
    ['group', f.assignments?.groups],
    ['servicePrincipal', f.assignments?.servicePrincipals],
  ];
  for (const [type, section] of sections) {
    for (const [principal, entries] of Object.entries(section ?? {})) {
      for (const e of entries ?? []) assignments.push({ principal: { type, name: principal }, ...e });
    }
  }
  return {
    tenantDefault: withOverrides((f.tenantDefault?.rules ?? {}) as OwnRules),
    administrativeUnits: f.administrativeUnits ?? [],
    scopes: Object.entries(f.scopes ?? {}).map(([path, s]) => ({ path, displayName: s?.displayName ?? null, parent: s?.parent ?? null })),
    groups,
    policies: (f.policies ?? []).map((p) => ({ target: p.target, rules: ownRules(p.overrides) })),
    assignments,
    assignableUnsaid,
  };
}
