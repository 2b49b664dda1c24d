/**
 * Signed one-click approval links over HTTP: the link is never authority by itself. It needs the
 * bearer token of the very approver it was sent to, who must still be an approver when they use
 * it; it works once, expires, and a tampered or foreign token is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { removeGroupMember } from '../../src/app/directory/change-group-members.ts';
import type { Principal, ScheduleRequest } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { MEMORY_SQLITE } from '../support/http-harness.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { adminAssign, approver, groupWith, selfActivate, setApproval, stored } from '../support/scenario.ts';
import { openLinkApp, outcome, type LinkApp } from './support/link-app.ts';

const ROLE_ID = ROLE.userAdministrator;

describe('one-click approval links', () => {
  let h: Harness;
  let api: LinkApp;
  let alice: Principal, bob: Principal, carol: Principal;
  let request: ScheduleRequest;
  const link = (who: Principal, decision: 'Approve' | 'Deny' = 'Approve', r = request) =>
    api.links.sign({ tenantId: h.tenantId, approvalId: r.approvalId!, stepId: '1', approverId: who.id, decision }, 3_600_000);

  async function setup(stage: { justification?: boolean; viaGroup?: boolean } = {}) {
    h = await openHarness(MEMORY_SQLITE);
    api = await openLinkApp(h);
    [alice, bob, carol] = [await h.user('alice@contoso.test', 'Alice'), await h.user('bob@contoso.test', 'Bob'), await h.user('carol@contoso.test', 'Carol')];
    const approvers = stage.viaGroup ? [approver.group(await groupWith(h, 'Approvers', [bob]))] : [approver.user(bob)];
    await setApproval(h, ROLE_ID, [{ approvers, justification: stage.justification ?? false }]);
    await adminAssign(h, 'eligibility', alice, ROLE_ID);
    request = await selfActivate(h, alice, ROLE_ID);
  }
  afterEach(async () => {
    await api?.close();
    await h?.close();
  });

  it('shows what it would do (GET), decides once (POST), and a second use is a 409', async () => {
    await setup();
    const token = await link(bob);
    const shown = await api.act(bob, 'GET', token);
    expect(shown.statusCode).toBe(200);
    expect(JSON.parse(shown.body)).toMatchObject({
      approvalId: request.approvalId,
      stepId: '1',
      decision: 'Approve',
      used: false,
      pending: true,
      justificationRequired: false,
      request: { id: request.id, status: 'PendingApproval', principalId: alice.id, roleDefinitionId: ROLE_ID, justification: 'Needed for work' },
    });
    const first = await api.act(bob, 'POST', token);
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ requestId: request.id, status: 'Provisioned', decision: 'Approve' });
    expect((await stored(h, request)).status).toBe('Provisioned');
    expect(outcome(await api.act(bob, 'POST', token))).toEqual({ status: 409, code: 'ApprovalLinkUsed' });
    expect(JSON.parse((await api.act(bob, 'GET', token)).body)).toMatchObject({ used: true, pending: false });
    // The other link of the same message is refused by the approval itself: the step is over.
    expect(outcome(await api.act(bob, 'POST', await link(bob, 'Deny')))).toEqual({ status: 409, code: 'ApprovalStepNotActive' });
  });

  it('needs the bearer token of the approver it was sent to', async () => {
    await setup();
    const token = await link(bob, 'Deny');
    expect(outcome(await api.act(null, 'POST', token))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(outcome(await api.act(null, 'GET', token))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(outcome(await api.act(carol, 'POST', token))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect(outcome(await api.act(alice, 'GET', token))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    // Nobody's failed attempt used it up.
    const res = await api.act(bob, 'POST', token);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'Denied', decision: 'Deny' });
  });

  it('is no authority for someone who may not decide: the requester, or an approver no longer in the approving group', async () => {
    await setup({ viaGroup: true });
    expect(outcome(await api.act(alice, 'POST', await link(alice)))).toEqual({ status: 403, code: 'SelfApprovalNotAllowed' });
    const token = await link(bob);
    const group = (await h.store.read.principals.list(h.tenantId, 'group', { orderBy: [], top: 10, skip: 0, count: false })).items[0]!;
    await removeGroupMember(h.deps, h.admin, group.id, bob.id);
    expect(outcome(await api.act(bob, 'POST', token))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
    expect((await stored(h, request)).status).toBe('PendingApproval');
  });

  it('expires', async () => {
    await setup();
    const token = await link(bob);
    h.clock.advance('PT59M');
    expect((await api.act(bob, 'GET', token)).statusCode).toBe(200);
    h.clock.advance('PT2M');
    expect(outcome(await api.act(bob, 'POST', token))).toEqual({ status: 410, code: 'ApprovalLinkExpired' });
    expect((await stored(h, request)).status).toBe('PendingApproval');
  });

  it('refuses a tampered, missing or foreign token, and is itself no bearer token', async () => {
    await setup();
    const token = await link(bob);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, dec: 'Deny' })).toString('base64url')}.${signature}`;
    expect(outcome(await api.act(bob, 'POST', forged))).toEqual({ status: 400, code: 'ApprovalLinkInvalid' });
    expect(outcome(await api.act(bob, 'POST', `${token.slice(0, -4)}AAAA`))).toEqual({ status: 400, code: 'ApprovalLinkInvalid' });
    expect(outcome(await api.act(bob, 'POST', null))).toEqual({ status: 400, code: 'ApprovalLinkInvalid' });
    expect(outcome(await api.act(bob, 'POST', await api.bearer(bob)))).toEqual({ status: 400, code: 'ApprovalLinkInvalid' });
    expect(outcome(await api.act(token, 'GET', token))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
    expect((await stored(h, request)).status).toBe('PendingApproval');
  });

  it('asks for the justification a step requires, and the link stays usable until it decides', async () => {
    await setup({ justification: true });
    const token = await link(bob);
    expect(JSON.parse((await api.act(bob, 'GET', token)).body)).toMatchObject({ justificationRequired: true });
    expect(outcome(await api.act(bob, 'POST', token))).toEqual({ status: 400, code: 'Request_BadRequest' });
    expect(outcome(await api.act(bob, 'POST', token, { justification: 'x', extra: 1 }))).toEqual({ status: 400, code: 'Request_BadRequest' });
    const res = await api.act(bob, 'POST', null, { token, justification: 'Known change, INC-42' });
    expect(JSON.parse(res.body)).toMatchObject({ status: 'Provisioned' });
    const decision = (await h.store.read.approvals.decisions(h.tenantId, request.approvalId!))[0]!;
    expect(decision).toMatchObject({ approverId: bob.id, result: 'Approve', justification: 'Known change, INC-42' });
  });
});
