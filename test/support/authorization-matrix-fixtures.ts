/**
 * The world the authorization matrix (test/http/authorization-matrix.test.ts) runs in, and the
 * helpers its rows use to make data for one cell: the personas (one user per role, each with a
 * token), someone else's requests, schedules and approvals, groups, a service principal — and
 * builders for a new user, a pending request, a security key, a sign-in session, a secret.
 *
 * `buildWorld()` (in the test file's beforeAll) opens the HTTP harness into `api` and fills `who`,
 * `tokens` and `w`; the rows read them when they run, never at import time.
 */
import { expect } from 'vitest';
import type { Principal, ScheduleKind, ScheduleRequest } from '../../src/domain/model.ts';
import { GROUP_ROLE, groupScope } from '../../src/domain/group-access.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { base32Decode } from '../../src/domain/identity/base32.ts';
import { totpAt } from '../../src/domain/identity/totp.ts';
import { DEFAULT_SESSION_SETTINGS } from '../../src/domain/identity/sessions.ts';
import { HOUR } from '../../src/domain/time.ts';
import { startSession } from '../../src/app/identity/sessions/start-session.ts';
import { cryptoRandom } from '../../src/adapters/crypto-random.ts';
import { testIds } from './fake-clock.ts';
import type { TestDatabase } from './databases.ts';
import { json, MEMORY_SQLITE, openHttpHarness, TEST_RELYING_PARTY, type HttpHarness } from './http-harness.ts';
import { approver, adminAssign, requireApproval, scheduleOf, schedulesOf, selfActivate } from './scenario.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

export const PERSONAS = [
  'anonymous',
  'user',
  'securityReader',
  'globalReader',
  'userAdministrator',
  'privilegedRoleAdministrator',
  'globalAdministrator',
] as const;
export type Persona = (typeof PERSONAS)[number];

/** The role each signed-in persona holds, active at `/`. */
export const PERSONA_ROLE: Record<Exclude<Persona, 'anonymous' | 'user'>, string> = {
  securityReader: ROLE.securityReader,
  globalReader: ROLE.globalReader,
  userAdministrator: ROLE.userAdministrator,
  privilegedRoleAdministrator: ROLE.privilegedRoleAdministrator,
  globalAdministrator: ROLE.globalAdministrator,
};

export const POLICIES = '/v1.0/policies/roleManagementPolicies';
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
export const PASSWORD = 'correct horse battery staple 42';

/** The HTTP harness: opened by `buildWorld()`. */
export let api: HttpHarness;
/** Each signed-in persona's user and bearer token: set by `buildWorld()`. */
export const who: Partial<Record<Persona, Principal>> = {};
export const tokens: Partial<Record<Persona, string>> = {};
let seq = 0;
export const fresh = (name: string) => `${name}${++seq}`;

/** The world the read cells look at, made once. */
export const w = {} as {
  alice: Principal; // someone else: eligible and active, with requests, schedules, a pending approval
  manager: Principal;
  signer: Principal; // has a password, for sign-in
  group: Principal; // a security group, not role-assignable
  roleGroup: Principal; // role-assignable
  dave: Principal; // the only approver of the group approval
  aliceRequests: Record<'roleAssignment' | 'roleEligibility' | 'groupAssignment' | 'groupEligibility', ScheduleRequest>;
  aliceSchedules: Record<'roleAssignment' | 'roleEligibility' | 'groupAssignment' | 'groupEligibility', string>;
  approvalId: string;
  groupApprovalId: string;
  tenantPolicyId: string;
  /** The tenant default role settings (isOrganizationDefault). */
  defaultPolicyId: string;
  groupPolicyId: string;
  sp: { id: string; secret: string };
  auditId: string;
};

export const h = () => api.h;
export const principalOf = (p: Persona): Principal => (p === 'anonymous' ? w.alice : who[p]!);
const inAnHour = { expiration: { type: 'afterDuration', duration: 'PT1H' } };

export async function newUser(name = fresh('u')): Promise<Principal> {
  return h().user(`${name}@contoso.test`, name);
}

