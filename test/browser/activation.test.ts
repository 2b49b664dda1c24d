/**
 * Activating roles from My roles in Chromium, against a real OpenPIM server: a role whose policy
 * asks for MFA, a justification and a ticket — the dialog will not submit without them, the
 * session has no MFA so the step-up dialog asks for a code (a wrong one is refused in place), and
 * the retried request activates the role, shown as Active with a live countdown; and three roles
 * activated in one go. The server's records are checked too: what the page shows is what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/domain/identity/totp.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { dialogTitled, fillActivation, openMyRoles, roleRow, signIn, signInDirectly, stepUpDialog, visible } from '../support/portal-ui.ts';

const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';

interface StoredRequest {
  readonly status: string;
  readonly action: string;
  readonly roleDefinitionId: string;
  readonly justification: string | null;
  readonly ticketInfo: { readonly ticketNumber: string | null; readonly ticketSystem: string | null };
  readonly scheduleInfo: { readonly expiration: { readonly duration: string | null } };
}

/** The user's self-activation requests as the API (an administrator) sees them. */
async function activationsOf(portal: Portal, user: PortalUser): Promise<StoredRequest[]> {
  const res = await portal.api.call(portal.api.admin, 'GET', `${REQUESTS}?$filter=principalId eq '${user.principal.id}'`);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ value: StoredRequest[] }>(res).value.filter((r) => r.action === 'selfActivate');
}

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
// After the hook above, so that its own after-each hook runs first (the last registered runs first):
// a failed test's pages are photographed while the server still answers them.
const chromium = useChromium();

