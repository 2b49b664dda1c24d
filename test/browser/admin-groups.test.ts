/**
 * The Group page (/admin/groups/{id}) in Chromium, against a real OpenPIM server: an administrator
 * opens a role-assignable group from Groups, sees its static members, is told in the API's words
 * why a group cannot join it, and removes a member after confirming; makes a user eligible for the
 * group's membership (PIM for Groups) — the user activates it from My roles, and the group page
 * shows it active, and ends the eligibility; the member and owner settings are shown, and saved, in
 * the role settings' sections; a new role-assignable group is created from Groups. The
 * server's records are checked too, and every page and dialog is audited by axe and photographed.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { dialogTitled, fillActivation, openMyRoles, roleRow, signInDirectly, visible } from '../support/portal-ui.ts';
import { adminAssign, groupWith } from '../support/scenario.ts';

const GROUP_ELIGIBILITIES = '/v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules';
const GROUP_ASSIGNMENTS = '/v1.0/identityGovernance/privilegedAccess/group/assignmentSchedules';

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
// After the hook above, so that its own after-each hook runs first (the last registered runs first):
// a failed test's pages are photographed while the server still answers them.
const chromium = useChromium();

interface Tenant {
  readonly portal: Portal;
  readonly admin: PortalUser;
  readonly alice: PortalUser;
  readonly bob: PortalUser;
  readonly groupId: string;
}

/** Dana (a Global Administrator with an authenticator app), alice, bob, and the role-assignable group "Ops admins" with bob as a member. */
async function groupTenant(): Promise<Tenant> {
  portal = await openPortal();
  const admin = await portal.user('dana@contoso.test', { totp: true });
  await adminAssign(portal.api.h, 'assignment', admin.principal, ROLE.globalAdministrator);
  const alice = await portal.user('alice@contoso.test', { totp: true });
  const bob = await portal.user('bob@contoso.test');
  const created = await portal.api.call(portal.api.admin, 'POST', '/v1.0/groups', {
    displayName: 'Ops admins',
    description: 'On-call operators of the production tenant.',
    isAssignableToRole: true,
    mailNickname: 'ops-admins',
  });
  expect(created.statusCode, created.body).toBe(201);
  const groupId = json<{ id: string }>(created).id;
  const added = await portal.api.call(portal.api.admin, 'POST', `/v1.0/groups/${groupId}/members/$ref`, {
    '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${bob.principal.id}`,
  });
  expect(added.statusCode, added.body).toBe(204);
  // A plain security group, which the role-assignable one refuses as a member.
  await groupWith(portal.api.h, 'Help desk', []);
  return { portal, admin, alice, bob, groupId };
}

/** Signs the administrator in and opens the group from the Groups list. */
async function openGroup(page: Page, t: Tenant): Promise<void> {
  await signInDirectly(page, t.portal, t.admin, { mfa: true });
  await page.goto('/admin/groups');
  await visible(page.getByRole('heading', { name: 'Groups', level: 1 }));
  await page.getByRole('table', { name: 'Groups' }).getByRole('link', { name: 'Ops admins' }).click();
  await visible(page.getByRole('heading', { name: 'Ops admins', level: 1 }));
  expect(new URL(page.url()).pathname).toBe(`/admin/groups/${t.groupId}`);
}

/** Chooses a person or group in the picker by typing and the keyboard, as the combobox offers. */
async function pick(page: Page, label: string, text: string, option: RegExp): Promise<void> {
  const box = page.getByRole('combobox', { name: label });
  await box.pressSequentially(text);
  await visible(page.getByRole('option', { name: option }));
  await box.press('ArrowDown');
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toMatch(option);
}

async function memberIds(t: Tenant): Promise<string[]> {
  const res = await t.portal.api.call(t.portal.api.admin, 'GET', `/v1.0/groups/${t.groupId}/members`);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ value: { id: string }[] }>(res).value.map((m) => m.id);
}

