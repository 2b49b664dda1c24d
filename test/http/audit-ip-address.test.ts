/**
 * Audit events record the address the caller called from (src/http/auth.ts → Caller.ipAddress →
 * the audit actor): a user's as Graph's `initiatedBy.user.ipAddress`, an application's — Graph's
 * appIdentity has no address — as the additional detail `ipAddress`; behind a trusted proxy, the
 * client's from X-Forwarded-For. Events of the system have none. The chain verifies throughout.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { json, openHttpHarness, type HttpHarness } from '../support/http-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REQ = '/v1.0/roleManagement/directory';

describe("audit events record the caller's address", () => {
  let api: HttpHarness;
  afterEach(async () => api?.close());

  /** A call as `who` from `remoteAddress`, with headers of its own. */
  async function from(
    remoteAddress: string,
    who: Principal | string,
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return api.app.inject({
      method,
      url,
      remoteAddress,
      headers: { authorization: `Bearer ${await api.token(who)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  }
  const events = async (filter: string): Promise<Json[]> => {
    const res = await api.call(api.admin, 'GET', `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}`);
    expect(res.statusCode, res.body).toBe(200);
    return json<{ value: Json[] }>(res).value;
  };
  const verified = async () => json<{ ok: boolean }>(await api.call(api.admin, 'GET', '/openpim/audit/verify')).ok;

  async function eligibleAlice(): Promise<Principal> {
    const alice = await api.h.user('alice@contoso.test', 'Alice');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    return alice;
  }
  const activation = (alice: Principal) => ({
    action: 'selfActivate',
    principalId: alice.id,
    roleDefinitionId: ROLE.userAdministrator,
    directoryScopeId: '/',
    justification: 'Incident 4711',
    scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
  });

  it("an activation's event names the user's address as initiatedBy.user.ipAddress; the chain still verifies", async () => {
    api = await openHttpHarness();
    const alice = await eligibleAlice();
    const res = await from('203.0.113.25', alice, 'POST', `${REQ}/roleAssignmentScheduleRequests`, activation(alice));
    expect(res.statusCode, res.body).toBe(201);
    const [event] = await events(`initiatedBy/user/id eq '${alice.id}'`);
    expect(event).toMatchObject({
      activityDisplayName: 'Add member to role completed (PIM activation)',
      initiatedBy: { app: null, user: { id: alice.id, ipAddress: '203.0.113.25' } },
    });
    // Events made without a caller's address (the admin's, made in-process above; the timeline's) have none.
    const [assigned] = await events(`initiatedBy/user/id eq '${api.h.admin.principal.id}' and operationType eq 'Assign'`);
    expect(assigned!.initiatedBy.user.ipAddress).toBeNull();
    api.clock.advance('PT1H');
    await api.h.tick();
    const expired = await events(`targetResources/id eq '${alice.id}' and activityDisplayName eq 'Remove member from role (PIM activation expired)'`);
    expect(expired).toHaveLength(1);
    expect(expired[0]!.initiatedBy).toMatchObject({ user: null, app: { displayName: 'OpenPIM' } });
    expect(expired[0]!.additionalDetails.map((d: Json) => d.key)).not.toContain('ipAddress');
    expect(await verified()).toBe(true);
  });

  it("an application's address is the additional detail ipAddress", async () => {
    api = await openHttpHarness();
    const made = await api.call(api.admin, 'POST', '/v1.0/servicePrincipals', { displayName: 'Deployer' });
    const sp = json<{ id: string }>(made).id;
    await api.h.submit(api.h.admin, {
      kind: 'assignment',
      action: 'adminAssign',
      principalId: sp,
      roleDefinitionId: ROLE.privilegedRoleAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    });
    const res = await from('2001:db8::7', sp, 'POST', `${REQ}/roleDefinitions`, {
      displayName: 'Deploy Reader',
      rolePermissions: [{ allowedResourceActions: ['contoso.app/deploys/read'] }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [event] = await events(`initiatedBy/user/id eq '${sp}'`);
    expect(event).toMatchObject({ activityDisplayName: 'Add role definition', initiatedBy: { user: null, app: { servicePrincipalId: sp } } });
    expect(event!.additionalDetails).toContainEqual({ key: 'ipAddress', value: '2001:db8::7' });
    expect(await verified()).toBe(true);
  });

  it("behind a trusted proxy, the client's address from X-Forwarded-For; otherwise the peer's", async () => {
    api = await openHttpHarness({ trustProxy: '127.0.0.1' });
    const alice = await eligibleAlice();
    const res = await from('127.0.0.1', alice, 'POST', `${REQ}/roleAssignmentScheduleRequests`, activation(alice), { 'x-forwarded-for': '198.51.100.4' });
    expect(res.statusCode, res.body).toBe(201);
    const [event] = await events(`initiatedBy/user/id eq '${alice.id}'`);
    expect(event!.initiatedBy.user.ipAddress).toBe('198.51.100.4');
    // A peer that is not the proxy cannot choose the address it is recorded with.
    const bob = await api.h.user('bob@contoso.test', 'Bob');
    await api.h.submit(api.h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: bob.id, roleDefinitionId: ROLE.userAdministrator });
    const forged = await from('203.0.113.9', bob, 'POST', `${REQ}/roleAssignmentScheduleRequests`, activation(bob), { 'x-forwarded-for': '10.0.0.1' });
    expect(forged.statusCode, forged.body).toBe(201);
    const [bobs] = await events(`initiatedBy/user/id eq '${bob.id}'`);
    expect(bobs!.initiatedBy.user.ipAddress).toBe('203.0.113.9');
    expect(await verified()).toBe(true);
  });
});
