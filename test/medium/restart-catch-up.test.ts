/**
 * Start-up catch-up: while OpenPIM is down, ends, starts and timeouts come due. Nothing is
 * granted meanwhile (access checks compare times themselves); when a store is opened again on the
 * same database, one timeline run processes every overdue item exactly once, and the audit chain
 * still verifies. Runs on a SQLite file and on PostgreSQL — databases that outlive their store.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/app/audit/verify-audit.ts';
import { processDue } from '../../src/app/jobs/process-due.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DURABLE_TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { activitiesSince, adminAssign, auditMark, requireApproval, rolesHeld, selfActivate, stored } from '../support/scenario.ts';

const ROLE_ID = ROLE.userAdministrator;

const tally = (names: readonly string[]) => names.reduce<Record<string, number>>((t, n) => ({ ...t, [n]: (t[n] ?? 0) + 1 }), {});

describe.each(DURABLE_TEST_DATABASES)('restart catch-up on $name', (db) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    if (h?.target.kind === 'sqlite') await rm(dirname(h.target.path), { recursive: true, force: true });
    h = undefined;
  });

  it('processes every end, start and timeout that came due while down, once each', async () => {
    h = await openHarness(db);
    const [alice, bob, carol, dave, erin, frank] = [
      await h.user('alice@contoso.test'),
      await h.user('bob@contoso.test'),
      await h.user('carol@contoso.test'),
      await h.user('dave@contoso.test'),
      await h.user('erin@contoso.test'),
      await h.user('frank@contoso.test'),
    ];
    for (const [user, length] of [
      [alice, 'PT1H'],
      [bob, 'PT2H'],
      [carol, 'PT3H'],
    ] as const) {
      await adminAssign(h, 'eligibility', user, ROLE_ID);
      await selfActivate(h, user, ROLE_ID, length);
    }
    await adminAssign(h, 'assignment', dave, ROLE.helpdeskAdministrator, 'PT4H');
    await adminAssign(h, 'assignment', frank, ROLE.helpdeskAdministrator, 'PT8H', 'PT6H');
    await adminAssign(h, 'eligibility', erin, ROLE.securityReader);
    await requireApproval(h, ROLE.securityReader);
    const pending = await selfActivate(h, erin, ROLE.securityReader, 'PT1H');
    expect(pending.status).toBe('PendingApproval');
    const mark = await auditMark(h);

    // Down for two days: the clock moves on, nobody runs the timeline.
    h.clock.advance('P2D');
    h = await h.reopen();

    for (const user of [alice, bob, carol, dave, frank]) expect(await rolesHeld(h, user)).toEqual([]);
    expect(await activitiesSince(h, mark)).toEqual([]);

    expect(await processDue(h.deps)).toBe(7);
    expect(tally(await activitiesSince(h, mark))).toEqual({
      'Remove member from role (PIM activation expired)': 3,
      'Remove member from role in PIM (assignment expired)': 2,
      'Add member to role in PIM completed (scheduled start)': 1,
      'PIM activation request expired': 1,
    });
    expect((await stored(h, pending)).status).toBe('TimedOut');
    const open = await h.store.db.selectFrom('schedules').select('id').where('kind', '=', 'assignment').where('closed', '=', 0).execute();
    expect(open).toHaveLength(1); // the bootstrap admin's permanent Global Administrator

    // A second run, and a second restart, find nothing left to do.
    const after = await auditMark(h);
    expect(await processDue(h.deps)).toBe(0);
    h = await h.reopen();
    expect(await processDue(h.deps)).toBe(0);
    expect(await activitiesSince(h, after)).toEqual([]);

    const verified = await verifyAudit(h.store.read.audit);
    expect(verified).toMatchObject({ ok: true, break: null, events: after });
  });
});