describe('the Group page', () => {
  it("shows the group and its members, refuses a group as a member of a role-assignable group in the API's words, and removes a member after confirming", async () => {
    const t = await groupTenant();
    const page = await chromium.page(t.portal.url);
    await openGroup(page, t);
    await visible(page.getByText('Role-assignable', { exact: true }));
    await visible(page.getByText('On-call operators of the production tenant.'));
    const members = page.getByRole('table', { name: 'Members of Ops admins' });
    await visible(members.getByRole('row').filter({ hasText: 'bob@contoso.test' }));
    await checkPage(page, 'group-members');

    // A group into a role-assignable group: the dialog shows the API's refusal, and nothing changes.
    await page.getByRole('button', { name: 'Add member' }).click();
    const add = await visible(dialogTitled(page, 'Add member: Ops admins'));
    await pick(page, 'User or group', 'Help', /^Help desk/);
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await visible(
      add
        .getByRole('alert')
        .getByText("Group 'Help desk' cannot be added to 'Ops admins': a role-assignable group (or one nested into it) has no groups as members or owners."),
    );
    await checkPage(page, 'group-add-member-refused');
    await add.getByRole('button', { name: 'Cancel' }).click();
    await add.waitFor({ state: 'detached' });
    expect(await memberIds(t)).toEqual([t.bob.principal.id]);

    // Remove bob: a confirmation first, then he is gone from the page and the directory.
    await members.getByRole('button', { name: 'Remove bob from Ops admins' }).click();
    const confirm = await visible(page.getByRole('alertdialog', { name: 'Remove member' }));
    await visible(confirm.getByText('What the group holds ends for them now', { exact: false }));
    await checkPage(page, 'group-remove-member-dialog');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await visible(page.getByRole('status').getByText('bob is no longer a member of Ops admins.'));
    await visible(page.getByText('Ops admins has no members. Use “Add member” to add someone.'));
    expect(await memberIds(t)).toEqual([]);
    await checkPage(page, 'group-members-empty');
  });

  it('makes a user eligible for membership; the user activates it from My roles, the group page shows it active, and the eligibility is removed', async () => {
    const t = await groupTenant();
    const page = await chromium.page(t.portal.url);
    await openGroup(page, t);
    await page.getByRole('tab', { name: 'Assignments' }).click();
    await visible(page.getByText('Nobody is eligible for Ops admins.', { exact: false }));

    // Keyboard only: the button opens the dialog, the picker is driven by typing and arrow keys, Enter submits.
    await page.getByRole('button', { name: 'Add assignment' }).focus();
    await page.keyboard.press('Enter');
    const assign = await visible(dialogTitled(page, 'Add assignment: Ops admins'));
    expect(await assign.getByRole('radio', { name: 'Eligible (activates when needed)' }).isChecked()).toBe(true);
    expect(await assign.getByRole('radio', { name: 'Member (holds what the group holds)' }).isChecked()).toBe(true);
    await pick(page, 'User or group', 'ali', /^alice/);
    await visible(assign.getByText('Member settings: permanent allowed.'));
    await checkPage(page, 'group-assign-dialog');
    await assign.getByRole('button', { name: 'Assign' }).focus();
    await page.keyboard.press('Enter');
    await assign.waitFor({ state: 'detached' });
    await visible(page.getByRole('status').getByText('alice is now eligible as member of Ops admins.'));
    const eligible = page.getByRole('table', { name: 'Eligible for Ops admins' });
    const row = await visible(eligible.getByRole('row').filter({ hasText: 'alice@contoso.test' }));
    await visible(row.getByRole('cell', { name: 'Member', exact: true }));
    await visible(row.getByRole('cell', { name: 'Permanent', exact: true }));
    await visible(row.getByRole('button', { name: 'Remove alice’s Ops admins (member)' }));
    await checkPage(page, 'group-assignments-eligible');
    const eligibilities = await t.portal.api.call(t.portal.api.admin, 'GET', `${GROUP_ELIGIBILITIES}?$filter=groupId eq '${t.groupId}'`);
    expect(json<{ value: unknown[] }>(eligibilities).value).toEqual([
      expect.objectContaining({ principalId: t.alice.principal.id, accessId: 'member', groupId: t.groupId, memberType: 'direct' }),
    ]);

    // Alice, in her own browser, activates the membership from My roles.
    const alicePage = await chromium.page(t.portal.url);
    await signInDirectly(alicePage, t.portal, t.alice, { mfa: true });
    await openMyRoles(alicePage);
    await roleRow(alicePage, 'Eligible roles', 'Ops admins — member').getByRole('button', { name: 'Activate' }).click();
    const activate = await visible(dialogTitled(alicePage, 'Activate Ops admins — member'));
    await fillActivation(activate, { justification: 'On call this week' });
    await activate.getByRole('button', { name: 'Activate' }).click();
    await visible(activate.getByRole('listitem').filter({ hasText: 'Ops admins — member' }).getByText('Active', { exact: true }));
    await activate.getByRole('button', { name: 'Close' }).click();

    // The group page lists her as active, by activation.
    await page.getByRole('tab', { name: 'Active assignments' }).click();
    const active = page.getByRole('table', { name: 'Active in Ops admins' });
    const activeRow = await visible(active.getByRole('row').filter({ hasText: 'alice@contoso.test' }));
    await visible(activeRow.getByText('Activated', { exact: true }));
    await visible(activeRow.getByRole('button', { name: 'Remove alice’s Ops admins (member)' }));
    await checkPage(page, 'group-assignments-active');
    // The same in the dark theme (it follows the system's): Fluent's tokens, no colour of its own.
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkPage(page, 'group-assignments-active-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    const assignments = await t.portal.api.call(t.portal.api.admin, 'GET', `${GROUP_ASSIGNMENTS}?$filter=groupId eq '${t.groupId}'`);
    expect(json<{ value: unknown[] }>(assignments).value).toEqual([
      expect.objectContaining({ principalId: t.alice.principal.id, accessId: 'member', assignmentType: 'activated' }),
    ]);

    // The member and owner settings, in the role settings' sections.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { name: 'Activation', level: 2 }));
    await visible(page.getByRole('heading', { name: 'Assignment', level: 2 }));
    await visible(page.getByRole('heading', { name: 'Notification', level: 2 }));
    await checkPage(page, 'group-settings');
    await page.getByRole('combobox', { name: 'Settings for' }).click();
    await page.getByRole('option', { name: 'Owner access' }).click();
    await visible(page.getByText('These settings govern ownership of this group', { exact: false }));
    const activation = page.getByRole('region', { name: 'Activation' });
    await activation.getByRole('checkbox', { name: 'Require ticket information on activation' }).check();
    await activation.getByRole('button', { name: 'Save' }).click();
    await visible(activation.getByText('Saved. The next request for this group access follows these settings.'));
    const filter = encodeURIComponent(`scopeId eq '${t.groupId}' and scopeType eq 'Group' and roleDefinitionId eq 'owner'`);
    const owner = await t.portal.api.call(
      t.portal.api.admin,
      'GET',
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`,
    );
    const rules = json<{ value: { policy: { rules: { id: string; enabledRules?: string[] }[] } }[] }>(owner).value[0]!.policy.rules;
    expect(rules.find((r) => r.id === 'Enablement_EndUser_Assignment')?.enabledRules).toContain('Ticketing');

    // An administrator ends the eligibility (and with it the activation made from it).
    await page.getByRole('tab', { name: 'Assignments' }).click();
    await page.getByRole('tab', { name: 'Eligible assignments' }).click();
    await eligible.getByRole('button', { name: 'Remove alice’s Ops admins (member)' }).click();
    const remove = await visible(page.getByRole('alertdialog', { name: 'Remove assignment' }));
    await visible(remove.getByText('eligible for', { exact: false }));
    await checkPage(page, 'group-remove-assignment-dialog');
    await remove.getByRole('button', { name: 'Remove', exact: true }).click();
    await remove.waitFor({ state: 'detached' });
    await visible(page.getByRole('status').getByText('alice’s eligibility for Ops admins (member) was removed.'));
    await visible(page.getByText('Nobody is eligible for Ops admins.', { exact: false }));
    const after = await t.portal.api.call(t.portal.api.admin, 'GET', `${GROUP_ELIGIBILITIES}?$filter=groupId eq '${t.groupId}'`);
    expect(json<{ value: unknown[] }>(after).value).toEqual([]);
  }, 150_000);

  it('creates a role-assignable group from Groups, landing on its page; a name is required', async () => {
    const t = await groupTenant();
    const page = await chromium.page(t.portal.url);
    await signInDirectly(page, t.portal, t.admin, { mfa: true });
    await page.goto('/admin/groups');
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = await visible(dialogTitled(page, 'New group'));
    await dialog.getByRole('button', { name: 'Create' }).click();
    await visible(dialog.getByText('Give the group a name.'));
    await dialog.getByLabel('Name').fill('Tier 0 operators');
    await dialog.getByLabel('Description').fill('Hold Global Administrator through PIM for Groups.');
    await dialog.getByRole('checkbox', { name: 'Roles can be assigned to this group' }).check();
    await checkPage(page, 'admin-new-group');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await visible(page.getByRole('heading', { name: 'Tier 0 operators', level: 1 }));
    await visible(page.getByText('Role-assignable', { exact: true }));

    const id = new URL(page.url()).pathname.split('/').pop()!;
    const res = await t.portal.api.call(t.portal.api.admin, 'GET', `/v1.0/groups/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res)).toMatchObject({
      displayName: 'Tier 0 operators',
      description: 'Hold Global Administrator through PIM for Groups.',
      isAssignableToRole: true,
    });
  });
});
