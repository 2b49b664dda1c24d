/**
 * Compatibility measured, not assumed (issue 13): every PIM response OpenPIM gives, read over real
 * HTTP on loopback, is parsed with Microsoft's own kiota-generated models — `@microsoft/msgraph-sdk`
 * for v1.0, `@microsoft/msgraph-beta-sdk` for beta — by walking the JSON alongside each model's
 * field deserializers. The test fails on
 *   - a property the model does not know (kiota would put it in `additionalData`), unless it is one
 *     of OpenPIM's documented extensions (EXTENSIONS below, each checked against docs/api.md);
 *   - an enum value the model does not define (kiota would drop it: `getEnumValue` is exact);
 *   - a value of the wrong JSON type, a date-time or duration kiota cannot read, and an
 *     `@odata.type` the model's discriminator does not read as the type it names.
 * The world is realistic: eligible, active, group-held and expired grants, a two-stage approval
 * with one stage decided, PIM for Groups approvals pending and denied, every kind of policy rule
 * with every kind of approver, audit events by users and by a service principal.
 */
import { readFileSync } from 'node:fs';
import { DateOnly, Duration, TimeOnly, type Parsable, type ParsableFactory, type ParseNode } from '@microsoft/kiota-abstractions';
import { JsonParseNode } from '@microsoft/kiota-serialization-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { openHttpHarness, type HttpHarness } from '../support/http-harness.ts';
import { approver } from '../support/scenario.ts';

// ————— The checker —————

/** A kiota models module: `create…FromDiscriminatorValue` factories, `deserializeInto…` functions, `…Object` enums. */
type Models = Readonly<Record<string, unknown>>;
type Fields = Record<string, (node: ParseNode) => void>;
type Deserializer = (model?: object) => Fields;

// Loaded by name so TypeScript does not parse the packages' 18 MB of declarations.
const V1_MODELS: string = '@microsoft/msgraph-sdk/models/index.js';
const BETA_MODELS: string = '@microsoft/msgraph-beta-sdk/models/index.js';
const V1_ERRORS: string = '@microsoft/msgraph-sdk/models/oDataErrors/index.js';

/**
 * OpenPIM's extensions to Graph's shapes: `type.property` (the kiota model's type, as its
 * deserializer names it) → the section of docs/api.md that documents it. Nothing else may appear
 * in a response that the model does not know, and each extension here must appear in some response.
 */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'unifiedRoleDefinition.isPrivileged': 'Where OpenPIM differs from Graph',
  'unifiedApprovalStage.approvalsRequired': 'Where OpenPIM differs from Graph',
  'approvalSettings.grantStartsAt': 'Where OpenPIM differs from Graph',
  'approvalStep.approvalsRequired': 'Where OpenPIM differs from Graph',
  'approvalStep.decisions': 'Where OpenPIM differs from Graph',
  'approvalStage.approvalsRequired': 'Where OpenPIM differs from Graph',
  'approvalStage.decisions': 'Where OpenPIM differs from Graph',
  'approval.steps': 'Where OpenPIM differs from Graph',
  // Graph's v1.0 metadata types a group assignment request's targetSchedule as an eligibility schedule.
  'privilegedAccessGroupEligibilitySchedule.assignmentType': 'Where OpenPIM differs from Graph',
  // Where an inherited rule comes from (docs/guide.md, "Policies (role settings)").
  ...Object.fromEntries(
    ['Expiration', 'Enablement', 'Approval', 'AuthenticationContext', 'Notification'].map((kind) => [
      `unifiedRoleManagementPolicy${kind}Rule.inheritedFrom`,
      'Where OpenPIM differs from Graph',
    ]),
  ),
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const typeName = (d: Deserializer) => d.name.replace(/^deserializeInto/, '').replace(/^./, (c) => c.toLowerCase());
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a walk found: problems, and what it saw (types, enum values, extensions), to prove coverage. */
class Findings {
  /** Each problem as `where path: message`, e.g. `GET /v1.0/… $.value[0].target: …`. */
  readonly problems: string[] = [];
  readonly types = new Set<string>();
  readonly enumValues = new Map<string, Set<string>>();
  readonly extensions = new Set<string>();
  /** Where the current walk met properties the model does not read (reported or allowed): kiota's `additionalData`. */
  unread: string[] = [];
  /** Each enum object of the models by its exported name (`…Object`). */
  readonly enumNames: ReadonlyMap<unknown, string>;
  readonly models: Models;
  constructor(models: Models) {
    this.models = models;
    this.enumNames = new Map(
      Object.entries(models)
        .filter(([name]) => name.endsWith('Object'))
        .map(([name, value]) => [value, name]),
    );
  }
}

/** A kiota ParseNode over one JSON value that reports, instead of silently dropping, what the model cannot read. */
class CheckingNode implements ParseNode {
  onBeforeAssignFieldValues = undefined;
  onAfterAssignFieldValues = undefined;
  private readonly value: unknown;
  private readonly path: string;
  private readonly found: Findings;
  constructor(value: unknown, path: string, found: Findings) {
    this.value = value;
    this.path = path;
    this.found = found;
  }