/** A request an admin made for a new user, granted to start tomorrow: pending enough to cancel. */
export async function grantedTomorrow(kind: ScheduleKind, provider: 'directory' | 'group', principal?: Principal): Promise<ScheduleRequest> {
  const p = principal ?? (await newUser());
  const target =
    provider === 'directory'
      ? { roleDefinitionId: ROLE.conditionalAccessAdministrator }
      : { roleDefinitionId: GROUP_ROLE.member, directoryScopeId: groupScope(w.group.id) };
  const r = await h().submit(h().admin, { kind, action: 'adminAssign', principalId: p.id, ...target, scheduleInfo: scheduleOf(h(), 'PT8H', 'P1D') });
  expect(r.status).toBe('Granted');
  return r;
}

/** A new user's activation waiting for the default approvers (Privileged Role and Global Administrators). */
export async function pendingApproval(): Promise<string> {
  const u = await newUser();
  await adminAssign(h(), 'eligibility', u, ROLE.helpdeskAdministrator);
  const r = await selfActivate(h(), u, ROLE.helpdeskAdministrator);
  expect(r.status).toBe('PendingApproval');
  return r.approvalId!;
}

/** Enrolls and confirms an authenticator app for a user over HTTP; returns its key and recovery codes. */
export async function enrollTotp(p: Principal): Promise<{ key: Uint8Array; recoveryCodes: string[] }> {
  const started = await api.call(p, 'POST', '/openpim/me/authentication/totp');
  expect(started.statusCode, started.body).toBe(201);
  const key = base32Decode(json<{ secret: string }>(started).secret)!;
  const confirmed = await api.call(p, 'POST', '/openpim/me/authentication/totp/confirm', { code: totpAt(key, api.clock.now()) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { key, recoveryCodes: json<{ recoveryCodes: string[] }>(confirmed).recoveryCodes };
}

/** Registers a new security key over HTTP with a token of its owner (one with a recent MFA, as the personas' are). */
export async function registerKey(token: string): Promise<SoftAuthenticator> {
  const key = new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: TEST_RELYING_PARTY.origins[0]! });
  const options = await api.call(token, 'POST', '/openpim/auth/webauthn/register/options');
  expect(options.statusCode, options.body).toBe(200);
  const done = await api.call(token, 'POST', '/openpim/auth/webauthn/register/verify', { response: key.register(json<{ challenge: string }>(options)) });
  expect(done.statusCode, done.body).toBe(201);
  return key;
}

/** A WebAuthn body for anonymous cells, which are refused before it is read. */
export const NO_KEY = {
  id: 'AAAA',
  rawId: 'AAAA',
  type: 'public-key',
  response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
};

/**
 * Starts an API sign-in session for a principal and returns a token naming it (`sid`): the
 * personas' own tokens name none, and the session routes answer 400 to those.
 */
export async function sessionToken(p: Principal): Promise<string> {
  const start = { tenantId: h().tenantId, principalId: p.id, amr: ['pwd', 'mfa'], authTime: api.clock.now(), acrs: [] };
  const { sessionId } = await startSession(
    { uow: h().store, clock: api.clock, ids: testIds, random: cryptoRandom, sessions: DEFAULT_SESSION_SETTINGS },
    {
      ...start,
      kind: 'api',
      method: 'password',
      sourceIp: null,
    },
  );
  return api.tokens.issue({ ...start, sessionId }, HOUR);
}

export async function newServicePrincipal(): Promise<string> {
  const res = await api.call(api.admin, 'POST', '/v1.0/servicePrincipals', { displayName: fresh('app') });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).id as string;
}

export async function addSecret(spId: string): Promise<{ keyId: string; secretText: string }> {
  const res = await api.call(api.admin, 'POST', `/v1.0/servicePrincipals/${spId}/addPassword`, { passwordCredential: { displayName: 'matrix' } });
  expect(res.statusCode, res.body).toBe(200);
  return json<{ keyId: string; secretText: string }>(res);
}

