/**
 * The Approve link of an approval email, end to end in Chromium: the server mails the approvers
 * through a real SMTP server (test/notify/support/smtp.ts); the link from the received mail, opened
 * in a signed-out browser, leads through sign-in and back to /approve?token=…, which decides
 * nothing until the approver confirms once. The requester's My roles then shows the role Active
 * and the requester is mailed the outcome. A link whose request was already decided — the same
 * link again, the Deny link beside it, the other approver's — says so and offers no decision.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openPortal, requestsOf, type Portal, type PortalUser } from '../support/portal-server.ts';
import { openMyRoles, requestActivation, roleRow, signIn, signInDirectly, visible } from '../support/portal-ui.ts';
import { approver, setApproval } from '../support/scenario.ts';
import { linksIn } from '../notify/support/notify-harness.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../notify/support/smtp.ts';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => smtp?.stop());

let portal: Portal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
  smtp.received.splice(0);
});
// After the hook above, so that its own after-each hook runs first: a failed test's pages are
// photographed while the server still answers them.
const chromium = useChromium();

const ROLE_NAME = 'User Administrator';
const mailOf = (who: PortalUser) => `${who.upn.split('@')[0]}@mail.contoso.test`;
const mailTo = (who: PortalUser, subject: string) => (m: ReceivedMail) => m.to.includes(mailOf(who)) && m.subject.includes(subject);

/** The address a link leads to, as the portal's returnTo writes it. */
const pathOf = (link: string) => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};

/** Opens a link from a mail in a fresh, signed-out browser, and signs in on the way as `who`. */
async function followSignedOut(portal: Portal, link: string, who: PortalUser): Promise<Page> {
  const page = await chromium.page(portal.url);
  await page.goto(link);
  await page.waitForURL((url) => url.pathname === '/signin');
  expect(new URL(page.url()).searchParams.get('returnTo'), 'sign-in leads back to the link').toBe(pathOf(link));
  await signIn(page, who, { totp: () => portal.nextTotp(who) });
  expect(pathOf(page.url()), 'back on the link after sign-in').toBe(pathOf(link));
  return page;
}

describe.each(TEST_DATABASES)('approving from an email link on $name', (database) => {
  // The pages are the same on every database: audited and photographed once.
  const check = (page: Page, name: string) => (database.name === 'sqlite' ? checkPage(page, name) : Promise.resolve());

  it('the Approve link from the received email leads a signed-out approver through sign-in to one confirmation; the request is approved', async () => {
    portal = await openPortal({ database, smtp: { port: smtp.port } });
    const user = (name: string, eligibleFor: string[] = []) =>
      portal!.user(`${name}@contoso.test`, { totp: true, eligibleFor, mail: `${name}@mail.contoso.test` });
    const alice = await user('alice', [ROLE.userAdministrator]);
    const bob = await user('bob');
    const carol = await user('carol');
    await setApproval(portal.api.h, ROLE.userAdministrator, [
      { approvers: [approver.user(bob.principal), approver.user(carol.principal)], justification: false },
    ]);

    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: true });
    await openMyRoles(page);
    await requestActivation(page, ROLE_NAME, 'Unlock the finance team mailbox');
    const [request] = await requestsOf(portal, alice);
    expect(request).toMatchObject({ status: 'PendingApproval' });

    const toBob = await smtp.waitFor(mailTo(bob, 'Approval needed'), 'to bob asking for approval');
    expect(toBob.subject).toBe(`OpenPIM: Approval needed: alice requests to activate ${ROLE_NAME}`);
    const links = linksIn(toBob.text);
    expect(links.Approve).toMatch(new RegExp(`^${portal.url}/approve\\?token=`));
    expect(toBob.html).toContain(`href="${links.Approve!.replaceAll('&', '&amp;')}"`);

    // Bob follows the link in a browser that is not signed in.
    const bobs = await followSignedOut(portal, links.Approve!, bob);
    await visible(bobs.getByRole('heading', { name: 'Approve this request?', level: 1 }));
    await visible(bobs.getByText(`You opened a link to approve alice's request to activate ${ROLE_NAME}. Nothing is decided until you confirm.`));
    await visible(bobs.getByText('Unlock the finance team mailbox'));
    const confirm = await visible(bobs.getByRole('button', { name: 'Yes, approve' }));
    await check(bobs, 'approve-link');
    expect((await requestsOf(portal, alice))[0], 'opening the link decided nothing').toMatchObject({ status: 'PendingApproval' });

    await confirm.click();
    await visible(bobs.getByRole('heading', { name: 'Approved', level: 1 }));
    const done = await visible(bobs.getByRole('status').filter({ hasText: 'Approved' }));
    await visible(done.getByText(`Your decision on alice's request to activate ${ROLE_NAME} is recorded; the requester is told.`, { exact: false }));
    expect(await bobs.getByRole('button', { name: 'Yes, approve' }).count()).toBe(0);
    await check(bobs, 'approve-link-decided');
    expect((await requestsOf(portal, alice))[0]).toMatchObject({ id: request!.id, status: 'Provisioned' });

    // Alice's page shows it by itself, and she is mailed the outcome.
    await roleRow(page, 'Eligible roles', ROLE_NAME).getByText('Active', { exact: true }).waitFor({ timeout: 8_000 });
    await visible(page.getByRole('tab', { name: 'Active (1)' }));
    const outcome = await smtp.waitFor(mailTo(alice, 'was approved'), 'to alice with the outcome');
    expect(outcome.text).toContain('Approver: bob');

    // The same link again: used, and nothing to confirm.
    await bobs.goto(links.Approve!);
    await visible(bobs.getByRole('heading', { name: 'This link was already used', level: 1 }));
    await visible(bobs.getByText('This link was already used: each link decides once.', { exact: false }));
    expect(await bobs.getByText('Nothing is decided until you confirm', { exact: false }).count()).toBe(0);
    expect(await bobs.getByRole('button', { name: 'Yes, approve' }).count()).toBe(0);
    await check(bobs, 'approve-link-used');

    // Carol's link, after bob decided: the request no longer waits for her.
    const toCarol = await smtp.waitFor(mailTo(carol, 'Approval needed'), 'to carol asking for approval');
    const carols = await chromium.page(portal.url);
    await signInDirectly(carols, portal, carol, { mfa: true });
    await carols.goto(linksIn(toCarol.text).Deny!);
    await visible(carols.getByRole('heading', { name: 'Already approved', level: 1 }));
    await visible(carols.getByText(`You opened a link to deny alice's request to activate ${ROLE_NAME}.`, { exact: true }));
    await visible(carols.getByText('This request was already approved: there is nothing left to decide.', { exact: false }));
    expect(await carols.getByRole('button', { name: 'Yes, deny' }).count()).toBe(0);
    await check(carols, 'approve-link-decided-by-another');
    expect((await requestsOf(portal, alice))[0]).toMatchObject({ status: 'Provisioned' });
  });
});