  private fail(message: string): void {
    this.found.problems.push(`${this.path}: ${message}`);
  }
  private primitive<T>(kind: 'string' | 'boolean' | 'number'): T | undefined {
    if (this.value === null || this.value === undefined) return undefined;
    if (typeof this.value !== kind) this.fail(`expected a ${kind}, got ${JSON.stringify(this.value)}`);
    return typeof this.value === kind ? (this.value as T) : undefined;
  }
  private parsed<T>(what: string, parse: (s: string) => T | undefined): T | undefined {
    const s = this.getStringValue();
    if (s === undefined) return undefined;
    try {
      const v = parse(s);
      if (v === undefined) this.fail(`'${s}' is not a ${what}`);
      return v;
    } catch {
      this.fail(`'${s}' is not a ${what}`);
      return undefined;
    }
  }
  private items(): unknown[] | undefined {
    if (this.value === null) return undefined;
    if (!Array.isArray(this.value)) {
      this.fail(`expected an array, got ${JSON.stringify(this.value)}`);
      return undefined;
    }
    return this.value;
  }
  private child(value: unknown, key: string | number): CheckingNode {
    return new CheckingNode(value, typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`, this.found);
  }

  getChildNode(identifier: string): ParseNode | undefined {
    return isObject(this.value) && this.value[identifier] !== undefined ? this.child(this.value[identifier], identifier) : undefined;
  }
  getStringValue = (): string | undefined => this.primitive<string>('string');
  getBooleanValue = (): boolean | undefined => this.primitive<boolean>('boolean');
  getNumberValue = (): number | undefined => this.primitive<number>('number');
  getGuidValue = (): string | undefined => this.parsed('GUID', (s) => (GUID.test(s) ? s : undefined));
  getDateValue = (): Date | undefined => this.parsed('date-time', (s) => (DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) ? new Date(s) : undefined));
  getDurationValue = (): Duration | undefined => this.parsed('duration', (s) => Duration.parse(s));
  getDateOnlyValue = (): DateOnly | undefined => this.parsed('date', (s) => DateOnly.parse(s));
  getTimeOnlyValue = (): TimeOnly | undefined => this.parsed('time', (s) => TimeOnly.parse(s));
  getByteArrayValue = (): ArrayBuffer | undefined => this.parsed('base64 value', (s) => (/^[A-Za-z0-9+/]*={0,2}$/.test(s) ? new ArrayBuffer(0) : undefined));

  getCollectionOfPrimitiveValues<T>(type: string): T[] | undefined {
    return this.items()?.map((v, i) => {
      const node = this.child(v, i);
      const read = {
        string: node.getStringValue,
        boolean: node.getBooleanValue,
        number: node.getNumberValue,
        Date: node.getDateValue,
        Duration: node.getDurationValue,
        DateOnly: node.getDateOnlyValue,
        TimeOnly: node.getTimeOnlyValue,
      }[type];
      if (!read) throw new Error(`unexpected primitive type ${type}`);
      return read() as T;
    });
  }
  getCollectionOfObjectValues<T extends Parsable>(factory: ParsableFactory<T>): T[] | undefined {
    return this.items()?.map((v, i) => this.child(v, i).getObjectValue(factory));
  }
  getEnumValue<T>(type: Record<string, string>): T | undefined {
    const raw = this.getStringValue();
    if (raw === undefined) return undefined;
    const values = Object.values(type);
    const enumName = this.found.enumNames.get(type) ?? 'an enum';
    if (!values.includes(raw)) this.fail(`'${raw}' is not a value of ${enumName} (${values.join(', ')})`);
    else (this.found.enumValues.get(enumName) ?? this.found.enumValues.set(enumName, new Set()).get(enumName)!).add(raw);
    return raw as T;
  }
  getCollectionOfEnumValues<T>(type: Record<string, string>): T[] {
    return (this.items() ?? []).map((v, i) => this.child(v, i).getEnumValue<T>(type)!);
  }
  getObjectValue<T extends Parsable>(factory: ParsableFactory<T>): T {
    const model = {} as T;
    if (this.value === null) return model;
    if (!isObject(this.value)) {
      this.fail(`expected an object, got ${JSON.stringify(this.value)}`);
      return model;
    }
    const deserializer = factory(this) as unknown as Deserializer;
    const type = typeName(deserializer);
    if (type === 'untypedNode') return model;
    this.found.types.add(type);
    const odataType = this.value['@odata.type'];
    if (typeof odataType === 'string') {
      const named = /^#microsoft\.graph\.([A-Za-z]+)$/.exec(odataType)?.[1];
      const expected = named && this.found.models[`deserializeInto${named.charAt(0).toUpperCase()}${named.slice(1)}`];
      if (!expected) this.fail(`@odata.type '${odataType}' names no type of the model (Graph writes '#microsoft.graph.<type>')`);
      else if (expected !== deserializer) this.fail(`@odata.type '${odataType}' is read as ${type} here`);
    }
    const fields = deserializer(model);
    for (const [key, v] of Object.entries(this.value)) {
      const field = key === 'backingStoreEnabled' ? undefined : fields[key];
      if (field) {
        field(this.child(v, key));
        continue;
      }
      this.found.unread.push(`${this.path}.${key}`);
      if (`${type}.${key}` in EXTENSIONS) this.found.extensions.add(`${type}.${key}`);
      else if (!(this.path === '$' && key === '@odata.context')) this.fail(`${type} has no property '${key}'`);
    }
    return model;
  }
}

/**
 * The problems, one line per kind (array indices folded): `path: message (n×, first in where)`, so a
 * mismatch in every rule of every policy reads as one line.
 */
function summary(found: Findings): string[] {
  const kinds = new Map<string, { n: number; where: string }>();
  for (const p of found.problems) {
    const [, where, path, message] = /^(.*?) (\$\S*): (.*)$/.exec(p) ?? [p, '', p, ''];
    const key = `${path!.replace(/\[\d+\]/g, '[]')}: ${message}`;
    const seen = kinds.get(key);
    if (seen) seen.n++;
    else kinds.set(key, { n: 1, where: where! });
  }
  return [...kinds].map(([key, { n, where }]) => `${key} (${n}×, first in ${where})`);
}

/** Where kiota's own deserialized object holds `additionalData` (JSON paths, e.g. `$.value[0].steps`). */
function additionalDataPaths(value: unknown, path: string, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => additionalDataPaths(v, `${path}[${i}]`, into));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'additionalData' && isObject(v)) into.push(...Object.keys(v).map((k) => `${path}.${k}`));
      else additionalDataPaths(v, `${path}.${key}`, into);
    }
  }
  return into;
}

/**
 * Walks one response body as the model `type` (or its collection response) of a models module;
 * then parses it with kiota's own JsonParseNode, whose `additionalData` must hold exactly what the
 * walk did not read (so the walk and kiota agree on what the model knows).
 */
function walk(found: Findings, body: unknown, type: string, where: string): void {
  const factory = found.models[`create${type}FromDiscriminatorValue`] as ParsableFactory<Parsable> | undefined;
  if (!factory) throw new Error(`the model has no type ${type}`);
  const before = found.problems.length;
  found.unread = [];
  new CheckingNode(body, '$', found).getObjectValue(factory);
  try {
    const kiota = additionalDataPaths(new JsonParseNode(body).getObjectValue(factory), '$').sort();
    if (JSON.stringify(kiota) !== JSON.stringify([...found.unread].sort())) {
      found.problems.push(`$: kiota's JsonParseNode puts ${JSON.stringify(kiota)} in additionalData, the walk found ${JSON.stringify(found.unread)} unread`);
    }
  } catch (error) {
    found.problems.push(`$: kiota's JsonParseNode fails: ${(error as Error).message}`);
  }
  for (let i = before; i < found.problems.length; i++) found.problems[i] = `${where} ${found.problems[i]}`;
}

