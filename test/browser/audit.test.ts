/**
 * The audit pages in Chromium, against a real OpenPIM server: an auditor narrows the whole log
 * (/audit) by activity, by who did it, by target and by role — the rows change to match what the
 * API returns for the same filter, and the filters live in the address, so a reload keeps them; an
 * event's details open with its ids; the hash chain verifies. My audit (/my-audit) shows a person
 * their own events only.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { checkPage, useChromium } from '../support/browser.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { json } from '../support/http-harness.ts';
import { openPortal, ROLE_REQUESTS, type Portal, type PortalUser } from '../support/portal-server.ts';
import { pickOption, signInDirectly, visible } from '../support/portal-ui.ts';

const ACTIVATED = 'Add member to role completed (PIM activation)';

interface ApiEvent {
  readonly id: string;
  readonly correlationId: string;
  readonly activityDisplayName: string;
  readonly initiatedBy: { readonly user: { readonly id: string } | null };
  readonly targetResources: readonly { readonly id: string }[];
}

/** The rows of the events table (one per event; an opened event's details are a row of their own). */
const eventRows = (page: Page): Locator =>
  page
    .getByRole('table', { name: 'Audit events, newest first' })
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: /^Details of / }) });

/** Waits until the table shows exactly these activities, newest first. */
async function expectActivities(page: Page, activities: readonly string[]): Promise<void> {
  await expect.poll(async () => (await eventRows(page).all()).length, { timeout: 15_000 }).toBe(activities.length);
  const shown = await eventRows(page).evaluateAll((rows) => rows.map((r) => (r as unknown as { cells: { textContent: string }[] }).cells[1]!.textContent));
  expect(shown).toEqual(activities);
}

const chromium = useChromium();