describe.each(TEST_DATABASES)('activation with step-up on $name', (database) => {
  // The pages are the same on every database: audited and photographed once.
  const check = (page: Parameters<typeof checkPage>[0], name: string) => (database.name === 'sqlite' ? checkPage(page, name) : Promise.resolve());

  it('asks for MFA, a justification and a ticket; the step-up dialog takes a code; the role is Active with a countdown', async () => {
    portal = await openPortal({ database });
    const alice = await portal.user('alice@contoso.test', { totp: true, eligibleFor: [ROLE.userAdministrator] });
    await portal.setRule(ROLE.userAdministrator, 'Enablement_EndUser_Assignment', {
      enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
    });
    await portal.setRule(ROLE.userAdministrator, 'Expiration_EndUser_Assignment', { maximumDuration: 'PT45M' });

    const page = await chromium.page(portal.url);
    await signIn(page, alice, 'not now');
    const row = await visible(roleRow(page, 'Eligible roles', 'User Administrator'));
    for (const need of ['MFA', 'Justification', 'Ticket']) await visible(row.getByText(need, { exact: true }));

    await row.getByRole('button', { name: 'Activate' }).click();
    const dialog = await visible(dialogTitled(page, 'Activate User Administrator'));
    await visible(dialog.getByText('up to 45 minutes'));
    const submit = dialog.getByRole('button', { name: 'Activate' });
    await check(page, 'activate-dialog');
    expect(await submit.isDisabled()).toBe(true);
    await fillActivation(dialog, { justification: 'Incident 4711: reset the help desk lead' });
    expect(await submit.isDisabled(), 'a ticket is still required').toBe(true);
    await fillActivation(dialog, { ticketNumber: 'INC-4711', ticketSystem: 'ServiceNow' });
    expect(await submit.isDisabled()).toBe(false);
    await submit.click();

    // The session has no MFA: the policy's challenge opens the step-up dialog over the activation.
    const stepUp = await visible(stepUpDialog(page));
    await visible(stepUp.getByText('This needs a recent multi-factor sign-in.', { exact: false }));
    await check(page, 'step-up-dialog');
    // Alice has an authenticator app and no security key: the dialog offers only what she has.
    await expect.poll(() => stepUp.getByRole('button', { name: 'Use a security key or passkey' }).count(), { timeout: 5_000 }).toBe(0);
    expect(await activationsOf(portal, alice)).toEqual([]);

    const now = portal.clock.now();
    const wrong = ['000000', '111111', '222222'].find((c) => ![-30_000, 0, 30_000].some((d) => totpAt(alice.totpKey!, now + d) === c))!;
    await stepUp.getByLabel('Code from your authenticator app (or a recovery code)').fill(wrong);
    await stepUp.getByRole('button', { name: 'Verify' }).click();
    await visible(stepUp.getByText('The verification code is incorrect.'));
    await stepUp.getByLabel('Code from your authenticator app (or a recovery code)').fill(portal.nextTotp(alice));
    await stepUp.getByRole('button', { name: 'Verify' }).click();
    await stepUp.waitFor({ state: 'detached' });

    // The activation was retried by itself and succeeded; focus is back in the activation dialog,
    // which screen readers (and role queries) can read again.
    await visible(dialog.getByRole('listitem').filter({ hasText: 'User Administrator' }).getByText('Active', { exact: true }));
    expect(await page.evaluate('document.activeElement?.closest(\'[role="dialog"]\')?.textContent ?? null')).toContain('Activate User Administrator');
    const [stored] = await activationsOf(portal, alice);
    expect(stored).toMatchObject({
      status: 'Provisioned',
      roleDefinitionId: ROLE.userAdministrator,
      justification: 'Incident 4711: reset the help desk lead',
      ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'ServiceNow' },
      scheduleInfo: { expiration: { duration: 'PT45M' } },
    });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    await visible(row.getByText('Active', { exact: true }));
    expect(await row.getByRole('button', { name: 'Activate' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Active (1)' }).click();
    const active = await visible(roleRow(page, 'Active roles', 'User Administrator'));
    await visible(active.getByText('Activated', { exact: true }));
    const countdown = active.getByText(/^\d{1,2} min \d\d s$/);
    const first = await (await visible(countdown)).textContent();
    expect(first).toMatch(/^4[345] min \d\d s$/);
    // It counts down by itself (once a second).
    const seconds = (text: string | null) => {
      const [, m, s] = /^(\d+) min (\d+) s$/.exec(text ?? '')!;
      return Number(m) * 60 + Number(s);
    };
    const later = await countdown.filter({ hasNotText: first! }).textContent({ timeout: 5_000 });
    expect(seconds(later)).toBeLessThan(seconds(first));
    await check(page, 'my-roles-active');

    // The session itself now carries the MFA: a second activation would not ask again.
    const session = await page.evaluate(async () => (await fetch('/openpim/auth/session')).json() as Promise<{ amr: string[] }>);
    expect(session.amr).toEqual(expect.arrayContaining(['mfa', 'otp']));
  });
});

describe('activating several roles at once', () => {
  it('activates three selected roles with one justification; each shows as Active', async () => {
    portal = await openPortal();
    const roles = [
      [ROLE.userAdministrator, 'User Administrator'],
      [ROLE.helpdeskAdministrator, 'Helpdesk Administrator'],
      [ROLE.groupsAdministrator, 'Groups Administrator'],
      [ROLE.securityReader, 'Security Reader'],
    ] as const;
    const alice = await portal.user('alice@contoso.test', { totp: true, eligibleFor: roles.map(([id]) => id) });

    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: true });
    await openMyRoles(page);
    const chosen = roles.slice(0, 3);
    for (const [, name] of chosen) await (await visible(page.getByRole('checkbox', { name: `Select ${name}` }))).check();
    await page.getByRole('button', { name: 'Activate selected (3)' }).click();

    const dialog = await visible(dialogTitled(page, 'Activate 3 roles'));
    for (const [, name] of chosen) await visible(dialog.getByRole('listitem').filter({ hasText: name }));
    expect(await dialog.getByRole('listitem').filter({ hasText: roles[3][1] }).count()).toBe(0);
    await checkPage(page, 'activate-three-dialog');
    await fillActivation(dialog, { justification: 'Quarterly access review clean-up' });
    await dialog.getByRole('button', { name: 'Activate' }).click();
    for (const [, name] of chosen) await visible(dialog.getByRole('listitem').filter({ hasText: name }).getByText('Active', { exact: true }));
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    for (const [, name] of chosen) await visible(roleRow(page, 'Eligible roles', name).getByText('Active', { exact: true }));
    await visible(roleRow(page, 'Eligible roles', roles[3][1]).getByRole('button', { name: 'Activate' }));
    await visible(page.getByRole('tab', { name: 'Active (3)' }));
    await checkPage(page, 'my-roles');

    const stored = await activationsOf(portal, alice);
    expect(stored.map((r) => r.roleDefinitionId).sort()).toEqual(chosen.map(([id]) => id).sort());
    expect(stored.every((r) => r.status === 'Provisioned' && r.justification === 'Quarterly access review clean-up')).toBe(true);
  });
});