/** A public EC P-256 certificate (valid 2026–2126; its private key was thrown away) for the addKey/removeKey rows. */
export const MATRIX_CERT =
  'MIIBijCCAS+gAwIBAgIUZFTlGiYA+H3LBZMEWmZu+DdhTpswCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOb3BlbnBpbS1tYXRyaXgwIBcNMjYxMTIyMDQzMzI1WhgPMjEyNjEwMjkwNDMzMjVaMBkxFzAVBgNVBAMMDm9wZW5waW0tbWF0cml4MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESOqkCx5WVjCJ9zw1wnzT+8V5jVidJaJgpMGz9NseM4EGTsPmF4fgdmnkDCHHW+HmD8cSoGNk3H8VX+nc9/z5y6NTMFEwHQYDVR0OBBYEFCAuASKvvIUxD5Cd/J9pE/GsVLEyMB8GA1UdIwQYMBaAFCAuASKvvIUxD5Cd/J9pE/GsVLEyMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAPPrV+9GCy+FiLbFn3QFN9LetOeEnMlRM3pokuCtdlahAiEAiphrfrvWZfav35Ur6eHJK0404acJSlbC1ZURDJne+Y8=';
export const addKeyBody = {
  keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: MATRIX_CERT, displayName: 'matrix' },
  passwordCredential: null,
  proof: null,
};

