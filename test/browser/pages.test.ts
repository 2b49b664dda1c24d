/**
 * The portal's other pages in Chromium, against one real OpenPIM server: each audited with axe and
 * photographed at desktop and phone width, and each used as a person would — My requests (filter,
 * a request's own page, canceling one through its dialog), an approver's request page (/approvals/{id},
 * deny with a reason), the administrators' Roles, a role's holders with Add assignment, Groups, and
 * the not-found page. What the page shows is checked against the API.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, DESKTOP, PHONE, useChromium } from '../support/browser.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, requestsOf, ROLE_REQUESTS, type ApiRequest, type Portal, type PortalUser } from '../support/portal-server.ts';
import { dialogTitled, pickOption, signInDirectly, visible } from '../support/portal-ui.ts';
import { approver, groupWith, setApproval } from '../support/scenario.ts';

describe('portal pages', () => {
  const chromium = useChromium();
  let portal: Portal;
  let alice: PortalUser, bob: PortalUser, carol: PortalUser, dave: PortalUser;
  /** Alice's requests: Helpdesk Administrator active; User and Groups Administrator waiting for carol. */
  let helpdesk: ApiRequest, users: ApiRequest, groups: ApiRequest;

  const activate = async (who: PortalUser, roleId: string, justification: string): Promise<ApiRequest> => {
    portal.clock.advance('PT1M');
    const res = await portal.api.call(who.principal, 'POST', ROLE_REQUESTS, {
      action: 'selfActivate',
      principalId: who.principal.id,
      roleDefinitionId: roleId,
      directoryScopeId: '/',
      justification,
      ticketInfo: { ticketNumber: 'INC-311', ticketSystem: 'Jira' },
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT2H' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return json<ApiRequest>(res);
  };
  const statusOf = async (request: ApiRequest) => (await requestsOf(portal, alice)).find((r) => r.id === request.id)?.status;

  beforeAll(async () => {
    portal = await openPortal();
    alice = await portal.user('alice@contoso.test', {
      totp: true,
      eligibleFor: [ROLE.helpdeskAdministrator, ROLE.userAdministrator, ROLE.groupsAdministrator],
    });
    bob = await portal.user('bob@contoso.test');
    carol = await portal.user('carol@contoso.test', { totp: true });
    dave = await portal.user('dave@contoso.test', { totp: true, activeIn: [ROLE.privilegedRoleAdministrator] });
    for (const role of [ROLE.userAdministrator, ROLE.groupsAdministrator]) {
      await setApproval(portal.api.h, role, [{ approvers: [approver.user(carol.principal)], justification: false }]);
    }
    await groupWith(portal.api.h, 'Helpdesk operators', [bob.principal], { assignable: true });
    await groupWith(portal.api.h, 'Finance readers', []);
    helpdesk = await activate(alice, ROLE.helpdeskAdministrator, 'Reset the CFO password');
    users = await activate(alice, ROLE.userAdministrator, 'Onboard the new interns');
    groups = await activate(alice, ROLE.groupsAdministrator, 'Tidy the sales groups');
    expect([helpdesk.status, users.status, groups.status]).toEqual(['Provisioned', 'PendingApproval', 'PendingApproval']);
  });
  afterAll(async () => portal?.close());

  /** The row of My requests' table of alice's activation of this role (the administrator's eligibilities have rows too). */
  const requestRow = (page: Page, role: string) =>
    page
      .getByRole('table', { name: 'My requests, newest first' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: role, exact: true }) })
      .filter({ has: page.getByRole('cell', { name: 'Activate', exact: true }) });

  it('My requests lists, filters and opens requests; a pending one is canceled through its dialog', async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: true });
    await page.goto('/requests');
    await visible(page.getByRole('heading', { name: 'My requests', level: 1 }));
    const table = page.getByRole('table', { name: 'My requests, newest first' });
    // The header, her three activations, and the three eligibilities an administrator gave her.
    await expect.poll(() => table.getByRole('row').count()).toBe(7);
    expect(await table.getByRole('row').filter({ hasText: 'Made eligible by an administrator' }).count()).toBe(3);
    await visible(requestRow(page, 'Helpdesk Administrator').getByText('Activated', { exact: true }));
    await visible(requestRow(page, 'User Administrator').getByText('Waiting for approval', { exact: true }));
    await visible(requestRow(page, 'User Administrator').getByText('Ticket Jira INC-311', { exact: false }));
    expect(await requestRow(page, 'Helpdesk Administrator').getByRole('button', { name: 'Cancel' }).count(), 'a completed request cannot be canceled').toBe(0);
    await checkPage(page, 'my-requests');

    // The Pending tab: only the two waiting, and the address says so.
    await page.getByRole('tab', { name: 'Pending' }).click();
    await page.waitForURL((url) => url.searchParams.get('status') === 'pending');
    await expect.poll(() => table.getByRole('row').count()).toBe(3);
    expect(await requestRow(page, 'Helpdesk Administrator').count()).toBe(0);

    // A request's own page.
    await requestRow(page, 'Groups Administrator').getByRole('link', { name: 'Groups Administrator' }).click();
    await page.waitForURL(`**/requests/${groups.id}`);
    await visible(page.getByRole('heading', { name: 'Activate: Groups Administrator', level: 1 }));
    const facts = page.getByRole('region', { name: 'What was asked' });
    await visible(facts.getByText('Tidy the sales groups'));
    await visible(facts.getByText(groups.id, { exact: true }));
    const approval = page.getByRole('region', { name: 'Approval' });
    await visible(approval.getByText('Waiting for decisions', { exact: true }));
    await visible(approval.getByText('No decisions yet.'));
    await visible(page.getByRole('button', { name: 'Cancel request' }));
    await checkPage(page, 'request-detail');

    // Canceling User Administrator from the list: the dialog says what stops, and it stops.
    await page.goto('/requests?status=pending');
    await requestRow(page, 'User Administrator').getByRole('button', { name: 'Cancel' }).click();
    const dialog = await visible(page.getByRole('alertdialog', { name: 'Cancel this request?' }));
    await visible(dialog.getByText('Approvers will no longer be asked to decide on your request to activate User Administrator.', { exact: false }));
    await checkPage(page, 'cancel-dialog');
    await dialog.getByRole('button', { name: 'Cancel request' }).click();
    await dialog.waitFor({ state: 'detached' });
    await visible(page.getByText('Your request for User Administrator was canceled.'));
    await requestRow(page, 'User Administrator').waitFor({ state: 'detached' });
    expect(await statusOf(users)).toBe('Canceled');
    expect(await statusOf(groups), 'the other one still waits').toBe('PendingApproval');
  });

  it("an approver's request page shows the request and its stage; a deny needs a reason and is recorded", async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, carol, { mfa: true });
    await page.goto(`/approvals/${groups.approvalId}`);
    await visible(page.getByRole('heading', { name: 'alice asks to activate Groups Administrator', level: 1 }));
    await visible(page.getByText('Tidy the sales groups'));
    const form = await visible(page.getByRole('form', { name: 'Your decision' }));
    await checkPage(page, 'approval-detail');

    await form.getByRole('button', { name: 'Deny' }).click();
    await visible(form.getByText('Say why you deny this request.'));
    expect(await statusOf(groups), 'nothing was decided without a reason').toBe('PendingApproval');
    await form.getByLabel('Justification').fill('Sales groups are frozen until the audit ends');
    await form.getByRole('button', { name: 'Deny' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Your decision is recorded; the requester is told.' }));
    await page.getByRole('form', { name: 'Your decision' }).waitFor({ state: 'detached' });
    expect(await statusOf(groups)).toBe('Denied');
    await visible(page.getByText('Sales groups are frozen until the audit ends'));
  });

  it('Roles, a role with its holders, Add assignment and Groups, for an administrator', async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, dave, { mfa: true });
    await page.goto('/admin/roles');
    await visible(page.getByRole('heading', { name: 'Roles', level: 1 }));
    const roles = page.getByRole('table', { name: 'Roles' });
    await visible(roles.getByRole('link', { name: 'Helpdesk Administrator', exact: true }));
    await checkPage(page, 'admin-roles');
    // On a phone the catalogue comes 25 cards at a time; "Show more" reveals the next and focuses the first of them.
    await page.setViewportSize(PHONE);
    const cards = page.getByRole('list', { name: 'Roles' });
    await expect.poll(() => cards.getByRole('link').count()).toBe(25);
    const total = json<{ value: unknown[] }>(await portal.api.call(dave.principal, 'GET', '/v1.0/roleManagement/directory/roleDefinitions?$top=999')).value
      .length;
    await page.getByRole('button', { name: `Show 25 more of ${total - 25}` }).click();
    await expect.poll(() => cards.getByRole('link').count()).toBe(50);
    const focused = () =>
      page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent);
    expect(await focused()).toBe(await cards.getByRole('link').nth(25).textContent());
    await page.setViewportSize(DESKTOP);
    await page.getByRole('searchbox').fill('helpdesk');
    await page.waitForURL((url) => url.searchParams.get('q') === 'helpdesk');
    await expect.poll(() => roles.getByRole('link').count()).toBe(1);

    await roles.getByRole('link', { name: 'Helpdesk Administrator', exact: true }).click();
    await page.waitForURL(`**/admin/roles/${ROLE.helpdeskAdministrator}`);
    await visible(page.getByRole('heading', { name: 'Helpdesk Administrator', level: 1 }));
    const eligible = page.getByRole('table', { name: 'Eligible for Helpdesk Administrator' });
    await visible(eligible.getByRole('row').filter({ hasText: 'alice@contoso.test' }));
    expect(await eligible.getByRole('row').filter({ hasText: 'bob' }).count()).toBe(0);
    await checkPage(page, 'admin-role');

    await page.getByRole('button', { name: 'Add assignment' }).click();
    const dialog = await visible(dialogTitled(page, 'Add assignment: Helpdesk Administrator'));
    await visible(dialog.getByText('Role settings: permanent allowed.', { exact: false }));
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await visible(dialog.getByText('Choose a person or group.'));
    await checkPage(page, 'add-assignment-dialog');
    await pickOption(page, dialog.getByRole('combobox', { name: 'Member' }), 'bob');
    await dialog.getByLabel('Justification').fill('Joins the help desk rota');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await dialog.waitFor({ state: 'detached' });
    await visible(page.getByText('bob is now eligible for Helpdesk Administrator.'));
    await visible(eligible.getByRole('row').filter({ hasText: 'bob@contoso.test' }));
    const res = await portal.api.call(
      portal.api.admin,
      'GET',
      `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '${bob.principal.id}'`,
    );
    expect(json<{ value: { roleDefinitionId: string; directoryScopeId: string; endDateTime: string | null }[] }>(res).value).toEqual([
      expect.objectContaining({ roleDefinitionId: ROLE.helpdeskAdministrator, directoryScopeId: '/', endDateTime: null }),
    ]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
    await visible(page.getByRole('heading', { name: 'Groups', level: 1 }));
    const list = page.getByRole('table', { name: 'Groups' });
    await visible(list.getByRole('row').filter({ hasText: 'Helpdesk operators' }).getByText('Role-assignable'));
    await visible(list.getByRole('row').filter({ hasText: 'Finance readers' }).getByText('Security group'));
    await checkPage(page, 'admin-groups');
    await page.getByRole('searchbox').fill('finance');
    await list.getByRole('row').filter({ hasText: 'Helpdesk operators' }).waitFor({ state: 'detached' });
    await visible(list.getByRole('row').filter({ hasText: 'Finance readers' }));
  });

  it('an address the portal does not know shows the not-found page, inside and outside administration', async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: false });
    await page.goto('/no-such-page');
    const heading = await visible(page.getByRole('heading', { name: 'Page not found', level: 1 }));
    // The heading stands above its text, not beside it.
    const [h, text] = [await heading.boundingBox(), await page.getByText('There is no page at this address.').boundingBox()];
    expect(text!.y).toBeGreaterThanOrEqual(h!.y + h!.height);
    await checkPage(page, 'not-found');
    await page.getByRole('link', { name: 'Go to My roles' }).click();
    await page.waitForURL('**/assignments');
    await visible(page.getByRole('heading', { name: 'My roles', level: 1 }));

    await page.goto('/admin/no-such-page');
    await visible(page.getByRole('heading', { name: 'Page not found', level: 1 }));
    await page.goto('/admin/roles/00000000-0000-0000-0000-00000000abcd');
    await visible(page.getByRole('heading', { name: 'Role not found', level: 1 }));
  });
});
