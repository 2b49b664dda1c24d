import { describe, expect, it } from 'vitest';
import { reviewApprovalStep } from '../../src/app/requests/review-approval-step.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { ALL, adminAssign, instancesOf, requireApproval, selfActivate, closeVerifiedAfterEach } from '../support/scenario.ts';

describe.each(TEST_DATABASES)('approval smoke on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it('falls back to the Global Administrator, who approves; the activation starts at approval', async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator);
    await requireApproval(h, ROLE.userAdministrator);
    const request = await selfActivate(h, alice, ROLE.userAdministrator, 'PT1H');
    expect(request.status).toBe('PendingApproval');
    const inbox = await h.store.read.requests.listForApprover(h.tenantId, 'assignment', h.admin.principal.id, ALL);
    expect(inbox.items.map((r) => r.id)).toEqual([request.id]);
    const aliceCaller = await h.caller(alice);
    await expect(reviewApprovalStep(h.deps, aliceCaller, request.approvalId!, '1', { reviewResult: 'Approve', justification: 'me' })).rejects.toMatchObject({
      code: 'SelfApprovalNotAllowed',
    });
    h.clock.advance('PT10M');
    const granted = await reviewApprovalStep(h.deps, h.admin, request.approvalId!, '1', { reviewResult: 'Approve', justification: 'ok' });
    expect(granted.status).toBe('Provisioned');
    const [instance] = await instancesOf(h, 'assignment', alice);
    expect(instance!.startAt).toBe(h.clock.now());
    expect(instance!.endAt).toBe(h.clock.now() + 3_600_000);
    await expect(reviewApprovalStep(h.deps, h.admin, request.approvalId!, '1', { reviewResult: 'Deny', justification: 'late' })).rejects.toMatchObject({
      code: 'ApprovalStepNotActive',
    });
    expect((await h.store.read.requests.listForApprover(h.tenantId, 'assignment', h.admin.principal.id, ALL)).items).toEqual([]);
  });
});