// ————— The world and the responses —————

const DIR = '/v1.0/roleManagement/directory';
const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';
const POLICIES = '/v1.0/policies/roleManagementPolicies';
const MINE = "filterByCurrentUser(on='principal')";
const INBOX = "filterByCurrentUser(on='approver')";
type Json = Record<string, unknown> & { value?: Json[]; id?: string };

describe("OpenPIM responses read with Microsoft's kiota models (@microsoft/msgraph-sdk, @microsoft/msgraph-beta-sdk)", () => {
  let api: HttpHarness;
  let baseUrl: string;
  let v1: Findings;
  let beta: Findings;

  beforeAll(async () => {
    const [v1Models, betaModels, v1Errors] = (await Promise.all([import(V1_MODELS), import(BETA_MODELS), import(V1_ERRORS)])) as Models[];
    v1 = new Findings({ ...v1Models, ...v1Errors });
    beta = new Findings(betaModels!);
    api = await openHttpHarness();
    baseUrl = await api.listen();
  });
  afterAll(async () => api?.close());

  /** One call over loopback; the body, parsed (the status must be `status`). */
  async function call(who: Principal | string, method: string, path: string, body?: unknown, status = 200): Promise<Json> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await api.token(who)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBe(status);
    return text ? (JSON.parse(text) as Json) : {};
  }
  /** A single entity read as `type`. */
  async function one(who: Principal | string, path: string, type: string, found = v1): Promise<Json> {
    const body = await call(who, 'GET', path);
    walk(found, body, type, `GET ${path}`);
    return body;
  }
  /** A non-empty collection read as `type`'s collection response; its items. */
  async function many(who: Principal | string, path: string, type: string, found = v1): Promise<Json[]> {
    const body = await call(who, 'GET', path);
    walk(found, body, `${type}CollectionResponse`, `GET ${path}`);
    expect(body.value?.length, `GET ${path} is empty`).toBeGreaterThan(0);
    return body.value!;
  }
  /**
   * A collection, then each of its items on its own (`$expand` on both when given, and each expanded
   * navigation as a path, `{id}/{navigation}`, read as `navigations` names its type; 404 when it has none).
   */
  async function everyItem(
    who: Principal | string,
    base: string,
    type: string,
    expand?: string,
    navigations: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const items = await many(who, base, type);
    if (expand) await many(who, `${base}?$expand=${expand}`, type);
    for (const item of items) {
      await one(who, `${base}/${encodeURIComponent(item.id!)}`, type);
      if (expand) await one(who, `${base}/${encodeURIComponent(item.id!)}?$expand=${expand}`, type);
      for (const [name, navType] of Object.entries(navigations)) {
        const path = `${base}/${encodeURIComponent(item.id!)}/${name}`;
        const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${await api.token(who)}` } });
        const body = (await res.json()) as Json;
        if (res.status === 404) walk(v1, body, 'ODataError', `GET ${path} (404)`);
        else {
          expect(res.status, `GET ${path}`).toBe(200);
          walk(v1, body, navType, `GET ${path}`);
          navigated.add(`${type}.${name}`);
        }
      }
    }
  }
  /** Which navigations answered an entity (`type.navigation`), to prove coverage. */
  const navigated = new Set<string>();
  /** A POST whose answer is an entity (201 unless told). */
  async function post(who: Principal | string, path: string, body: unknown, type: string, status = 201): Promise<Json> {
    const answer = await call(who, 'POST', path, body, status);
    walk(v1, answer, type, `POST ${path}`);
    return answer;
  }

  const admin = () => api.admin;
  const inHours = (h: number) => new Date(api.clock.now() + h * 3_600_000).toISOString();
  const user = async (name: string) => {
    const created = await post(
      admin(),
      '/v1.0/users',
      { displayName: name, userPrincipalName: `${name.toLowerCase()}@contoso.test`, mail: `${name.toLowerCase()}@contoso.test`, accountEnabled: true },
      'User',
    );
    return (await api.h.store.read.principals.get(api.h.tenantId, created.id!))!;
  };
  const group = async (displayName: string, isAssignableToRole: boolean) =>
    (await post(admin(), '/v1.0/groups', { displayName, isAssignableToRole }, 'Group')).id!;
  const addMember = (groupId: string, memberId: string) =>
    call(admin(), 'POST', `/v1.0/groups/${groupId}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}` }, 204);
  const policyOf = async (roleId: string, scopeId = '/') => (await api.h.store.read.policies.forRoleAt(api.h.tenantId, roleId, scopeId))!.id;
  const patchRule = (policyId: string, ruleId: string, body: unknown) => call(admin(), 'PATCH', `${POLICIES}/${policyId}/rules/${ruleId}`, body, 204);
  const forever = { expiration: { type: 'noExpiration' } };
  const lasting = (duration: string) => ({ expiration: { type: 'afterDuration', duration } });
  const role = (kind: 'Assignment' | 'Eligibility', who: Principal | string, body: Record<string, unknown>) =>
    post(who, `${DIR}/role${kind}ScheduleRequests`, { directoryScopeId: '/', justification: 'Change 4711', ...body }, `UnifiedRole${kind}ScheduleRequest`);
  const groupAccess = (kind: 'assignment' | 'eligibility', who: Principal | string, body: Record<string, unknown>) =>
    post(
      who,
      `${GROUPS}/${kind}ScheduleRequests`,
      { justification: 'Rota', ...body },
      `PrivilegedAccessGroup${kind === 'assignment' ? 'Assignment' : 'Eligibility'}ScheduleRequest`,
    );
  const stage = (primaryApprovers: unknown[], over: Record<string, unknown> = {}) => ({
    approvalStageTimeOutInDays: 2,
    isApproverJustificationRequired: true,
    escalationTimeInMinutes: 0,
    isEscalationEnabled: false,
    primaryApprovers,
    escalationApprovers: [],
    ...over,
  });
  const approvalRule = (approvalMode: string, approvalStages: unknown[], over: Record<string, unknown> = {}) => ({
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
    setting: { isApprovalRequired: true, isApprovalRequiredForExtension: false, isRequestorJustificationRequired: true, approvalMode, approvalStages, ...over },
  });

  it('parses every PIM response shape with the v1.0 and beta models: no unknown property, no unknown enum value', async () => {
    // ——— People, groups, a manager ———
    const [alice, bob, carol, dave, erin] = [await user('Alice'), await user('Bob'), await user('Carol'), await user('Dave'), await user('Erin')];
    const operators = await group('Operators', false);
    const tier0 = await group('Tier 0 admins', true);
    await addMember(tier0, alice.id);
    await addMember(operators, erin.id);
    await call(admin(), 'PUT', `/v1.0/users/${alice.id}/manager/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/users/${carol.id}` }, 204);

    // ——— Policies: every rule kind changed, every kind of approver ———
    const helpdesk = await policyOf(ROLE.helpdeskAdministrator);
    await patchRule(
      helpdesk,
      'Approval_EndUser_Assignment',
      approvalRule(
        'Serial',
        [
          stage([approver.user(bob), approver.group({ id: operators })], {
            escalationApprovers: [approver.user(dave)],
            isEscalationEnabled: true,
            escalationTimeInMinutes: 120,
          }),
          stage([approver.manager(1)], { approvalsRequired: 1 }),
        ],
        { grantStartsAt: 'request' },
      ),
    );
    await patchRule(helpdesk, 'Enablement_EndUser_Assignment', {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
    });
    await patchRule(helpdesk, 'Expiration_EndUser_Assignment', {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      isExpirationRequired: true,
      maximumDuration: 'PT10H',
    });
    await patchRule(helpdesk, 'Notification_Admin_Admin_Eligibility', {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyNotificationRule',
      notificationLevel: 'Critical',
      isDefaultRecipientsEnabled: false,
      notificationRecipients: ['secops@contoso.test'],
    });
    await patchRule(await policyOf(ROLE.securityAdministrator), 'AuthenticationContext_EndUser_Assignment', {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
      isEnabled: true,
      claimValue: 'c1',
    });
    // PIM for Groups: Operators membership needs Bob's approval.
    const operatorsMembers = await policyOf('member', `/groups/${operators}`);
    await patchRule(
      operatorsMembers,
      'Approval_EndUser_Assignment',
      approvalRule('SingleStage', [stage([approver.user(bob)], { isApproverJustificationRequired: false })]),
    );

    // ——— Directory roles: eligible, assigned, held by a group, starting later, running out ———
    await role('Eligibility', admin(), {
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      scheduleInfo: lasting('P90D'),
    });
    await role('Eligibility', admin(), { action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, scheduleInfo: forever });
    const later = await role('Eligibility', admin(), {
      action: 'adminAssign',
      principalId: alice.id,
      roleDefinitionId: ROLE.securityReader,
      scheduleInfo: { startDateTime: inHours(24), expiration: { type: 'afterDateTime', endDateTime: inHours(24 * 30) } },
    });
    expect(later.status).toBe('Granted');
    await role('Eligibility', admin(), {
      action: 'adminAssign',
      principalId: erin.id,
      roleDefinitionId: ROLE.groupsAdministrator,
      scheduleInfo: lasting('P10D'),
    });
    const unit = (await call(admin(), 'POST', '/v1.0/directory/administrativeUnits', { displayName: 'Paris' }, 201)).id!;
    await role('Eligibility', admin(), {
      action: 'adminAssign',
      principalId: erin.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      directoryScopeId: `/administrativeUnits/${unit}`,
      scheduleInfo: lasting('P10D'),
    });
    await call(admin(), 'POST', `${DIR}/roleEligibilityScheduleRequests/${later.id}/cancel`, undefined, 204);
    await role('Assignment', admin(), {
      action: 'adminAssign',
      principalId: bob.id,
      roleDefinitionId: ROLE.globalReader,
      scheduleInfo: { expiration: { type: 'afterDateTime', endDateTime: inHours(24 * 30) } },
      ticketInfo: { ticketNumber: 'CHG-1', ticketSystem: 'ServiceNow' },
    });
    await role('Assignment', admin(), { action: 'adminAssign', principalId: tier0, roleDefinitionId: ROLE.auditLogReader, scheduleInfo: forever });
    await role('Eligibility', admin(), {
      action: 'adminAssign',
      principalId: dave.id,
      roleDefinitionId: ROLE.applicationAdministrator,
      scheduleInfo: lasting('PT2H'),
    });
    await role('Assignment', admin(), {
      action: 'adminAssign',
      principalId: dave.id,
      roleDefinitionId: ROLE.conditionalAccessAdministrator,
      scheduleInfo: lasting('PT2H'),
    });

    // Activation, deactivation, activation again; an activation waiting on a two-stage approval.
    const activate = (roleDefinitionId: string, duration: string) =>
      role('Assignment', alice, {
        action: 'selfActivate',
        principalId: alice.id,
        roleDefinitionId,
        scheduleInfo: lasting(duration),
        ticketInfo: { ticketNumber: 'INC-42', ticketSystem: 'Jira' },
      });
    await activate(ROLE.userAdministrator, 'PT8H');
    api.clock.advance('PT6M');
    expect((await role('Assignment', alice, { action: 'selfDeactivate', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator })).status).toBe(
      'Revoked',
    );
    await activate(ROLE.userAdministrator, 'PT8H');
    const pending = await activate(ROLE.helpdeskAdministrator, 'PT4H');
    expect(pending.status).toBe('PendingApproval');
    const approvalId = pending.approvalId as string;
    await call(
      bob,
      'PATCH',
      `/beta/roleManagement/directory/roleAssignmentApprovals/${approvalId}/steps/1`,
      { reviewResult: 'Approve', justification: 'Known incident' },
      204,
    );

    // A service principal, made Privileged Role Administrator, acts: an audit event initiated by an app.
    const sp = (await call(admin(), 'POST', '/v1.0/servicePrincipals', { displayName: 'Provisioner' }, 201)).id!;
    await role('Assignment', admin(), { action: 'adminAssign', principalId: sp, roleDefinitionId: ROLE.privilegedRoleAdministrator, scheduleInfo: forever });
    await role('Eligibility', sp, {
      action: 'adminAssign',
      principalId: carol.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      scheduleInfo: lasting('P30D'),
    });

    // A custom role.
    await post(
      admin(),
      `${DIR}/roleDefinitions`,
      {
        displayName: 'Directory reader (custom)',
        description: 'Reads users',
        rolePermissions: [{ allowedResourceActions: ['openpim.directory/users/read'], excludedResourceActions: [] }],
      },
      'UnifiedRoleDefinition',
    );

    // ——— PIM for Groups: eligible, assigned, activated; an approval pending, one denied ———
    await groupAccess('eligibility', admin(), {
      action: 'adminAssign',
      principalId: alice.id,
      groupId: tier0,
      accessId: 'owner',
      scheduleInfo: lasting('P30D'),
    });
    await groupAccess('assignment', alice, { action: 'selfActivate', principalId: alice.id, groupId: tier0, accessId: 'owner', scheduleInfo: lasting('PT8H') });
    await groupAccess('assignment', admin(), { action: 'adminAssign', principalId: carol.id, groupId: tier0, accessId: 'member', scheduleInfo: forever });
    await groupAccess('eligibility', admin(), {
      action: 'adminAssign',
      principalId: dave.id,
      groupId: operators,
      accessId: 'member',
      scheduleInfo: lasting('PT2H'),
    });
    await groupAccess('assignment', admin(), {
      action: 'adminAssign',
      principalId: erin.id,
      groupId: tier0,
      accessId: 'member',
      scheduleInfo: lasting('PT2H'),
    });
    await groupAccess('eligibility', admin(), { action: 'adminAssign', principalId: alice.id, groupId: operators, accessId: 'member', scheduleInfo: forever });
    const groupPending = await groupAccess('assignment', alice, {
      action: 'selfActivate',
      principalId: alice.id,
      groupId: operators,
      accessId: 'member',
      scheduleInfo: lasting('PT2H'),
    });
    expect(groupPending.status).toBe('PendingApproval');
    const groupDenied = await groupAccess('assignment', dave, {
      action: 'selfActivate',
      principalId: dave.id,
      groupId: operators,
      accessId: 'member',
      scheduleInfo: lasting('PT1H'),
    });
    await call(bob, 'PATCH', `${GROUPS}/assignmentApprovals/${groupDenied.approvalId}/stages/1`, { reviewResult: 'Deny', justification: 'Not on call' }, 204);

    // ——— Requests, schedules, instances: collections, each item, $expand, one's own, the inbox ———
    const roleNavs = { principal: 'DirectoryObject', roleDefinition: 'UnifiedRoleDefinition', directoryScope: 'DirectoryObject', appScope: 'AppScope' };
    for (const kind of ['Assignment', 'Eligibility'] as const) {
      const type = `UnifiedRole${kind}`;
      const activated = kind === 'Assignment' ? ',activatedUsing' : '';
      const expand = `principal,roleDefinition,directoryScope,appScope${activated}`;
      const fromEligibility = (what: string): Record<string, string> => (kind === 'Assignment' ? { activatedUsing: `UnifiedRoleEligibility${what}` } : {});
      await everyItem(admin(), `${DIR}/role${kind}ScheduleRequests`, `${type}ScheduleRequest`, `${expand},targetSchedule`, {
        ...roleNavs,
        ...fromEligibility('Schedule'),
        targetSchedule: `${type}Schedule`,
      });
      await everyItem(admin(), `${DIR}/role${kind}Schedules`, `${type}Schedule`, expand, { ...roleNavs, ...fromEligibility('Schedule') });
      await everyItem(admin(), `${DIR}/role${kind}ScheduleInstances`, `${type}ScheduleInstance`, expand, {
        ...roleNavs,
        ...fromEligibility('ScheduleInstance'),
      });
      await many(alice, `${DIR}/role${kind}ScheduleRequests/${MINE}`, `${type}ScheduleRequest`);
      await many(alice, `${DIR}/role${kind}Schedules/${MINE}?$expand=roleDefinition`, `${type}Schedule`);
      await many(alice, `${DIR}/role${kind}ScheduleInstances/${MINE}`, `${type}ScheduleInstance`);
    }
    await many(carol, `${DIR}/roleAssignmentScheduleRequests/${INBOX}?$expand=principal`, 'UnifiedRoleAssignmentScheduleRequest');
    for (const kind of ['assignment', 'eligibility'] as const) {
      const type = `PrivilegedAccessGroup${kind === 'assignment' ? 'Assignment' : 'Eligibility'}`;
      const groupNavs = { principal: 'DirectoryObject', group: 'Group' };
      const activated = kind === 'assignment' ? ',activatedUsing' : '';
      const fromEligibility = (what: string): Record<string, string> =>
        kind === 'assignment' ? { activatedUsing: `PrivilegedAccessGroupEligibility${what}` } : {};
      await everyItem(admin(), `${GROUPS}/${kind}ScheduleRequests`, `${type}ScheduleRequest`, `principal,group,targetSchedule${activated}`, {
        ...groupNavs,
        ...fromEligibility('Schedule'),
        targetSchedule: `${type}Schedule`,
      });
      await everyItem(admin(), `${GROUPS}/${kind}Schedules`, `${type}Schedule`, `principal,group${activated}`, {
        ...groupNavs,
        ...fromEligibility('Schedule'),
      });
      await everyItem(admin(), `${GROUPS}/${kind}ScheduleInstances`, `${type}ScheduleInstance`, `principal,group${activated}`, {
        ...groupNavs,
        ...fromEligibility('ScheduleInstance'),
      });
      await many(alice, `${GROUPS}/${kind}ScheduleRequests/${MINE}`, `${type}ScheduleRequest`);
      await many(alice, `${GROUPS}/${kind}Schedules/${MINE}`, `${type}Schedule`);
      await many(alice, `${GROUPS}/${kind}ScheduleInstances/${MINE}`, `${type}ScheduleInstance`);
    }
    await many(bob, `${GROUPS}/assignmentScheduleRequests/${INBOX}`, 'PrivilegedAccessGroupAssignmentScheduleRequest');
    await many(bob, `${GROUPS}/assignmentApprovals/${INBOX}`, 'Approval');
    await everyItem(admin(), `${DIR}/roleAssignments`, 'UnifiedRoleAssignment', 'principal,roleDefinition,directoryScope,appScope', roleNavs);
    await many(alice, `${DIR}/roleAssignments`, 'UnifiedRoleAssignment');
    await everyItem(admin(), `${DIR}/roleDefinitions`, 'UnifiedRoleDefinition', 'inheritsPermissionsFrom');
    const inherits = `${DIR}/roleDefinitions/${ROLE.helpdeskAdministrator}/inheritsPermissionsFrom?$count=true`;
    walk(v1, await call(admin(), 'GET', inherits), 'UnifiedRoleDefinitionCollectionResponse', `GET ${inherits}`);

    // ——— The same under /beta, read with the beta models ———
    for (const path of [
      'roleAssignmentScheduleRequests',
      'roleEligibilityScheduleRequests',
      'roleAssignmentSchedules',
      'roleEligibilitySchedules',
      'roleAssignmentScheduleInstances',
      'roleEligibilityScheduleInstances',
    ]) {
      const type = `UnifiedRole${path.replace(/^role/, '').replace(/s$/, '')}`;
      await many(admin(), `/beta/roleManagement/directory/${path}?$expand=principal,roleDefinition,directoryScope,appScope`, type, beta);
    }
    await many(admin(), '/beta/roleManagement/directory/roleAssignments?$expand=principal,roleDefinition', 'UnifiedRoleAssignment', beta);
    await many(admin(), '/beta/roleManagement/directory/roleDefinitions', 'UnifiedRoleDefinition', beta);
    await many(
      admin(),
      `/beta/identityGovernance/privilegedAccess/group/assignmentScheduleRequests?$expand=principal,group,targetSchedule,activatedUsing`,
      'PrivilegedAccessGroupAssignmentScheduleRequest',
      beta,
    );
    await many(
      admin(),
      `/beta/identityGovernance/privilegedAccess/group/eligibilitySchedules?$expand=principal,group`,
      'PrivilegedAccessGroupEligibilitySchedule',
      beta,
    );
    await many(admin(), '/beta/policies/roleManagementPolicies?$expand=rules,effectiveRules', 'UnifiedRoleManagementPolicy', beta);
    await many(admin(), '/beta/policies/roleManagementPolicyAssignments?$expand=policy', 'UnifiedRoleManagementPolicyAssignment', beta);

    // ——— Policies, every rule by id, policy assignments (directory and group) ———
    await many(admin(), `${POLICIES}?$expand=rules,effectiveRules`, 'UnifiedRoleManagementPolicy');
    await many(
      admin(),
      `${POLICIES}?$filter=${encodeURIComponent(`scopeId eq '${operators}' and scopeType eq 'Group'`)}&$expand=rules`,
      'UnifiedRoleManagementPolicy',
    );
    for (const id of [helpdesk, operatorsMembers, await policyOf(ROLE.securityAdministrator)]) {
      await one(admin(), `${POLICIES}/${id}`, 'UnifiedRoleManagementPolicy');
      await one(admin(), `${POLICIES}/${id}?$expand=rules,effectiveRules`, 'UnifiedRoleManagementPolicy');
      for (const rule of await many(admin(), `${POLICIES}/${id}/rules`, 'UnifiedRoleManagementPolicyRule')) {
        await one(admin(), `${POLICIES}/${id}/rules/${rule.id}`, 'UnifiedRoleManagementPolicyRule');
      }
    }
    const assignments = await many(
      admin(),
      '/v1.0/policies/roleManagementPolicyAssignments?$expand=policy($expand=rules)',
      'UnifiedRoleManagementPolicyAssignment',
    );
    await one(admin(), `/v1.0/policies/roleManagementPolicyAssignments/${assignments[0]!.id}`, 'UnifiedRoleManagementPolicyAssignment');
    await one(admin(), `/v1.0/policies/roleManagementPolicyAssignments/${assignments[0]!.id}?$expand=policy`, 'UnifiedRoleManagementPolicyAssignment');

    // ——— Approvals: beta steps for roles, v1.0 stages (and OpenPIM's steps) for groups ———
    for (const who of [bob, carol, admin()]) {
      await one(who, `/beta/roleManagement/directory/roleAssignmentApprovals/${approvalId}`, 'Approval', beta);
      await many(who, `/beta/roleManagement/directory/roleAssignmentApprovals/${approvalId}/steps`, 'ApprovalStep', beta);
      for (const step of ['1', '2']) await one(who, `/beta/roleManagement/directory/roleAssignmentApprovals/${approvalId}/steps/${step}`, 'ApprovalStep', beta);
    }
    for (const id of [groupPending.approvalId, groupDenied.approvalId]) {
      await one(bob, `${GROUPS}/assignmentApprovals/${id}`, 'Approval');
      await many(bob, `${GROUPS}/assignmentApprovals/${id}/stages`, 'ApprovalStage');
      await one(bob, `${GROUPS}/assignmentApprovals/${id}/stages/1`, 'ApprovalStage');
      await many(bob, `${GROUPS}/assignmentApprovals/${id}/steps`, 'ApprovalStage');
      await one(bob, `${GROUPS}/assignmentApprovals/${id}/steps/1`, 'ApprovalStage');
    }

    // ——— Audit, users, groups, errors ———
    const audits = await many(admin(), '/v1.0/auditLogs/directoryAudits?$top=999', 'DirectoryAudit');
    for (const event of audits) await one(admin(), `/v1.0/auditLogs/directoryAudits/${event.id}`, 'DirectoryAudit');
    await many(alice, '/openpim/me/auditLogs/directoryAudits', 'DirectoryAudit');
    await everyItem(admin(), '/v1.0/users', 'User');
    await everyItem(admin(), '/v1.0/groups', 'Group');
    await one(alice, '/v1.0/me', 'User');
    await one(alice, `/v1.0/users/${alice.id}/manager`, 'DirectoryObject');
    await many(alice, `/v1.0/users/${alice.id}/memberOf`, 'DirectoryObject');
    await many(admin(), `/v1.0/groups/${tier0}/members`, 'DirectoryObject');
    walk(v1, await call(admin(), 'GET', `${DIR}/roleAssignmentScheduleRequests/nope`, undefined, 404), 'ODataError', 'GET (404)');
    walk(v1, await call(alice, 'POST', `${DIR}/roleAssignmentScheduleRequests`, { action: 'selfActivate' }, 400), 'ODataError', 'POST (400)');

    // ——— OpenPIM's expired schedules (the schedule shape) once the two-hour grants ran out ———
    api.clock.advance('PT3H');
    await everyItem(admin(), `/openpim/roleManagement/directory/expiredRoleEligibilitySchedules`, 'UnifiedRoleEligibilitySchedule');
    await everyItem(admin(), `/openpim/roleManagement/directory/expiredRoleAssignmentSchedules`, 'UnifiedRoleAssignmentSchedule');
    await everyItem(admin(), `/openpim/identityGovernance/privilegedAccess/group/expiredEligibilitySchedules`, 'PrivilegedAccessGroupEligibilitySchedule');
    await everyItem(admin(), `/openpim/identityGovernance/privilegedAccess/group/expiredAssignmentSchedules`, 'PrivilegedAccessGroupAssignmentSchedule');

    // Nothing the models cannot read.
    expect(summary(v1)).toEqual([]);
    // Every navigation answered an entity somewhere (appScope never does: OpenPIM has no app scopes).
    for (const type of ['UnifiedRoleAssignmentScheduleRequest', 'UnifiedRoleAssignmentSchedule', 'UnifiedRoleAssignmentScheduleInstance']) {
      expect([...navigated].filter((n) => n.startsWith(`${type}.`)).sort(), type).toEqual(
        ['activatedUsing', 'principal', 'roleDefinition', ...(type.endsWith('Request') ? ['targetSchedule'] : [])].map((n) => `${type}.${n}`).sort(),
      );
    }
    expect(navigated).toContain('UnifiedRoleEligibilitySchedule.directoryScope');
    for (const n of ['group', 'principal', 'activatedUsing', 'targetSchedule'])
      expect(navigated).toContain(`PrivilegedAccessGroupAssignmentScheduleRequest.${n}`);
    expect(summary(beta)).toEqual([]);

    // What was read covers every shape, rule kind, approver kind and initiator kind.
    expect([...v1.types]).toEqual(
      expect.arrayContaining([
        'unifiedRoleAssignmentScheduleRequest',
        'unifiedRoleEligibilityScheduleRequest',
        'unifiedRoleAssignmentSchedule',
        'unifiedRoleEligibilitySchedule',
        'unifiedRoleAssignmentScheduleInstance',
        'unifiedRoleEligibilityScheduleInstance',
        'unifiedRoleAssignment',
        'unifiedRoleDefinition',
        'unifiedRolePermission',
        'privilegedAccessGroupAssignmentScheduleRequest',
        'privilegedAccessGroupEligibilityScheduleRequest',
        'privilegedAccessGroupAssignmentSchedule',
        'privilegedAccessGroupEligibilitySchedule',
        'privilegedAccessGroupAssignmentScheduleInstance',
        'privilegedAccessGroupEligibilityScheduleInstance',
        'requestSchedule',
        'expirationPattern',
        'ticketInfo',
        'identitySet',
        'identity',
        'unifiedRoleManagementPolicy',
        'unifiedRoleManagementPolicyAssignment',
        'unifiedRoleManagementPolicyRuleTarget',
        'unifiedRoleManagementPolicyExpirationRule',
        'unifiedRoleManagementPolicyEnablementRule',
        'unifiedRoleManagementPolicyApprovalRule',
        'unifiedRoleManagementPolicyNotificationRule',
        'unifiedRoleManagementPolicyAuthenticationContextRule',
        'approvalSettings',
        'unifiedApprovalStage',
        'singleUser',
        'groupMembers',
        'requestorManager',
        'approval',
        'approvalStage',
        'directoryAudit',
        'auditActivityInitiator',
        'userIdentity',
        'appIdentity',
        'targetResource',
        'keyValue',
        'user',
        'group',
        'servicePrincipal',
        'administrativeUnit',
        'oDataError',
        'mainError',
        'innerError',
      ]),
    );
    expect([...beta.types]).toEqual(expect.arrayContaining(['approval', 'approvalStep', 'identity']));
    const seen = (e: string) => [...(v1.enumValues.get(e) ?? [])].sort();
    expect(seen('UnifiedRoleManagementPolicyRuleTargetOperationsObject')).toEqual(['all']);
    expect(seen('PrivilegedAccessGroupMemberTypeObject')).toEqual(['direct']);
    expect(seen('PrivilegedAccessGroupAssignmentTypeObject')).toEqual(['activated', 'assigned']);
    expect(seen('PrivilegedAccessGroupRelationshipsObject')).toEqual(['member', 'owner']);
    expect(seen('UnifiedRoleScheduleRequestActionsObject')).toEqual(['adminAssign', 'selfActivate', 'selfDeactivate']);
    expect(seen('ScheduleRequestActionsObject')).toEqual(['adminAssign', 'selfActivate']);
    expect(seen('ExpirationPatternTypeObject')).toEqual(['afterDateTime', 'afterDuration', 'noExpiration', 'notSpecified']);
    expect(seen('OperationResultObject')).toEqual(['success']);

    // Every documented extension appeared, and docs/api.md documents it where the list says.
    expect([...new Set([...v1.extensions, ...beta.extensions])].sort()).toEqual(Object.keys(EXTENSIONS).sort());
  });

  it('documents each extension in docs/api.md where the list says', () => {
    const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    for (const [key, section] of Object.entries(EXTENSIONS)) {
      const start = doc.indexOf(`\n## ${section}\n`);
      expect(start, `docs/api.md has a section "${section}"`).toBeGreaterThan(-1);
      const end = doc.indexOf('\n## ', start + 1);
      const text = doc.slice(start, end === -1 ? undefined : end);
      expect(text, `${key} in "${section}"`).toContain(`\`${key.split('.')[1]}\``);
    }
  });

  it('the checker reports what kiota would silently drop or misread', async () => {
    const found = new Findings({ ...((await import(V1_MODELS)) as Models) });
    walk(
      found,
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
        id: 'x',
        maximumDuration: 'eight hours',
        isExpirationRequired: 'yes',
        colour: 'red',
        target: { '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget', caller: 'EndUser', operations: ['All'], level: 'Assignment' },
      },
      'UnifiedRoleManagementPolicyRule',
      'sample',
    );
    walk(
      found,
      { '@odata.type': '#microsoft.graph.user', memberType: 'Direct', startDateTime: 'tomorrow' },
      'PrivilegedAccessGroupEligibilityScheduleInstance',
      'sample',
    );
    expect(found.problems).toEqual([
      "sample $.maximumDuration: 'eight hours' is not a duration",
      'sample $.isExpirationRequired: expected a boolean, got "yes"',
      "sample $: unifiedRoleManagementPolicyExpirationRule has no property 'colour'",
      "sample $.target: @odata.type 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget' names no type of the model (Graph writes '#microsoft.graph.<type>')",
      "sample $.target.operations[0]: 'All' is not a value of UnifiedRoleManagementPolicyRuleTargetOperationsObject (all, activate, deactivate, assign, update, remove, extend, renew, unknownFutureValue)",
      "sample $: kiota's JsonParseNode fails: Invalid duration",
      "sample $: @odata.type '#microsoft.graph.user' is read as privilegedAccessGroupEligibilityScheduleInstance here",
      "sample $.memberType: 'Direct' is not a value of PrivilegedAccessGroupMemberTypeObject (direct, group, unknownFutureValue)",
      "sample $.startDateTime: 'tomorrow' is not a date-time",
    ]);
    // Read as kiota reads it, an unknown property lands in additionalData, an unknown enum value is dropped.
    const parsed = new JsonParseNode({ id: 'x', colour: 'red', target: { operations: ['All', 'all'] } }).getObjectValue(
      found.models.createUnifiedRoleManagementPolicyRuleFromDiscriminatorValue as ParsableFactory<Parsable>,
    );
    expect(parsed).toMatchObject({ id: 'x', additionalData: { colour: 'red' }, target: { operations: ['all'] } });
  });
});
