/**
 * Role settings in Chromium, against a real OpenPIM server: an administrator opens a role's
 * settings in the portal, asks for ticket information, shortens the longest activation to an hour
 * and a half and requires approval by a named approver; the settings survive a reload and the API
 * reads them back. The requester — whose My roles was already open in another browser — is held to
 * them at once: the activation dialog asks for the ticket, the duration stops at 1 h 30 min, and
 * the request waits for that approver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openPortal, policyRulesOf, requestsOf, type Portal } from '../support/portal-server.ts';
import { dialogTitled, fillActivation, openMyRoles, pickOption, roleRow, signInDirectly, visible } from '../support/portal-ui.ts';
import { inboxOf } from '../support/scenario.ts';

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
// After the hook above, so that its own after-each hook runs first: a failed test's pages are
// photographed while the server still answers them.
const chromium = useChromium();

const ROLE_NAME = 'Helpdesk Administrator';

describe.each(TEST_DATABASES)('role settings on $name', (database) => {
  // The pages are the same on every database: audited and photographed once.
  const check = (page: Parameters<typeof checkPage>[0], name: string) => (database.name === 'sqlite' ? checkPage(page, name) : Promise.resolve());

  it("an administrator requires a ticket, 1.5 hours at most and carol's approval; the requester's next activation obeys, without a reload", async () => {
    portal = await openPortal({ database });
    const alice = await portal.user('alice@contoso.test', { totp: true, eligibleFor: [ROLE.helpdeskAdministrator] });
    const carol = await portal.user('carol@contoso.test', { totp: true });
    const dave = await portal.user('dave@contoso.test', { totp: true, activeIn: [ROLE.privilegedRoleAdministrator] });

    // Alice has My roles open before anything changes: the role asks for MFA and a justification only.
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: true });
    await openMyRoles(page);
    const row = await visible(roleRow(page, 'Eligible roles', ROLE_NAME));
    await visible(row.getByText('Justification', { exact: true }));
    expect(await row.getByText('Ticket', { exact: true }).count()).toBe(0);
    expect(await row.getByText('Approval', { exact: true }).count()).toBe(0);

    // Dave, in his own browser, opens the role's settings from Roles.
    const admin = await chromium.page(portal.url);
    await signInDirectly(admin, portal, dave, { mfa: true });
    await admin.goto(`/admin/roles/${ROLE.helpdeskAdministrator}/settings`);
    await visible(admin.getByRole('heading', { name: `Role settings: ${ROLE_NAME}`, level: 1 }));
    const activation = await visible(admin.getByRole('region', { name: 'Activation' }));
    const hours = activation.getByLabel('Activation maximum duration (hours)');
    expect(await hours.inputValue()).toBe('8');
    const save = activation.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled(), 'nothing changed yet').toBe(true);

    await hours.fill('30');
    await visible(activation.getByText('Give a number of hours from 0.5 to 24.'));
    expect(await save.isDisabled(), 'an out-of-range duration cannot be saved').toBe(true);
    await hours.fill('1.5');
    await activation.getByRole('checkbox', { name: 'Require ticket information on activation' }).check();
    await activation.getByRole('checkbox', { name: 'Require approval to activate' }).check();
    await visible(activation.getByText('None named:', { exact: false }));
    await pickOption(admin, activation.getByRole('combobox', { name: 'Add an approver' }), 'carol');
    await activation.getByRole('button', { name: 'Add approver' }).click();
    await visible(activation.getByRole('list', { name: 'Approvers' }).getByRole('listitem').filter({ hasText: 'carol' }));
    await check(admin, 'role-settings');
    await save.click();
    await visible(activation.getByText('Saved. The next request for this role follows these settings.'));

    // The API reads back what the page saved.
    const rules = await policyRulesOf(portal, ROLE.helpdeskAdministrator);
    expect(rules.Expiration_EndUser_Assignment).toMatchObject({ maximumDuration: 'PT1H30M' });
    expect(rules.Enablement_EndUser_Assignment!.enabledRules).toEqual(expect.arrayContaining(['MultiFactorAuthentication', 'Justification', 'Ticketing']));
    expect(rules.Approval_EndUser_Assignment).toMatchObject({
      setting: {
        isApprovalRequired: true,
        approvalStages: [expect.objectContaining({ primaryApprovers: [expect.objectContaining({ userId: carol.principal.id })] })],
      },
    });
    // And the page shows it again after a reload.
    await admin.reload();
    const reloaded = await visible(admin.getByRole('region', { name: 'Activation' }));
    await visible(reloaded.getByRole('list', { name: 'Approvers' }).getByRole('listitem').filter({ hasText: 'carol' }));
    expect(await reloaded.getByLabel('Activation maximum duration (hours)').inputValue()).toBe('1.5');
    expect(await reloaded.getByRole('checkbox', { name: 'Require ticket information on activation' }).isChecked()).toBe(true);

    // Alice's page, never reloaded, activates under the new settings.
    await row.getByRole('button', { name: 'Activate' }).click();
    const dialog = await visible(dialogTitled(page, `Activate ${ROLE_NAME}`));
    await visible(dialog.getByText('up to 1 hour 30 minutes'));
    await visible(dialog.getByText('needs approval'));
    const slider = dialog.getByRole('slider');
    expect(await slider.getAttribute('max')).toBe('90');
    await slider.focus();
    await slider.press('End');
    await visible(dialog.getByText('Duration: 1 hour 30 minutes'));
    const submit = dialog.getByRole('button', { name: 'Activate' });
    await fillActivation(dialog, { justification: 'Reset the service desk lead' });
    expect(await submit.isDisabled(), 'the ticket is now required').toBe(true);
    await fillActivation(dialog, { ticketNumber: 'CHG-2048', ticketSystem: 'ServiceNow' });
    await submit.click();
    await visible(dialog.getByText('Waiting for approval', { exact: true }));
    await dialog.getByRole('button', { name: 'Close' }).click();
    await visible(page.getByText(`${ROLE_NAME}: waiting for approval — this page updates when an approver decides.`));
    for (const need of ['Ticket', 'Approval']) await visible(row.getByText(need, { exact: true }));

    const [request] = await requestsOf(portal, alice);
    expect(request).toMatchObject({
      status: 'PendingApproval',
      roleDefinitionId: ROLE.helpdeskAdministrator,
      justification: 'Reset the service desk lead',
      ticketInfo: { ticketNumber: 'CHG-2048', ticketSystem: 'ServiceNow' },
      scheduleInfo: { expiration: { duration: 'PT1H30M' } },
    });
    expect(await inboxOf(portal.api.h, carol.principal)).toEqual([request!.id]);
  });
});
