/**
 * The Users administration page in Chromium, against a real OpenPIM server: an administrator
 * creates a user with an initial password, resets it, and the new user signs in with the new one
 * (the old is refused); disabling a user ends their open session and refuses their next sign-in;
 * a refusal (the break-glass account cannot be disabled) shows the API's own words. Each page and
 * dialog is audited with axe and photographed at desktop and phone width; the row actions menu is
 * used with the keyboard alone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, expectAccessible, PHONE, DESKTOP, useChromium } from '../support/browser.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { apiStatusFromPage, dialogTitled, signInDirectly, visible } from '../support/portal-ui.ts';
import { adminAssign, groupWith } from '../support/scenario.ts';

const USERS = '/v1.0/users';

/** Signs in on the sign-in page with a password only (the account has no second factor); resolves on the page's answer. */
async function signInWithPassword(page: Page, upn: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('User name').fill(upn);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The Users page, loaded: its heading and the list. */
async function openUsers(page: Page): Promise<void> {
  await page.goto('/admin/users');
  await visible(page.getByRole('heading', { name: 'Users', level: 1 }));
  await visible(page.getByRole('table', { name: 'Users' }));
}

/** Audits the page at phone width too (the list becomes cards there), then goes back to desktop. */
async function expectAccessibleOnPhone(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await expectAccessible(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

describe('Users administration in the browser', () => {
  const chromium = useChromium();
  let portal: Portal;
  let dana: PortalUser;
  beforeAll(async () => {
    portal = await openPortal();
    // Dana administers the directory: an active, permanent Global Administrator with an authenticator app.
    dana = await portal.user('dana@contoso.test', { totp: true });
    await adminAssign(portal.api.h, 'assignment', dana.principal, ROLE.globalAdministrator);
    await portal.user('erin@contoso.test', { totp: true });
  });
  afterAll(async () => portal?.close());

  const userIdOf = async (upn: string): Promise<string> => {
    const res = await portal.api.call(portal.api.admin, 'GET', `${USERS}/${upn}`);
    expect(res.statusCode, res.body).toBe(200);
    return (JSON.parse(res.body) as { id: string }).id;
  };

  it('creates a user with an initial password, resets it, and the user signs in with the new one', async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, dana, { mfa: true });
    await openUsers(page);
    // Under Administration, between Groups and Audit log.
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(nav.slice(nav.indexOf('Groups'), nav.indexOf('Groups') + 3)).toEqual(['Groups', 'Users', 'Audit log']);
    await visible(page.getByRole('row').filter({ hasText: 'erin@contoso.test' }));
    await checkPage(page, 'admin-users');

    // Nothing typed: the dialog says what is missing and creates nothing.
    await page.getByRole('button', { name: 'New user' }).click();
    const create = await visible(dialogTitled(page, 'New user'));
    await create.getByRole('button', { name: 'Create user' }).click();
    await visible(create.getByText('Give the person’s name.'));
    await visible(create.getByText('Give the name they sign in with.'));
    await create.getByLabel('Display name').fill('Jo Bloggs');
    await create.getByLabel('User name').fill('jo@contoso.test');
    await create.getByLabel('Initial password').fill('short');
    await create.getByRole('button', { name: 'Create user' }).click();
    await visible(create.getByText('Use at least 8 characters.'));
    await create.getByLabel('Initial password').fill('first day at contoso');
    await checkPage(page, 'admin-users-new');
    await create.getByRole('button', { name: 'Create user' }).click();
    await create.waitFor({ state: 'detached' });
    await visible(page.getByText('Jo Bloggs (jo@contoso.test) was created.'));
    const joId = await userIdOf('jo@contoso.test');

    // Found by searching, opened from the list.
    await page.getByRole('searchbox').fill('blog');
    await visible(page.getByRole('row').filter({ hasText: 'jo@contoso.test' }));
    await expect.poll(() => page.getByRole('table', { name: 'Users' }).getByRole('row').count()).toBe(2); // the header and Jo
    await page.getByRole('searchbox').fill('nobody-like-this');
    await visible(page.getByText('No user matches “nobody-like-this”.', { exact: false }));
    await checkPage(page, 'admin-users-no-match');
    await page.getByRole('searchbox').fill('jo@');
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Jo Bloggs', exact: true }).click();
    await page.waitForURL(`**/admin/users/${joId}`);
    await visible(page.getByRole('heading', { name: 'Jo Bloggs', level: 1 }));
    await visible(page.getByText('No authenticator app', { exact: true }));
    await visible(page.getByText('Jo Bloggs is not a direct member of any group.'));
    await visible(page.getByText('No role is assigned to Jo Bloggs directly.'));
    await checkPage(page, 'admin-user');

    // Reset the password: its rules are shown, a short one is refused before the server sees it.
    await page.getByRole('button', { name: 'Reset password' }).click();
    const reset = await visible(dialogTitled(page, 'Reset Jo Bloggs’s password'));
    await visible(reset.getByText('At least 8 characters', { exact: false }));
    await reset.getByLabel('New password').fill('seven77');
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await visible(reset.getByText('Use at least 8 characters.'));
    await reset.getByLabel('New password').fill('a brand new passphrase');
    await checkPage(page, 'admin-user-reset-password');
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await reset.waitFor({ state: 'detached' });
    await visible(page.getByText('Jo Bloggs’s password was reset.', { exact: false }));

    // Jo, in their own browser: the first password no longer works, the new one does.
    const jo = await chromium.page(portal.url);
    await signInWithPassword(jo, 'jo@contoso.test', 'first day at contoso');
    await visible(jo.getByText('The user principal name, password or verification code is incorrect.'));
    await signInWithPassword(jo, 'jo@contoso.test', 'a brand new passphrase');
    await jo.waitForURL('**/assignments');
    await visible(jo.getByRole('heading', { name: 'My roles', level: 1 }));
    await visible(jo.getByRole('banner').getByText('Jo Bloggs'));
  });

  it("disables a user: their open session ends and their next sign-in is refused; a refusal shows the API's words", async () => {
    // Kim has an authenticator app, is in a group and may activate a role: signed in, in her own browser.
    const kim = await portal.user('kim@contoso.test', { totp: true, eligibleFor: [ROLE.helpdeskAdministrator] });
    await groupWith(portal.api.h, 'Service desk', [kim.principal]);
    const kimPage = await chromium.page(portal.url);
    await signInDirectly(kimPage, portal, kim, { mfa: true });
    await kimPage.goto('/assignments');
    await visible(kimPage.getByRole('heading', { name: 'My roles', level: 1 }));
    expect(await apiStatusFromPage(kimPage, '/v1.0/me')).toBe(200);

    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, dana, { mfa: true });
    await page.goto(`/admin/users/${kim.principal.id}`);
    await visible(page.getByRole('heading', { name: kim.displayName, level: 1 }));
    await visible(page.getByText('Privileged account', { exact: true }));
    await visible(page.getByRole('list', { name: `Groups of ${kim.displayName}` }).getByRole('link', { name: 'Service desk' }));
    const roles = page.getByRole('table', { name: `Roles of ${kim.displayName}` });
    await visible(roles.getByRole('row').filter({ hasText: 'Helpdesk Administrator' }).getByText('Eligible'));
    await checkPage(page, 'admin-user-with-access');

    // A lost phone: the authenticator app goes, with the recovery codes.
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    const remove = await visible(page.getByRole('alertdialog', { name: `Remove ${kim.displayName}’s authenticator app?` }));
    await checkPage(page, 'admin-user-remove-totp');
    await remove.getByRole('button', { name: 'Remove app' }).click();
    await remove.waitFor({ state: 'detached' });
    await visible(page.getByText(`${kim.displayName}’s authenticator app and recovery codes were removed.`));
    await visible(page.getByText('No authenticator app', { exact: true }));
    await page.getByRole('button', { name: 'Remove authenticator app' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Disable account' }).click();
    const confirm = await visible(page.getByRole('alertdialog', { name: `Disable ${kim.displayName}?` }));
    await visible(confirm.getByText('can no longer sign in', { exact: false }));
    await checkPage(page, 'admin-user-disable');
    await confirm.getByRole('button', { name: 'Disable', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await visible(page.getByText(`${kim.displayName} was disabled and signed out everywhere.`));
    await visible(page.getByRole('button', { name: 'Enable account' }));
    await visible(page.getByText('Disabled: cannot sign in'));

    // Kim's open session is over, and signing in again is refused — saying why, once the password was right.
    expect(await apiStatusFromPage(kimPage, '/v1.0/me')).toBe(401);
    const again = await chromium.page(portal.url);
    await signInWithPassword(again, kim.upn, kim.password);
    await visible(again.getByText('This account is disabled; ask an administrator.'));
    expect(new URL(again.url()).pathname).toBe('/signin');

    // The list shows Kim disabled, under Disabled too.
    await openUsers(page);
    await page.getByRole('tab', { name: /^Disabled/ }).click();
    await visible(page.getByRole('row').filter({ hasText: kim.upn }).getByText('Disabled', { exact: true }));
    expect(new URL(page.url()).searchParams.get('status')).toBe('disabled');
    await checkPage(page, 'admin-users-disabled');
    await expectAccessibleOnPhone(page, 'admin-users-disabled');

    // With the keyboard alone: the break-glass account's actions menu, Disable — the server refuses, in its own words.
    await page.getByRole('tab', { name: /^All/ }).click();
    const actions = page.getByRole('button', { name: 'Actions for Bootstrap Administrator' });
    await actions.focus();
    await page.keyboard.press('Enter');
    await visible(page.getByRole('menuitem', { name: 'Reset password…' }));
    // Audited open; not photographed: at phone width the table gives way to cards, and the menu closes with its row.
    await expectAccessible(page, 'admin-users-actions-menu');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() =>
        page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent),
      )
      .toBe('Disable account…');
    await page.keyboard.press('Enter');
    const refused = await visible(page.getByRole('alertdialog', { name: 'Disable Bootstrap Administrator?' }));
    await refused.getByRole('button', { name: 'Disable', exact: true }).press('Enter');
    await visible(refused.getByRole('alert').getByText("'Bootstrap Administrator' is a break-glass account and cannot be disabled."));
    await checkPage(page, 'admin-users-refused');
    await refused.getByRole('button', { name: 'Cancel' }).press('Enter');
    await refused.waitFor({ state: 'detached' });
    const adminStill = await portal.api.call(portal.api.admin, 'GET', `${USERS}/${portal.api.admin.id}`);
    expect(JSON.parse(adminStill.body)).toMatchObject({ accountEnabled: true });

    // The break-glass account's page says what it is — in the dark theme too (the system's choice).
    await page.getByRole('link', { name: 'Bootstrap Administrator', exact: true }).click();
    await visible(page.getByText('Break-glass', { exact: true }));
    await visible(page.getByText('A break-glass account: it cannot be disabled', { exact: false }));
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkPage(page, 'admin-user-break-glass-dark');
  });
});
