/**
 * The Resource scopes page (/admin/scopes) in Chromium, against a real OpenPIM server: an
 * administrator starts from the empty state, is told in the API's words why a path cannot be a
 * resource scope, registers a subscription and a resource group below it through the page, walks
 * the tree with the keyboard, assigns a user Reader at the subscription, and finds that assignment
 * inherited at the resource group — marked with where it comes from — and the user among those who
 * hold access there now; a link with the scope in its address opens the same view, and the
 * assignment is removed from the page. The server's records are checked too; every state is
 * audited by axe and photographed at desktop and phone width.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, type Portal } from '../support/portal-server.ts';
import { dialogTitled, signInDirectly, visible } from '../support/portal-ui.ts';
import { adminAssign } from '../support/scenario.ts';

const ASSIGNMENT_SCHEDULES = '/v1.0/roleManagement/directory/roleAssignmentSchedules';
const SUBSCRIPTION = '/subscriptions/s1';
const RESOURCE_GROUP = '/subscriptions/s1/resourceGroups/rg-web';

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
// After the hook above, so that its own after-each hook runs first (the last registered runs first):
// a failed test's pages are photographed while the server still answers them.
const chromium = useChromium();

/** The tree item that names this scope. */
const treeItem = (page: Page, name: string) => page.getByRole('tree', { name: 'Resource scopes' }).getByRole('treeitem', { name: new RegExp(`^${name}`) });

/**
 * A list of holdings by its name: a table where the pane is wide enough, else cards (the other is
 * not displayed, so not in the accessibility tree); and its entry that mentions all of `texts`.
 */
const holdings = (page: Page, name: string) => page.getByRole('table', { name }).or(page.getByRole('list', { name }));
const entry = (list: Locator, ...texts: string[]) =>
  texts.reduce((l, text) => l.filter({ hasText: text }), list.getByRole('row').or(list.getByRole('listitem')));

