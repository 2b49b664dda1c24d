/**
 * Signing in and out of the portal in Chromium, against a real OpenPIM server: the password and a
 * code from the authenticator app start a session with MFA; signing out ends it on the server (the
 * old cookie is refused with 401, not just forgotten by the browser); a portal address opened while
 * signed out leads through sign-in and back to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { apiStatusFromPage, roleRow, SESSION_COOKIE, sessionCookie, signIn, visible } from '../support/portal-ui.ts';

describe('sign-in and sign-out in the browser', () => {
  const chromium = useChromium();
  let portal: Portal;
  let alice: PortalUser;
  beforeAll(async () => {
    portal = await openPortal();
    alice = await portal.user('alice@contoso.test', { totp: true, eligibleFor: [ROLE.userAdministrator] });
  });
  afterAll(async () => portal?.close());

  /** Status of GET /v1.0/me sent with this cookie value, from outside the browser. */
  const meWithCookie = async (value: string) => (await fetch(`${portal.url}/v1.0/me`, { headers: { cookie: `${SESSION_COOKIE}=${value}` } })).status;

  it('signs in with the password and an authenticator code, then signs out: the old cookie answers 401', async () => {
    const page = await chromium.page(portal.url);
    await page.goto('/signin');
    await visible(page.getByLabel('User name'));
    await checkPage(page, 'sign-in');

    await page.getByLabel('User name').fill(alice.upn);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await visible(page.getByText('The user principal name, password or verification code is incorrect.'));
    expect(await sessionCookie(page)).toBeUndefined();

    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await visible(page.getByLabel('Code from your authenticator app (or a recovery code)'));
    await checkPage(page, 'sign-in-second-factor');
    await page.getByLabel('Code from your authenticator app (or a recovery code)').fill(portal.nextTotp(alice));
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.waitForURL('**/assignments');
    await visible(page.getByRole('heading', { name: 'My roles', level: 1 }));
    await visible(roleRow(page, 'Eligible roles', 'User Administrator'));
    await visible(page.getByRole('banner').getByText('alice'));
    const session = await page.evaluate(async () => (await fetch('/openpim/auth/session')).json() as Promise<{ amr: string[] }>);
    expect(session.amr).toEqual(expect.arrayContaining(['pwd', 'mfa', 'otp']));
    const cookie = await sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(await meWithCookie(cookie!.value)).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    await visible(page.getByRole('button', { name: 'Sign in', exact: true }));
    expect(await sessionCookie(page)).toBeUndefined();
    expect(await meWithCookie(cookie!.value)).toBe(401);
    expect(await apiStatusFromPage(page, '/v1.0/me')).toBe(401);
  });

  it('sends a signed-out visitor of a portal address to sign-in and back to that address afterwards', async () => {
    const page = await chromium.page(portal.url);
    await page.goto('/assignments?view=active');
    await page.waitForURL((url) => url.pathname === '/signin');
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/assignments?view=active');

    await signIn(page, alice, 'not now');
    await page.waitForURL((url) => url.pathname === '/assignments' && url.searchParams.get('view') === 'active');
    await visible(page.getByRole('tab', { name: /^Active/, selected: true }));
    await visible(page.getByText('Nothing is active.', { exact: false }));
    await checkPage(page, 'my-roles-active-empty');
  });

  it('sends a session that ends while the page is open to sign-in, saying so, and back afterwards', async () => {
    const page = await chromium.page(portal.url);
    await signIn(page, alice, 'not now');
    await visible(roleRow(page, 'Eligible roles', 'User Administrator'));
    // The session ends on the server (the administrator revokes it); the page learns it at its next
    // call — opening the activation dialog, which reads the role's current settings first.
    const revoked = await portal.api.call(portal.api.admin, 'POST', `/v1.0/users/${alice.principal.id}/revokeSignInSessions`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    await roleRow(page, 'Eligible roles', 'User Administrator').getByRole('button', { name: 'Activate' }).click();
    await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('expired') === '1');
    await visible(page.getByText('Your session ended. Sign in again to continue.'));
    await checkPage(page, 'sign-in-expired');
    await signIn(page, alice, 'not now');
    expect(new URL(page.url()).pathname).toBe('/assignments');
    await visible(roleRow(page, 'Eligible roles', 'User Administrator'));
    // Nothing was activated by the refused request.
    const active = await portal.api.call(
      portal.api.admin,
      'GET',
      `/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${alice.principal.id}'`,
    );
    expect(JSON.parse(active.body).value).toEqual([]);
  });
});
