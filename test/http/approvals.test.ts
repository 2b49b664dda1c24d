/**
 * The approval endpoints at the edge (beta roleAssignmentApprovals, its steps, the approver inbox)
 * and users' managers ($ref): who sees what, the 400/401/403/404/409 paths each with its Graph error
 * code, and that a refused call changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { json, openHttpHarness, type As, type GraphErrorBody, type HttpHarness } from '../support/http-harness.ts';
import { adminAssign, approver, selfActivate, setApproval } from '../support/scenario.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const APPROVALS = '/beta/roleManagement/directory/roleAssignmentApprovals';
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const INBOX = `${REQUESTS}/filterByCurrentUser(on='approver')`;

describe('approval endpoints', () => {
  let api: HttpHarness;
  let alice: Principal; // eligible for User Administrator; asks for it
  let carol: Principal; // approvers, 2 of 3
  let dave: Principal;
  let erin: Principal;
  let bob: Principal; // nothing to do with it
  let reader: Principal; // Global Reader: may read every approval, decide none
  let request: ScheduleRequest;
  let step: string;

  const errorOf = async (who: As, method: 'GET' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, payload?: string) => {
    const res = await api.call(who, method, url, body, payload === undefined ? {} : { payload });
    return { status: res.statusCode, code: json<GraphErrorBody>(res).error?.code };
  };
  const review = (who: As, reviewResult: string, justification: string | null = 'Checked the ticket', url = step) =>
    api.call(who, 'PATCH', url, { reviewResult, justification });
  /** A refused call leaves every table and the audit chain as they were. */
  const expectNothingChanged = async (call: () => Promise<unknown>) => {
    const before = await api.counts();
    await call();
    expect(await api.counts()).toEqual(before);
  };

  beforeEach(async () => {
    api = await openHttpHarness();
    const { h } = api;
    const make = (name: string) => h.user(`${name.toLowerCase()}@contoso.test`, name);
    [alice, carol, dave, erin, bob, reader] = [
      await make('Alice'),
      await make('Carol'),
      await make('Dave'),
      await make('Erin'),
      await make('Bob'),
      await make('Reader'),
    ];
    await adminAssign(h, 'assignment', reader, ROLE.globalReader);
    await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator);
    await setApproval(h, ROLE.userAdministrator, [{ approvers: [carol, dave, erin].map((p) => approver.user(p)), quorum: 2, justification: true }]);
    request = await selfActivate(h, alice, ROLE.userAdministrator, 'PT1H');
    expect(request.status).toBe('PendingApproval');
    step = `${APPROVALS}/${request.approvalId}/steps/1`;
  });
  afterEach(async () => api?.close());

  it('shows an approval to its requester, its approvers and readers, and to nobody else (404, not 403)', async () => {
    for (const who of [alice, carol, reader, api.admin]) {
      const res = await api.call(who, 'GET', `${APPROVALS}/${request.approvalId}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(json<Json>(res)).toMatchObject({
        '@odata.context': expect.stringContaining('roleAssignmentApprovals'),
        id: request.approvalId,
        steps: [
          {
            id: '1',
            displayName: 'Stage 1 of 1',
            status: 'InProgress',
            reviewResult: 'NotReviewed',
            assignedToMe: who === carol,
            approvalsRequired: 2,
            decisions: [],
          },
        ],
      });
    }
    expect(await errorOf(bob, 'GET', `${APPROVALS}/${request.approvalId}`)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await errorOf(bob, 'GET', `${APPROVALS}/${request.approvalId}/steps`)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await errorOf(bob, 'GET', step)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await errorOf(api.admin, 'GET', `${APPROVALS}/00000000-0000-0000-0000-000000000000`)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    expect(await errorOf(null, 'GET', `${APPROVALS}/${request.approvalId}`)).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
  });

  it('lists the steps and reads one; an unknown step is 404', async () => {
    const steps = await api.call(carol, 'GET', `${APPROVALS}/${request.approvalId}/steps`);
    expect(steps.statusCode, steps.body).toBe(200);
    expect(json<Json>(steps)).toMatchObject({
      '@odata.context': expect.stringContaining('/steps'),
      value: [{ id: '1', status: 'InProgress', assignedToMe: true }],
    });
    const one = await api.call(carol, 'GET', step);
    expect(one.statusCode, one.body).toBe(200);
    expect(json<Json>(one)).toMatchObject({ id: '1', status: 'InProgress', reviewedBy: null, reviewedDateTime: null, justification: null });
    for (const id of ['2', '0', 'abc']) {
      expect(await errorOf(carol, 'GET', `${APPROVALS}/${request.approvalId}/steps/${id}`)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    }
    expect(await errorOf(carol, 'PATCH', `${APPROVALS}/${request.approvalId}/steps/2`, { reviewResult: 'Approve', justification: 'x' })).toEqual({
      status: 404,
      code: 'Request_ResourceNotFound',
    });
  });

  it('refuses the requester (403 SelfApprovalNotAllowed), a reader who is no approver (403), a stranger (404) — changing nothing', async () => {
    for (const result of ['Approve', 'Deny']) {
      await expectNothingChanged(async () =>
        expect(await errorOf(alice, 'PATCH', step, { reviewResult: result, justification: 'mine' })).toEqual({ status: 403, code: 'SelfApprovalNotAllowed' }),
      );
    }
    await expectNothingChanged(async () =>
      expect(await errorOf(reader, 'PATCH', step, { reviewResult: 'Approve', justification: 'ok' })).toEqual({
        status: 403,
        code: 'Authorization_RequestDenied',
      }),
    );
    await expectNothingChanged(async () =>
      expect(await errorOf(bob, 'PATCH', step, { reviewResult: 'Approve', justification: 'ok' })).toEqual({ status: 404, code: 'Request_ResourceNotFound' }),
    );
    expect(json<Json>(await api.call(alice, 'GET', `${REQUESTS}/${request.id}`))).toMatchObject({ status: 'PendingApproval' });
  });

  it.each([
    { name: "reviewResult 'Maybe'", body: { reviewResult: 'Maybe', justification: 'x' } },
    { name: 'an unknown property', body: { reviewResult: 'Approve', justification: 'x', approvedBy: 'me' } },
    { name: 'no reviewResult', body: { justification: 'x' } },
    { name: 'a justification over 500 characters', body: { reviewResult: 'Approve', justification: 'x'.repeat(501) } },
    { name: 'a missing justification the stage requires', body: { reviewResult: 'Approve' } },
    { name: 'a blank justification the stage requires', body: { reviewResult: 'Deny', justification: '  ' } },
    { name: 'an array', body: [{ reviewResult: 'Approve' }] },
    { name: 'a body that is not JSON', payload: '{reviewResult: Approve' },
  ])('400 Request_BadRequest for $name, changing nothing', async ({ body, payload }) => {
    await expectNothingChanged(async () => expect(await errorOf(carol, 'PATCH', step, body, payload)).toEqual({ status: 400, code: 'Request_BadRequest' }));
  });

  it('quorum over HTTP: 204 per decision, 409 ApproverAlreadyDecided for a second one, 409 ApprovalStepNotActive after the outcome', async () => {
    const first = await review(carol, 'Approve');
    expect(first.statusCode, first.body).toBe(204);
    expect(first.body).toBe('');
    await expectNothingChanged(async () =>
      expect(await errorOf(carol, 'PATCH', step, { reviewResult: 'Deny', justification: 'no' })).toEqual({ status: 409, code: 'ApproverAlreadyDecided' }),
    );
    const half = json<Json>(await api.call(carol, 'GET', step));
    expect(half).toMatchObject({
      status: 'InProgress',
      assignedToMe: false,
      approvalsRequired: 2,
      decisions: [{ reviewedBy: { id: carol.id, displayName: 'Carol' }, reviewResult: 'Approve' }],
    });
    expect(json<Json>(await api.call(dave, 'GET', step))).toMatchObject({ assignedToMe: true });
    expect(json<Json>(await api.call(carol, 'GET', INBOX)).value).toEqual([]);
    expect(json<Json>(await api.call(dave, 'GET', INBOX)).value.map((r: Json) => r.id)).toEqual([request.id]);

    api.clock.advance('PT1M');
    expect((await review(dave, 'Approve')).statusCode).toBe(204);
    await expectNothingChanged(async () =>
      expect(await errorOf(erin, 'PATCH', step, { reviewResult: 'Approve', justification: 'late' })).toEqual({ status: 409, code: 'ApprovalStepNotActive' }),
    );
    await expectNothingChanged(async () =>
      expect(await errorOf(dave, 'PATCH', step, { reviewResult: 'Deny', justification: 'again' })).toEqual({ status: 409, code: 'ApprovalStepNotActive' }),
    );
    expect(json<Json>(await api.call(erin, 'GET', step))).toMatchObject({
      status: 'Completed',
      reviewResult: 'Approve',
      assignedToMe: false,
      reviewedBy: { id: dave.id },
    });
    expect(json<Json>(await api.call(alice, 'GET', `${REQUESTS}/${request.id}`))).toMatchObject({ status: 'Provisioned' });
    for (const who of [carol, dave, erin]) expect(json<Json>(await api.call(who, 'GET', INBOX)).value).toEqual([]);
  });

  it('a deny in the same millisecond as an earlier approval: the step shows the deny and who gave it', async () => {
    expect((await review(carol, 'Approve', 'Fine by me')).statusCode).toBe(204);
    expect((await review(dave, 'Deny', 'Not during the freeze')).statusCode).toBe(204);
    for (const who of [erin, alice]) {
      expect(json<Json>(await api.call(who, 'GET', step))).toMatchObject({
        status: 'Completed',
        reviewResult: 'Deny',
        reviewedBy: { id: dave.id, displayName: 'Dave' },
        justification: 'Not during the freeze',
      });
    }
    expect(json<Json>(await api.call(alice, 'GET', `${REQUESTS}/${request.id}`))).toMatchObject({ status: 'Denied' });
  });

  it('the approver inbox holds only what the caller is asked to decide', async () => {
    for (const who of [carol, dave, erin]) expect(json<Json>(await api.call(who, 'GET', INBOX)).value.map((r: Json) => r.id)).toEqual([request.id]);
    for (const who of [alice, bob, reader, api.admin]) expect(json<Json>(await api.call(who, 'GET', INBOX)).value).toEqual([]);
    expect(json<Json>(await api.call(carol, 'GET', `${INBOX}?$select=id,status&$count=true`))).toMatchObject({
      '@odata.count': 1,
      value: [{ id: request.id, status: 'PendingApproval' }],
    });
    expect(
      json<Json>(await api.call(carol, 'GET', "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests/filterByCurrentUser(on='approver')")).value,
    ).toEqual([]);
  });

  describe('users/{id}/manager/$ref', () => {
    const ref = (p: Principal) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${p.id}` });
    const manager = (p: Principal) => `/v1.0/users/${p.id}/manager`;

    it('sets, reads and removes a manager; the manager then approves as requestorManager', async () => {
      const put = await api.call(api.admin, 'PUT', `${manager(bob)}/$ref`, ref(carol));
      expect(put.statusCode, put.body).toBe(204);
      expect(json<Json>(await api.call(bob, 'GET', manager(bob)))).toMatchObject({
        id: carol.id,
        displayName: 'Carol',
        '@odata.type': '#microsoft.graph.user',
      });
      const audit = json<Json>(
        await api.call(api.admin, 'GET', `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Update user manager'")}`),
      );
      expect(audit.value).toHaveLength(1);
      expect(audit.value[0]).toMatchObject({ initiatedBy: { user: { id: api.admin.id } } });

      // Bob's manager, carol, approves his activation.
      await adminAssign(api.h, 'eligibility', bob, ROLE.helpdeskAdministrator);
      await setApproval(api.h, ROLE.helpdeskAdministrator, [{ approvers: [approver.manager(1)] }]);
      const asked = await selfActivate(api.h, bob, ROLE.helpdeskAdministrator, 'PT1H');
      expect(json<Json>(await api.call(carol, 'GET', INBOX)).value.map((r: Json) => r.id)).toContain(asked.id);
      expect((await review(carol, 'Approve', null, `${APPROVALS}/${asked.approvalId}/steps/1`)).statusCode).toBe(204);
      expect(json<Json>(await api.call(bob, 'GET', `${REQUESTS}/${asked.id}`))).toMatchObject({ status: 'Provisioned' });

      const del = await api.call(api.admin, 'DELETE', `${manager(bob)}/$ref`);
      expect(del.statusCode, del.body).toBe(204);
      expect(await errorOf(bob, 'GET', manager(bob))).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
      expect(await errorOf(api.admin, 'DELETE', `${manager(bob)}/$ref`)).toEqual({ status: 404, code: 'Request_ResourceNotFound' });
    });

    it.each([
      { name: 'the user as their own manager', who: 'admin', user: 'bob', body: 'self', expected: { status: 400, code: 'Request_BadRequest' } },
      { name: 'an unknown manager', who: 'admin', user: 'bob', body: 'unknown', expected: { status: 400, code: 'Request_BadRequest' } },
      { name: 'an unknown user', who: 'admin', user: 'unknown', body: 'carol', expected: { status: 404, code: 'Request_ResourceNotFound' } },
      { name: 'a body with an unknown property', who: 'admin', user: 'bob', body: 'extra', expected: { status: 400, code: 'Request_BadRequest' } },
      { name: 'a body without @odata.id', who: 'admin', user: 'bob', body: 'empty', expected: { status: 400, code: 'Request_BadRequest' } },
      {
        name: 'a caller who is no user administrator',
        who: 'alice',
        user: 'bob',
        body: 'carol',
        expected: { status: 403, code: 'Authorization_RequestDenied' },
      },
    ] as const)('PUT refuses $name, changing nothing', async ({ who, user, body, expected }) => {
      const target = user === 'unknown' ? '00000000-0000-0000-0000-000000000000' : bob.id;
      const bodies = {
        self: ref(bob),
        unknown: { '@odata.id': 'https://graph.microsoft.com/v1.0/users/00000000-0000-0000-0000-000000000000' },
        carol: ref(carol),
        extra: { ...ref(carol), manager: true },
        empty: {},
      };
      await expectNothingChanged(async () =>
        expect(await errorOf(who === 'admin' ? api.admin : alice, 'PUT', `/v1.0/users/${target}/manager/$ref`, bodies[body])).toEqual(expected),
      );
    });

    it('DELETE by a caller who is no user administrator: 403, the manager stays', async () => {
      await api.call(api.admin, 'PUT', `${manager(bob)}/$ref`, ref(carol));
      await expectNothingChanged(async () =>
        expect(await errorOf(alice, 'DELETE', `${manager(bob)}/$ref`)).toEqual({ status: 403, code: 'Authorization_RequestDenied' }),
      );
      expect(json<Json>(await api.call(bob, 'GET', manager(bob)))).toMatchObject({ id: carol.id });
    });
  });
});