/** Registers a scope through the open page's Register dialog (opened by `button`). */
async function register(page: Page, button: string, fields: { path?: string; append?: string; displayName: string }): Promise<void> {
  await page.getByRole('button', { name: button }).first().click();
  const dialog = await visible(dialogTitled(page, 'Register scope'));
  const path = dialog.getByRole('textbox', { name: 'Path' });
  if (fields.path !== undefined) await path.fill(fields.path);
  if (fields.append !== undefined) await path.pressSequentially(fields.append);
  await dialog.getByRole('textbox', { name: 'Display name' }).fill(fields.displayName);
  await dialog.getByRole('button', { name: 'Register', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('the Resource scopes page', () => {
  it('registers a subscription and a resource group, assigns Reader at the subscription, and shows it inherited at the resource group and the user holding access there', async () => {
    portal = await openPortal();
    const admin = await portal.user('dana@contoso.test', { totp: true });
    await adminAssign(portal.api.h, 'assignment', admin.principal, ROLE.globalAdministrator);
    const alice = await portal.user('alice@contoso.test');
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, admin, { mfa: true });

    // From the navigation, to the empty state: what a resource scope is and how to register one.
    await page.goto('/admin/roles');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resource scopes' }).click();
    await visible(page.getByRole('heading', { name: 'Resource scopes', level: 1 }));
    await visible(page.getByText('No resource scope is registered yet'));
    await visible(page.getByText('A resource scope is a place in your resource tree', { exact: false }));
    await checkPage(page, 'scopes-empty');

    // A directory path is refused, in the API's words; the dialog stays open to correct it.
    await page.getByRole('button', { name: 'Register scope' }).click();
    const dialog = await visible(dialogTitled(page, 'Register scope'));
    await dialog.getByRole('textbox', { name: 'Path' }).fill('/groups/ops');
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await visible(dialog.getByRole('alert').getByText("Scope id '/groups/ops' can't start with '/groups' (a directory scope)."));
    await checkPage(page, 'scopes-register-refused');
    await dialog.getByRole('textbox', { name: 'Path' }).fill(SUBSCRIPTION);
    await dialog.getByRole('textbox', { name: 'Display name' }).fill('Production subscription');
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await visible(page.getByRole('status').getByText(`Production subscription (${SUBSCRIPTION}) is registered.`));
    await visible(page.getByRole('heading', { name: 'Production subscription', level: 2 }));

    // A resource group below it, from the subscription's own "Register scope below" (the path starts as the subscription's).
    await register(page, 'Register scope below', { append: 'resourceGroups/rg-web', displayName: 'Web resource group' });
    await visible(page.getByRole('heading', { name: 'Web resource group', level: 2 }));
    expect(new URL(page.url()).searchParams.get('path')).toBe(RESOURCE_GROUP);
    const scopes = await portal.api.call(portal.api.admin, 'GET', '/openpim/scopes');
    expect(json<{ value: unknown[] }>(scopes).value).toEqual([
      expect.objectContaining({ id: SUBSCRIPTION, displayName: 'Production subscription', parentId: '/' }),
      expect.objectContaining({ id: RESOURCE_GROUP, displayName: 'Web resource group', parentId: SUBSCRIPTION }),
    ]);

    // The tree, by keyboard: ArrowLeft closes the subscription, ArrowRight opens it, ArrowDown moves to the group, Enter selects.
    const subscription = await visible(treeItem(page, 'Production subscription'));
    await visible(treeItem(page, 'Web resource group'));
    expect(await treeItem(page, 'Web resource group').getAttribute('aria-selected')).toBe('true');
    await subscription.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => subscription.getAttribute('aria-expanded')).toBe('false');
    await treeItem(page, 'Web resource group').waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowRight');
    await visible(treeItem(page, 'Web resource group'));
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Production subscription', level: 2 }));
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent))
      .toMatch(/^Web resource group/);
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Web resource group', level: 2 }));
    await visible(page.getByText('Nothing eligible is inherited from above.'));

    // The search filters the tree and opens the way to what matches.
    await page.getByRole('searchbox', { name: 'Search scopes' }).fill('rg-web');
    await visible(page.getByRole('status').getByText('1 scope matches.'));
    await visible(treeItem(page, 'Web resource group'));
    await page.getByRole('searchbox', { name: 'Search scopes' }).fill('');

    // Reader for alice at the subscription, active and permanent, through the page.
    await treeItem(page, 'Production subscription').click();
    await visible(page.getByRole('heading', { name: 'Production subscription', level: 2 }));
    await page.getByRole('tab', { name: 'Active assignments' }).click();
    await visible(page.getByText('Nobody holds a role assigned at this scope.', { exact: false }));
    await page.getByRole('button', { name: 'Add assignment' }).click();
    const assign = await visible(dialogTitled(page, 'Add assignment: Production subscription'));
    expect(await assign.getByRole('radio', { name: 'Active (holds it now)' }).isChecked()).toBe(true);
    await assign.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Reader', exact: true }).click();
    const member = assign.getByRole('combobox', { name: 'Member' });
    await member.pressSequentially('ali');
    await visible(page.getByRole('option', { name: /^alice/ }));
    await member.press('ArrowDown');
    await member.press('Enter');
    await expect.poll(() => member.inputValue()).toBe('alice');
    await visible(assign.getByText('Scope: Production subscription', { exact: false }));
    await assign.getByLabel('Justification').fill('Read access for the web team');
    await checkPage(page, 'scopes-assign-dialog');
    await assign.getByRole('button', { name: 'Assign' }).click();
    await assign.waitFor({ state: 'detached' });
    await visible(page.getByRole('status').getByText('alice is now assigned Reader at Production subscription.'));
    const here = holdings(page, 'Active assignments at Production subscription');
    const row = await visible(entry(here, 'alice@contoso.test', 'Reader', 'Permanent'));
    await visible(row.getByRole('button', { name: 'Remove alice’s Reader' }));
    await checkPage(page, 'scopes-subscription-active');
    const schedules = await portal.api.call(portal.api.admin, 'GET', `${ASSIGNMENT_SCHEDULES}?$filter=directoryScopeId eq '${SUBSCRIPTION}'`);
    expect(json<{ value: unknown[] }>(schedules).value).toEqual([
      expect.objectContaining({ principalId: alice.principal.id, roleDefinitionId: ROLE.reader, directoryScopeId: SUBSCRIPTION, memberType: 'Direct' }),
    ]);

    // At the resource group: inherited from the subscription, and alice holds access there now.
    await treeItem(page, 'Web resource group').click();
    await visible(page.getByRole('heading', { name: 'Web resource group', level: 2 }));
    await visible(page.getByText('Nobody holds a role assigned at this scope.', { exact: false }));
    const inherited = holdings(page, 'Active assignments inherited at Web resource group');
    const inheritedRow = await visible(entry(inherited, 'alice@contoso.test', 'Reader'));
    await visible(inheritedRow.getByRole('link', { name: `Production subscription (${SUBSCRIPTION})` }));
    expect(await inheritedRow.getByRole('button').count(), 'an inherited assignment is changed where it was made').toBe(0);
    await checkPage(page, 'scopes-resource-group-inherited');
    await page.getByRole('tab', { name: 'Access now' }).click();
    const holders = holdings(page, 'Who holds access at Web resource group now');
    const holder = await visible(entry(holders, 'alice@contoso.test', 'Reader', 'Inherited'));
    await visible(holder.getByRole('link', { name: `Production subscription (${SUBSCRIPTION})` }));
    await checkPage(page, 'scopes-resource-group-access');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkPage(page, 'scopes-resource-group-access-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The address keeps the selection and the tab: a reload (or a link) opens the same view.
    expect(new URL(page.url()).search).toBe(`?path=${RESOURCE_GROUP}&view=access`);
    await page.reload();
    await visible(page.getByRole('heading', { name: 'Web resource group', level: 2 }));
    await visible(entry(holdings(page, 'Who holds access at Web resource group now'), 'alice@contoso.test'));
    expect(await treeItem(page, 'Web resource group').getAttribute('aria-selected')).toBe('true');

    // Removed where it was made (the inherited row links there), with the change dialog — once the
    // API's minimum of five minutes since the assignment started has passed.
    portal.clock.advance('PT6M');
    await page.getByRole('tab', { name: 'Active assignments' }).click();
    await entry(holdings(page, 'Active assignments inherited at Web resource group'), 'alice@contoso.test')
      .getByRole('link', { name: `Production subscription (${SUBSCRIPTION})` })
      .click();
    await visible(page.getByRole('heading', { name: 'Production subscription', level: 2 }));
    await holdings(page, 'Active assignments at Production subscription').getByRole('button', { name: 'Remove alice’s Reader' }).click();
    const remove = await visible(page.getByRole('alertdialog', { name: 'Remove assignment' }));
    await visible(remove.getByText('at Production subscription', { exact: false }));
    await remove.getByRole('button', { name: 'Remove', exact: true }).click();
    await remove.waitFor({ state: 'detached' });
    await visible(page.getByRole('status').getByText('alice’s assignment of Reader was removed.'));
    await visible(page.getByText('Nobody holds a role assigned at this scope.', { exact: false }));
    const after = await portal.api.call(portal.api.admin, 'GET', `${ASSIGNMENT_SCHEDULES}?$filter=directoryScopeId eq '${SUBSCRIPTION}'`);
    expect(json<{ value: unknown[] }>(after).value).toEqual([]);
  }, 240_000);

  it("quotes, at a resource group, the role settings of the nearest scope above that has its own (here the subscription's)", async () => {
    portal = await openPortal();
    const admin = await portal.user('dana@contoso.test', { totp: true });
    await adminAssign(portal.api.h, 'assignment', admin.principal, ROLE.globalAdministrator);
    for (const [id, displayName] of [
      [SUBSCRIPTION, 'Production subscription'],
      [RESOURCE_GROUP, 'Web resource group'],
    ]) {
      const res = await portal.api.call(portal.api.admin, 'POST', '/openpim/scopes', { id, displayName });
      expect(res.statusCode, res.body).toBe(201);
    }
    // Reader's own settings at the subscription: active assignments end within 30 days and need MFA.
    const policy = await portal.api.call(portal.api.admin, 'POST', '/openpim/policies', { roleDefinitionId: ROLE.reader, scopeId: SUBSCRIPTION });
    expect(policy.statusCode, policy.body).toBe(201);
    const rules = `/v1.0/policies/roleManagementPolicies/${json<{ id: string }>(policy).id}/rules`;
    for (const [ruleId, body] of [
      ['Expiration_Admin_Assignment', { isExpirationRequired: true, maximumDuration: 'P30D' }],
      ['Enablement_Admin_Assignment', { enabledRules: ['Justification', 'MultiFactorAuthentication'] }],
    ] as const) {
      const res = await portal.api.call(portal.api.admin, 'PATCH', `${rules}/${ruleId}`, body);
      expect(res.statusCode, res.body).toBe(204);
    }
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, admin, { mfa: true });
    await page.goto(`/admin/scopes?path=${encodeURIComponent(RESOURCE_GROUP)}`);
    await visible(page.getByRole('heading', { name: 'Web resource group', level: 2 }));
    await page.getByRole('tab', { name: 'Active assignments' }).click();
    await page.getByRole('button', { name: 'Add assignment' }).click();
    const assign = await visible(dialogTitled(page, 'Add assignment: Web resource group'));
    await assign.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Reader', exact: true }).click();
    await visible(assign.getByText('Role settings: at most 30 days; needs a justification and a recent MFA sign-in.'));
  }, 120_000);

  it('keeps a large tree collapsed, shows a hundred children at a time, and opens the way to what a search or a link names', async () => {
    portal = await openPortal();
    const admin = await portal.user('dana@contoso.test', { totp: true });
    await adminAssign(portal.api.h, 'assignment', admin.principal, ROLE.globalAdministrator);
    // 120 subscriptions; the first has 250 resource groups: 370 scopes (through the API, not the page).
    const pad = (n: number) => String(n).padStart(3, '0');
    for (let s = 1; s <= 120; s++) {
      const res = await portal.api.call(portal.api.admin, 'POST', '/openpim/scopes', {
        id: `/subscriptions/s${pad(s)}`,
        displayName: `Subscription ${pad(s)}`,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    for (let g = 1; g <= 250; g++) {
      const res = await portal.api.call(portal.api.admin, 'POST', '/openpim/scopes', {
        id: `/subscriptions/s001/resourceGroups/rg-${pad(g)}`,
        displayName: `rg-${pad(g)}`,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, admin, { mfa: true });
    await page.goto('/admin/scopes');
    const tree = page.getByRole('tree', { name: 'Resource scopes' });
    await visible(treeItem(page, 'Subscription 001'));
    await visible(page.getByText('370 scopes are registered. Choose one in the tree to see its details.'));
    // Collapsed, and a hundred at a time: 100 subscriptions and "Show more".
    expect(await tree.getByRole('treeitem').count()).toBe(101);
    const more = tree.getByRole('treeitem', { name: 'Show 20 more of 20…' });
    await visible(more);

    // The keyboard opens the first subscription: its first hundred groups, then "Show more"; Enter on it adds the next hundred and stays there.
    const first = treeItem(page, 'Subscription 001');
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await visible(treeItem(page, 'rg-100'));
    expect(await tree.getByRole('treeitem').count()).toBe(101 + 101);
    await checkPage(page, 'scopes-large-tree');
    await tree.getByRole('treeitem', { name: 'Show 100 more of 150…' }).click();
    await visible(treeItem(page, 'rg-200'));
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent))
      .toBe('rg-101');
    await visible(tree.getByRole('treeitem', { name: 'Show 50 more of 50…' }));
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await treeItem(page, 'rg-001').waitFor({ state: 'detached' });

    // A search shows only the way to its matches, opened, however deep in a long list they are.
    await page.getByRole('searchbox', { name: 'Search scopes' }).fill('rg-249');
    await visible(page.getByRole('status').getByText('1 scope matches.'));
    await visible(treeItem(page, 'rg-249'));
    expect(await tree.getByRole('treeitem').count()).toBe(2);
    await treeItem(page, 'rg-249').click();
    await visible(page.getByRole('heading', { name: 'rg-249', level: 2 }));

    // A link to a scope beyond the first hundred of its siblings opens the tree to it, selected.
    await page.goto(`/admin/scopes?path=/subscriptions/s001/resourceGroups/rg-250`);
    await visible(page.getByRole('heading', { name: 'rg-250', level: 2 }));
    expect(await treeItem(page, 'rg-250').getAttribute('aria-selected')).toBe('true');
    // A link to a path nobody registered says so, in the API's words.
    await page.goto('/admin/scopes?path=/subscriptions/nope');
    await visible(page.getByRole('alert').getByText('No scope to show at /subscriptions/nope'));
  }, 240_000);
});
