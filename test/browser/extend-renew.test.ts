/**
 * Extending and renewing from My roles in Chromium: an eligibility in its last 14 days offers
 * Extend; one that ran out shows under Expired with Renew. Each asks with a reason, waits for an
 * administrator, and the page follows the decision without a reload: the renewed role is eligible
 * again and leaves the Expired tab. An administrator sees what ran out under a role's Expired tab and
 * renews it there. The server's records are checked too. (The expired collections
 * are tested on both databases in test/http/expired-schedules.test.ts; the page is the same.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, type Portal, type PortalUser } from '../support/portal-server.ts';
import { decide } from '../support/scenario.ts';
import { dialogTitled, openMyRoles, roleRow, signInDirectly, visible } from '../support/portal-ui.ts';

const ELIGIBILITY_REQUESTS = '/v1.0/roleManagement/directory/roleEligibilityScheduleRequests';
const DAY = 86_400_000;

interface EligibilityRequest {
  readonly id: string;
  readonly action: string;
  readonly status: string;
  readonly roleDefinitionId: string;
  readonly justification: string | null;
  readonly approvalId: string | null;
  readonly scheduleInfo: { readonly expiration: { readonly type: string; readonly endDateTime: string | null } };
}

async function eligibilityRequestsOf(portal: Portal, user: PortalUser): Promise<EligibilityRequest[]> {
  const res = await portal.api.call(portal.api.admin, 'GET', `${ELIGIBILITY_REQUESTS}?$filter=principalId eq '${user.principal.id}'`);
  expect(res.statusCode, res.body).toBe(200);
  return json<{ value: EligibilityRequest[] }>(res).value;
}

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});
const chromium = useChromium();

describe('extend and renew from My roles', () => {
  it('offers Extend in the last 14 days and Renew after the end; both wait for an administrator, and a renewal brings the role back', async () => {
    portal = await openPortal();
    const alice = await portal.user('alice@contoso.test');
    const eligible = (roleDefinitionId: string, days: number) =>
      portal!.api.h.submit(portal!.api.h.admin, {
        kind: 'eligibility',
        action: 'adminAssign',
        principalId: alice.principal.id,
        roleDefinitionId,
        scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: `P${days}D` } },
      });
    await eligible(ROLE.userAdministrator, 10);
    await eligible(ROLE.helpdeskAdministrator, 5);
    await eligible(ROLE.securityReader, 60);
    portal.clock.advance(6 * DAY);

    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: false });
    await openMyRoles(page);
    // The server's clock runs 6 days ahead of the browser's: the session's countdown follows the server's.
    await visible(page.getByText(/^Session: (29|30) min \d+ s idle left$/));

    // Day 6: User Administrator ends in 4 days (Extend); Security Reader in 54 (no Extend); Helpdesk ran out.
    const userAdmin = await visible(roleRow(page, 'Eligible roles', 'User Administrator'));
    expect(
      await roleRow(page, 'Eligible roles', 'Security Reader')
        .getByRole('button', { name: /^Extend/ })
        .count(),
    ).toBe(0);
    expect(await roleRow(page, 'Eligible roles', 'Helpdesk Administrator').count()).toBe(0);

    await userAdmin.getByRole('button', { name: 'Extend eligibility for User Administrator' }).click();
    const extend = await visible(dialogTitled(page, 'Extend User Administrator'));
    const ask = extend.getByRole('button', { name: 'Ask to extend' });
    expect(await ask.isDisabled(), 'a justification is required').toBe(true);
    await extend.getByLabel('Justification').fill('Still covering the help desk this quarter');
    await extend.getByRole('radio', { name: 'A date I choose' }).check();
    await checkPage(page, 'extend-dialog');
    await ask.click();
    await visible(extend.getByRole('status').getByText('Waiting for approval', { exact: true }));
    await extend.getByRole('button', { name: 'Close' }).click();
    await visible(page.getByText('(extension): waiting for approval', { exact: false }));

    const [extension] = (await eligibilityRequestsOf(portal, alice)).filter((r) => r.action === 'selfExtend');
    expect(extension).toMatchObject({
      status: 'PendingApproval',
      roleDefinitionId: ROLE.userAdministrator,
      justification: 'Still covering the help desk this quarter',
    });
    expect(extension!.scheduleInfo.expiration.type).toBe('afterDateTime');
    expect(Date.parse(extension!.scheduleInfo.expiration.endDateTime!)).toBeGreaterThan(portal.clock.now() + 4 * DAY);

    // The Expired tab: Helpdesk Administrator, renewable.
    await page.getByRole('tab', { name: /^Expired/ }).click();
    expect(new URL(page.url()).searchParams.get('view')).toBe('expired');
    const expired = page.getByRole('table', { name: 'Expired roles' });
    const helpdesk = await visible(expired.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Helpdesk Administrator', exact: true }) }));
    expect(await expired.getByRole('row').count(), 'the header and one row').toBe(2);
    await checkPage(page, 'my-roles-expired');
    await helpdesk.getByRole('button', { name: 'Renew Helpdesk Administrator' }).click();
    const renew = await visible(dialogTitled(page, 'Renew Helpdesk Administrator'));
    await renew.getByLabel('Justification').fill('Back on the rota');
    await renew.getByRole('button', { name: 'Ask to renew' }).click();
    await visible(renew.getByRole('status').getByText('Waiting for approval', { exact: true }));
    await renew.getByRole('button', { name: 'Close' }).click();

    const renewal = (await eligibilityRequestsOf(portal, alice)).find((r) => r.action === 'selfRenew');
    expect(renewal).toMatchObject({ status: 'PendingApproval', roleDefinitionId: ROLE.helpdeskAdministrator, justification: 'Back on the rota' });

    // The administrator approves; without a reload the role leaves Expired and is eligible again.
    const approved = await decide(portal.api.h, portal.api.admin, renewal!, 'Approve');
    expect(approved.status).toBe('Provisioned');
    await visible(page.getByText('Nothing of yours ran out in the last 30 days', { exact: false }));
    await page.getByRole('tab', { name: /^Eligible/ }).click();
    await visible(roleRow(page, 'Eligible roles', 'Helpdesk Administrator'));
  });

  it("shows an administrator what ran out under a role's Expired tab, and renews it from there", async () => {
    portal = await openPortal();
    const alice = await portal.user('alice@contoso.test');
    const dana = await portal.user('dana@contoso.test', { totp: true, activeIn: [ROLE.privilegedRoleAdministrator] });
    await portal.api.h.submit(portal.api.h.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: alice.principal.id,
      roleDefinitionId: ROLE.helpdeskAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'P5D' } },
    });
    portal.clock.advance(6 * DAY);

    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, dana, { mfa: true });
    await page.goto('/admin/roles');
    await page.getByRole('link', { name: 'Helpdesk Administrator', exact: true }).click();
    await page.getByRole('tab', { name: 'Expired assignments' }).click();
    const list = page.getByRole('table', { name: 'Expired eligibilities of Helpdesk Administrator' });
    const row = await visible(list.getByRole('row').filter({ hasText: 'alice' }));
    await visible(page.getByRole('region', { name: 'Expired active assignments' }).getByText('None in the last 30 days.'));
    await checkPage(page, 'admin-role-expired');
    await row.getByRole('button', { name: /^Renew alice/ }).click();
    const dialog = await visible(dialogTitled(page, 'Renew assignment'));
    await visible(dialog.getByText('starts now', { exact: false }));
    await dialog.getByRole('checkbox', { name: 'Permanent (no end)' }).check();
    await dialog.getByLabel('Justification').fill('Back on the help desk');
    await dialog.getByRole('button', { name: 'Renew' }).click();
    await dialog.waitFor({ state: 'detached' });
    await visible(page.getByText('alice’s eligibility for Helpdesk Administrator was renewed.', { exact: false }));

    // The server: alice is eligible again, permanently, from now; nothing of hers is expired any more.
    const res = await portal.api.call(
      portal.api.admin,
      'GET',
      `/v1.0/roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '${alice.principal.id}'`,
    );
    const schedules = json<{ value: { roleDefinitionId: string; scheduleInfo: { expiration: { type: string } } }[] }>(res).value;
    expect(schedules).toEqual([
      expect.objectContaining({
        roleDefinitionId: ROLE.helpdeskAdministrator,
        scheduleInfo: expect.objectContaining({ expiration: expect.objectContaining({ type: 'noExpiration' }) }),
      }),
    ]);
    await visible(page.getByRole('region', { name: 'Expired eligibilities' }).getByText('None in the last 30 days.'));
    expect(await list.count(), 'the list of expired eligibilities is gone').toBe(0);
  });
});