export async function registerScope(): Promise<string> {
  const id = `/subscriptions/${fresh('sub')}`;
  const res = await api.call(api.admin, 'POST', '/openpim/scopes', { id });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

export const roleRequest = (action: string, principalId: string, roleDefinitionId: string, directoryScopeId = '/') => ({
  action,
  principalId,
  roleDefinitionId,
  directoryScopeId,
  justification: 'Authorization matrix',
  scheduleInfo: inAnHour,
});
export const groupRequest = (principalId: string, groupId: string) => ({
  action: 'adminAssign',
  principalId,
  groupId,
  accessId: 'member',
  justification: 'Authorization matrix',
  scheduleInfo: inAnHour,
});

/** Opens the harness, signs the personas in and makes the world the read cells look at (for beforeAll). */
export const buildWorld = (): Promise<void> => buildWorldOn(MEMORY_SQLITE);

/** The same world on a given database (the fuzzer, test/http/fuzz.test.ts, runs on PostgreSQL too). */
export async function buildWorldOn(database: TestDatabase): Promise<void> {
  api = await openHttpHarness({ database });
  const H = api.h;
  who.user = await H.user('user@contoso.test', 'Ordinary User');
  for (const [p, role] of Object.entries(PERSONA_ROLE) as [Persona, string][]) {
    who[p] = await H.user(`${p}@contoso.test`, p);
    await adminAssign(H, 'assignment', who[p]!, role);
  }
  for (const p of PERSONAS) if (p !== 'anonymous') tokens[p] = await api.token(who[p]!);

  w.manager = await newUser('manager');
  w.alice = await newUser('alice');
  w.dave = await newUser('dave');
  const setManager = await api.call(api.admin, 'PUT', `/v1.0/users/${w.alice.id}/manager/$ref`, {
    '@odata.id': `https://graph.microsoft.com/v1.0/users/${w.manager.id}`,
  });
  expect(setManager.statusCode, setManager.body).toBe(204);
  const signer = await api.call(api.admin, 'POST', '/v1.0/users', {
    displayName: 'Signer',
    userPrincipalName: 'signer@contoso.test',
    accountEnabled: true,
    passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
  });
  expect(signer.statusCode, signer.body).toBe(201);
  w.signer = (await H.store.read.principals.get(H.tenantId, json(signer).id as string))!;

  const group = async (displayName: string, isAssignableToRole: boolean) => {
    const res = await api.call(api.admin, 'POST', '/v1.0/groups', { displayName, isAssignableToRole });
    expect(res.statusCode, res.body).toBe(201);
    return (await H.store.read.principals.get(H.tenantId, json(res).id as string))!;
  };
  w.group = await group('Operators', false);
  w.roleGroup = await group('Tier 0 admins', true);
  const scope = await api.call(api.admin, 'POST', '/openpim/scopes', { id: '/subscriptions/s1' });
  expect(scope.statusCode, scope.body).toBe(201);

  // Alice: eligible for Helpdesk Administrator (which needs approval, by the default approvers),
  // active Audit Log Reader, and eligible and active member of the security group.
  await requireApproval(H, ROLE.helpdeskAdministrator);
  const groupTarget = { roleDefinitionId: GROUP_ROLE.member, directoryScopeId: groupScope(w.group.id) };
  w.aliceRequests = {
    roleEligibility: await adminAssign(H, 'eligibility', w.alice, ROLE.helpdeskAdministrator),
    roleAssignment: await adminAssign(H, 'assignment', w.alice, ROLE.auditLogReader),
    groupEligibility: await H.submit(H.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: w.alice.id,
      ...groupTarget,
      scheduleInfo: scheduleOf(H, 'permanent'),
    }),
    groupAssignment: await H.submit(H.admin, {
      kind: 'assignment',
      action: 'adminAssign',
      principalId: w.alice.id,
      ...groupTarget,
      scheduleInfo: scheduleOf(H, 'P30D'),
    }),
  };
  const scheduleOfKind = async (kind: ScheduleKind, roleId: string) => (await schedulesOf(H, kind, w.alice)).find((s) => s.roleDefinitionId === roleId)!.id;
  w.aliceSchedules = {
    roleEligibility: await scheduleOfKind('eligibility', ROLE.helpdeskAdministrator),
    roleAssignment: await scheduleOfKind('assignment', ROLE.auditLogReader),
    groupEligibility: await scheduleOfKind('eligibility', GROUP_ROLE.member),
    groupAssignment: await scheduleOfKind('assignment', GROUP_ROLE.member),
  };
  const activation = await selfActivate(H, w.alice, ROLE.helpdeskAdministrator);
  expect(activation.status).toBe('PendingApproval');
  w.approvalId = activation.approvalId!;

  // The group approval: the role-assignable group's membership needs Dave's approval; Alice is eligible and asks.
  const policyOf = async (roleId: string, scopeId: string) => (await H.store.read.policies.forRoleAt(H.tenantId, roleId, scopeId))!.id;
  w.tenantPolicyId = await policyOf(ROLE.helpdeskAdministrator, '/');
  w.defaultPolicyId = (await H.store.read.policies.organizationDefault(H.tenantId))!.id;
  w.groupPolicyId = await policyOf(GROUP_ROLE.member, groupScope(w.group.id));
  const roleGroupPolicy = await policyOf(GROUP_ROLE.member, groupScope(w.roleGroup.id));
  const approvalRule = await api.call(api.admin, 'PATCH', `${POLICIES}/${roleGroupPolicy}/rules/Approval_EndUser_Assignment`, {
    setting: {
      isApprovalRequired: true,
      isApprovalRequiredForExtension: false,
      isRequestorJustificationRequired: true,
      approvalMode: 'SingleStage',
      approvalStages: [
        {
          approvalStageTimeOutInDays: 1,
          isApproverJustificationRequired: false,
          escalationTimeInMinutes: 0,
          isEscalationEnabled: false,
          primaryApprovers: [approver.user(w.dave)],
          escalationApprovers: [],
        },
      ],
    },
  });
  expect(approvalRule.statusCode, approvalRule.body).toBe(204);
  await H.submit(H.admin, {
    kind: 'eligibility',
    action: 'adminAssign',
    principalId: w.alice.id,
    roleDefinitionId: GROUP_ROLE.member,
    directoryScopeId: groupScope(w.roleGroup.id),
    scheduleInfo: scheduleOf(H, 'permanent'),
  });
  const asked = await H.submit(await H.caller(w.alice), {
    action: 'selfActivate',
    principalId: w.alice.id,
    roleDefinitionId: GROUP_ROLE.member,
    directoryScopeId: groupScope(w.roleGroup.id),
    scheduleInfo: scheduleOf(H, 'PT1H'),
  });
  expect(asked.status).toBe('PendingApproval');
  w.groupApprovalId = asked.approvalId!;

  const spId = await newServicePrincipal();
  w.sp = { id: spId, secret: (await addSecret(spId)).secretText };
  const audit = await api.call(api.admin, 'GET', '/v1.0/auditLogs/directoryAudits?$top=1');
  expect(audit.statusCode, audit.body).toBe(200);
  w.auditId = json<{ value: { id: string }[] }>(audit).value[0]!.id;
}