describe.each(TEST_DATABASES)('audit log on $name', (database) => {
  // The pages are the same on every database: audited and photographed once.
  const check = (page: Page, name: string) => (database.name === 'sqlite' ? checkPage(page, name) : Promise.resolve());
  let portal: Portal;
  let alice: PortalUser, bob: PortalUser, dave: PortalUser;

  /** The whole log's events for an OData filter, as the API gives them to an administrator. */
  async function apiEvents(filter: string, path = '/v1.0/auditLogs/directoryAudits', as: PortalUser | null = null): Promise<ApiEvent[]> {
    const res = await portal.api.call(as ? as.principal : portal.api.admin, 'GET', `${path}?$top=999${filter ? `&$filter=${encodeURIComponent(filter)}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return json<{ value: ApiEvent[] }>(res).value;
  }

  beforeAll(async () => {
    portal = await openPortal({ database });
    alice = await portal.user('alice@contoso.test', { eligibleFor: [ROLE.userAdministrator] });
    bob = await portal.user('bob@contoso.test', { eligibleFor: [ROLE.helpdeskAdministrator] });
    dave = await portal.user('dave@contoso.test', { activeIn: [ROLE.securityReader] });
    // Alice and then bob activate their roles: the same activity, by different people, on different targets.
    for (const [who, role] of [
      [alice, ROLE.userAdministrator],
      [bob, ROLE.helpdeskAdministrator],
    ] as const) {
      portal.clock.advance('PT1M');
      const res = await portal.api.call(who.principal, 'POST', ROLE_REQUESTS, {
        action: 'selfActivate',
        principalId: who.principal.id,
        roleDefinitionId: role,
        directoryScopeId: '/',
        justification: 'Audit test',
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => portal?.close());

  it('narrows the log by activity, actor, target and role; the filters stay in the address; details open; the chain verifies', async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, dave, { mfa: false });
    await page.goto('/audit');
    await visible(page.getByRole('heading', { name: 'Audit log', level: 1 }));
    await visible(eventRows(page).first());
    const filters = page.getByRole('form', { name: 'Filter events' });

    // By activity: both activations, newest first.
    await filters.getByRole('combobox', { name: 'Activity' }).fill(ACTIVATED);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expectActivities(page, [ACTIVATED, ACTIVATED]);
    expect(new URL(page.url()).searchParams.get('activity')).toBe(ACTIVATED);
    await visible(page.getByText('1 filter applied.'));
    const activated = await apiEvents(`activityDisplayName eq '${ACTIVATED}'`);
    expect(activated.map((e) => e.initiatedBy.user?.id)).toEqual([bob.principal.id, alice.principal.id]);

    // And by who did it: alice's only.
    await pickOption(page, filters.getByRole('combobox', { name: 'Initiated by' }), 'alice');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expectActivities(page, [ACTIVATED]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ activity: ACTIVATED, actor: alice.principal.id });
    await visible(eventRows(page).getByRole('cell', { name: 'alice', exact: false }).first());

    // A reload keeps both filters: in the form and in the rows.
    await page.reload();
    await expectActivities(page, [ACTIVATED]);
    await visible(page.getByText('2 filters applied.'));
    expect(await filters.getByRole('combobox', { name: 'Activity' }).inputValue()).toBe(ACTIVATED);
    await expect.poll(() => filters.getByRole('combobox', { name: 'Initiated by' }).inputValue()).toBe('alice');

    // The event's details: what it carries, and its ids as the API has them.
    const [aliceActivation] = await apiEvents(`activityDisplayName eq '${ACTIVATED}' and initiatedBy/user/id eq '${alice.principal.id}'`);
    const details = eventRows(page)
      .first()
      .getByRole('button', { name: /^Details of / });
    await details.click();
    expect(await details.getAttribute('aria-expanded')).toBe('true');
    const detail = page.locator(`#${await details.getAttribute('aria-controls')}`);
    await visible(detail.getByText(aliceActivation!.id, { exact: true }));
    await visible(detail.getByText(aliceActivation!.correlationId, { exact: true }));
    await visible(detail.getByRole('heading', { name: 'Targets' }));

    // The chain verifies, over every event the API counts.
    const verify = await portal.api.call(portal.api.admin, 'GET', '/openpim/audit/verify');
    const { ok, events } = json<{ ok: boolean; events: number }>(verify);
    expect(ok).toBe(true);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await visible(page.getByText('Chain intact', { exact: true }));
    await visible(page.getByText(`All ${events.toLocaleString('en-GB')} events link up`, { exact: false }));
    await check(page, 'audit-log');

    // Cleared, then by target: every event about bob, as the API lists them.
    await filters.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    await pickOption(page, filters.getByRole('combobox', { name: 'Target (user or group)' }), 'bob');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const aboutBob = await apiEvents(`targetResources/id eq '${bob.principal.id}'`);
    expect(aboutBob.length).toBeGreaterThanOrEqual(3); // created, made eligible, activated
    expect(aboutBob.every((e) => e.targetResources.some((t) => t.id === bob.principal.id))).toBe(true);
    await expectActivities(
      page,
      aboutBob.map((e) => e.activityDisplayName),
    );
    expect(new URL(page.url()).searchParams.get('target')).toBe(bob.principal.id);

    // By role instead: the Helpdesk Administrator's events, none of alice's role.
    await filters.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.search === '');
    await pickOption(page, filters.getByRole('combobox', { name: 'Role' }), 'Helpdesk Admin', 'Helpdesk Administrator');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const aboutRole = await apiEvents(`targetResources/id eq '${ROLE.helpdeskAdministrator}'`);
    expect(aboutRole.map((e) => e.activityDisplayName)).toContain(ACTIVATED);
    await expectActivities(
      page,
      aboutRole.map((e) => e.activityDisplayName),
    );
    expect(new URL(page.url()).searchParams.get('role')).toBe(ROLE.helpdeskAdministrator);
  });

  it('My audit shows a person their own events only, and filters them', async () => {
    const page = await chromium.page(portal.url);
    await signInDirectly(page, portal, alice, { mfa: false });
    await page.goto('/my-audit');
    await visible(page.getByRole('heading', { name: 'My audit', level: 1 }));
    const mine = await apiEvents('', '/openpim/me/auditLogs/directoryAudits', alice);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.initiatedBy.user?.id === alice.principal.id || e.targetResources.some((t) => t.id === alice.principal.id))).toBe(true);
    await expectActivities(
      page,
      mine.map((e) => e.activityDisplayName),
    );
    // Each row is hers: she did it ("You"), or it was done to her.
    for (const row of await eventRows(page).all()) {
      const [by, targets] = await row.evaluate((r) => [1, 2].map((i) => (r as unknown as { cells: { textContent: string }[] }).cells[i + 1]!.textContent));
      expect(by === 'You' || targets!.split(',').includes('You'), `${by} → ${targets}`).toBe(true);
    }
    // No one else's filter here; bob's activation is not hers to see.
    const filters = page.getByRole('form', { name: 'Filter events' });
    expect(await filters.getByRole('combobox', { name: 'Initiated by' }).count()).toBe(0);
    await filters.getByRole('combobox', { name: 'Activity' }).fill(ACTIVATED);
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expectActivities(page, [ACTIVATED]);
    await visible(eventRows(page).getByRole('cell', { name: 'You', exact: true }));
    await check(page, 'my-audit');

    // The whole log is not hers: the page says so and links to My audit.
    await page.goto('/audit');
    await visible(page.getByText('The whole log is for security readers and administrators.', { exact: false }));
    expect(await eventRows(page).count()).toBe(0);
  });
});
