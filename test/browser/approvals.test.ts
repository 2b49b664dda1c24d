/**
 * Activations that need approval, in Chromium against a real OpenPIM server: the requester's My
 * roles says the request waits, and changes by itself — no reload — when the approver decides: to
 * Active when the approver approves on their own Approve requests page (a second browser), and to
 * the denial with the approver's reason when they deny (through the API here).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { dialogTitled, markDocument, openMyRoles, requestActivation, roleRow, signInDirectly, visible } from '../support/portal-ui.ts';
import { approver, setApproval } from '../support/scenario.ts';

const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
const APPROVALS = '/beta/roleManagement/directory/roleAssignmentApprovals';

interface StoredRequest {
  readonly id: string;
  readonly status: string;
  readonly roleDefinitionId: string;
  readonly approvalId: string | null;
}

async function requestsOf(portal: Portal, user: PortalUser): Promise<StoredRequest[]> {
  const res = await portal.api.call(portal.api.admin, 'GET', `${REQUESTS}?$filter=principalId eq '${user.principal.id}'`);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ value: StoredRequest[] }>(res).value;
}

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
// After the hook above, so that its own after-each hook runs first (the last registered runs first):
// a failed test's pages are photographed while the server still answers them.
const chromium = useChromium();

/** A tenant where alice may activate `roles` with carol's approval; both have an authenticator app. */
async function approvalTenant(database: (typeof TEST_DATABASES)[number], roles: readonly string[]) {
  portal = await openPortal({ database });
  const alice = await portal.user('alice@contoso.test', { totp: true, eligibleFor: roles });
  const carol = await portal.user('carol@contoso.test', { totp: true });
  for (const role of roles) await setApproval(portal.api.h, role, [{ approvers: [approver.user(carol.principal)], justification: true }]);
  return { portal, alice, carol };
}

describe.each(TEST_DATABASES)('approval on $name', (database) => {
  // The pages are the same on every database: audited and photographed once.
  const check = (page: Parameters<typeof checkPage>[0], name: string) => (database.name === 'sqlite' ? checkPage(page, name) : Promise.resolve());

  it('shows "waiting for approval" to the requester and Active — without a reload — once the approver approves in their browser', async () => {
    const { portal, alice, carol } = await approvalTenant(database, [ROLE.userAdministrator]);
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: true });
    await openMyRoles(page);
    await requestActivation(page, 'User Administrator', 'Migrate the help desk accounts');
    await check(page, 'my-roles-waiting');
    const [request] = await requestsOf(portal, alice);
    expect(request).toMatchObject({ status: 'PendingApproval', roleDefinitionId: ROLE.userAdministrator });
    const sameDocument = await markDocument(page);

    // Carol, in her own browser, approves from Approve requests.
    const approverPage = await chromium.page(portal.url);
    await signInDirectly(approverPage, portal, carol, { mfa: true });
    await approverPage.goto('/approvals');
    await visible(approverPage.getByRole('heading', { name: 'Approve requests', level: 1 }));
    const approve = await visible(approverPage.getByRole('button', { name: "Approve alice's request for User Administrator" }));
    await check(approverPage, 'approvals');
    await approve.click();
    const decide = await visible(dialogTitled(approverPage, "Approve alice's request"));
    await decide.getByLabel('Justification').fill('Change CHG-1024 is approved');
    await check(approverPage, 'approve-dialog');
    await decide.getByRole('button', { name: 'Approve', exact: true }).click();
    await visible(decide.getByRole('button', { name: 'Close' }));
    expect((await requestsOf(portal, alice))[0]).toMatchObject({ id: request!.id, status: 'Provisioned' });

    // Alice's page changes by itself: the notice goes (requests are polled every 2 s while one
    // waits), and the role shows as Active at once — not at the roles' own 30-second refresh, which
    // last ran when she submitted the request, at least the approver's whole sign-in ago.
    await page.getByText('User Administrator: waiting for approval', { exact: false }).waitFor({ state: 'detached' });
    await roleRow(page, 'Eligible roles', 'User Administrator').getByText('Active', { exact: true }).waitFor({ timeout: 8_000 });
    await visible(page.getByRole('tab', { name: 'Active (1)' }));
    expect(await sameDocument(), 'the page was not reloaded').toBe(true);
  });
});

describe('denial', () => {
  it("shows the requester the denial and the approver's reason on My roles, without a reload", async () => {
    const { portal, alice, carol } = await approvalTenant(TEST_DATABASES[0]!, [ROLE.helpdeskAdministrator]);
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: true });
    await openMyRoles(page);
    await requestActivation(page, 'Helpdesk Administrator', 'Password resets for the sales team');
    const sameDocument = await markDocument(page);

    const [request] = await requestsOf(portal, alice);
    const denied = await portal.api.call(carol.principal, 'PATCH', `${APPROVALS}/${request!.approvalId}/steps/1`, {
      reviewResult: 'Deny',
      justification: 'Not during the change freeze',
    });
    expect(denied.statusCode, denied.body).toBe(204);

    await visible(page.getByText('Your activation of Helpdesk Administrator was denied by carol: “Not during the change freeze”'));
    await page.getByText('Helpdesk Administrator: waiting for approval', { exact: false }).waitFor({ state: 'detached' });
    await visible(roleRow(page, 'Eligible roles', 'Helpdesk Administrator').getByRole('button', { name: 'Activate' }));
    await visible(page.getByRole('tab', { name: 'Active (0)' }));
    expect(await sameDocument(), 'the page was not reloaded').toBe(true);
    await checkPage(page, 'my-roles-denied');
  });
});
