/**
 * The tamper-evident audit log (docs/guide.md, "Audit"; docs/architecture.md, "Audit chain and
 * change feed") on a real store: a log written by use cases verifies; then each kind of tampering
 * done behind OpenPIM's back, straight in SQL, is reported at the first broken link — whether
 * verification reads the log in one batch or many.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/app/audit/verify-audit.ts';
import { actorOf } from '../../src/app/audit/record.ts';
import { canonicalJson, chainHash } from '../../src/domain/audit/chain.ts';
import type { AuditEvent } from '../../src/domain/audit/event.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';

/** Whole log in one batch, and in batches of two so breaks also fall across batch boundaries. */
const BATCHES = [5000, 2] as const;

describe.each(TEST_DATABASES)('audit chain on $name', (db) => {
  let h: Harness;
  /** The last event's number once the log is written. */
  let last: number;
  /** The event tampered with in most tests: in the middle of the log. */
  let k: number;

  beforeEach(async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    await h.user('bob@contoso.test');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminAssign', principalId: alice.id, roleDefinitionId: ROLE.userAdministrator });
    await h.submit(await h.caller(alice), {
      action: 'selfActivate',
      principalId: alice.id,
      roleDefinitionId: ROLE.userAdministrator,
      scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    h.clock.advance('PT1H');
    expect(await h.tick()).toBe(1);
    last = (await h.store.read.audit.head()).seq;
    k = Math.floor(last / 2);
    expect(k).toBeGreaterThan(1);
    expect(last).toBeGreaterThan(k + 2);
  });
  afterEach(async () => h?.close());

  const verify = (batch: number) => verifyAudit(h.store.read.audit, batch);
  const eventAt = async (seq: number): Promise<AuditEvent> => {
    const [event] = await h.store.read.audit.range(seq - 1, 1);
    expect(event?.seq).toBe(seq);
    return event!;
  };
  const auditRows = () => h.store.db.updateTable('audit_events');

  async function expectBreak(seq: number | null, reason: RegExp) {
    for (const batch of BATCHES) {
      const result = await verify(batch);
      expect(result.ok, `batch ${batch}`).toBe(false);
      expect(result.break?.seq, `batch ${batch}`).toBe(seq);
      expect(result.break?.reason, `batch ${batch}`).toMatch(reason);
    }
  }

  it('verifies the untouched log, whose events run from 1 without gaps', async () => {
    const events = await h.store.read.audit.range(0, 1000);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    for (const batch of BATCHES) {
      expect(await verify(batch)).toEqual({ ok: true, events: last, break: null });
    }
  });

  it('reports an edited activity at that event', async () => {
    await auditRows().set({ activity: 'Nothing to see here' }).where('seq', '=', k).execute();
    await expectBreak(k, /content does not match its hash/);
  });

  it('reports edited details at that event', async () => {
    const event = await eventAt(k);
    await auditRows()
      .set({ details: JSON.stringify({ ...event.details, Justification: 'forged' }) })
      .where('seq', '=', k)
      .execute();
    await expectBreak(k, /content does not match its hash/);
  });

  it('reports an edited actor column (what "initiated by" filters match) at that event', async () => {
    // The actor id is also kept in a column of its own for filtering; rewriting it would hide an
    // actor's events from a filtered listing, so it must count as the event's content.
    await auditRows().set({ actor_id: '11111111-1111-1111-1111-111111111111' }).where('seq', '=', k).execute();
    await expectBreak(k, /content does not match its hash/);
  });

  it('reports an edit whose hash was recomputed at the next event', async () => {
    const { hash: _hash, prevHash, ...body } = await eventAt(k);
    const forged = { ...body, activity: 'Nothing to see here' };
    await auditRows()
      .set({ activity: forged.activity, hash: chainHash(prevHash, forged) })
      .where('seq', '=', k)
      .execute();
    await expectBreak(k + 1, /link to the previous event does not match/);
  });

  it('reports an edit of the last event whose hash was recomputed against the chain head', async () => {
    const { hash: _hash, prevHash, ...body } = await eventAt(last);
    const forged = { ...body, details: { ...body.details, Forged: 'yes' } };
    await auditRows()
      .set({ details: JSON.stringify(forged.details), hash: chainHash(prevHash, forged) })
      .where('seq', '=', last)
      .execute();
    await expectBreak(null, /head/);
  });

  it('reports a deleted event at the one after it', async () => {
    await h.store.db.deleteFrom('audit_events').where('seq', '=', k).execute();
    await expectBreak(k + 1, new RegExp(`expected event #${k} here but found #${k + 1}`));
  });

  it('reports a deleted first event at the second', async () => {
    await h.store.db.deleteFrom('audit_events').where('seq', '=', 1).execute();
    await expectBreak(2, /expected event #1 here but found #2/);
  });

  it('reports two events that swapped positions at the first of them', async () => {
    await auditRows().set({ seq: -1 }).where('seq', '=', k).execute();
    await auditRows()
      .set({ seq: k })
      .where('seq', '=', k + 1)
      .execute();
    await auditRows()
      .set({ seq: k + 1 })
      .where('seq', '=', -1)
      .execute();
    await expectBreak(k, /link to the previous event does not match/);
  });

  it('reports two events that swapped content (their numbers and hashes left in place) at the first of them', async () => {
    const [a, b] = [await eventAt(k), await eventAt(k + 1)];
    const content = (e: AuditEvent) => ({
      activity: e.activity,
      category: e.category,
      operation_type: e.operationType,
      correlation_id: e.correlationId,
      actor_id: e.initiatedBy.id,
      initiated_by: JSON.stringify(e.initiatedBy),
      targets: JSON.stringify(e.targets),
      details: JSON.stringify(e.details),
    });
    await auditRows().set(content(b)).where('seq', '=', k).execute();
    await auditRows()
      .set(content(a))
      .where('seq', '=', k + 1)
      .execute();
    await expectBreak(k, /content does not match its hash/);
  });

  it('reports a truncated tail against the chain head', async () => {
    await h.store.db
      .deleteFrom('audit_events')
      .where('seq', '>', last - 2)
      .execute();
    await expectBreak(null, new RegExp(`ends at #${last - 2} but its head records #${last}`));
    const result = await verify(5000);
    expect(result.events).toBe(last - 2);
  });

  it('reports an emptied log against the chain head', async () => {
    await h.store.db.deleteFrom('audit_events').execute();
    await expectBreak(null, /head/);
  });

  it('an event without an address (as every event recorded before addresses were kept) stores and hashes no ipAddress key', async () => {
    const rows = await h.store.db.selectFrom('audit_events').select(['seq', 'initiated_by']).execute();
    expect(rows.length).toBe(last);
    for (const row of rows) expect(Object.keys(JSON.parse(row.initiated_by) as object), `event #${row.seq}`).not.toContain('ipAddress');
    // Such an event hashes exactly as its body always did: no key, not a null one.
    const { hash, prevHash, ...body } = await eventAt(k);
    expect(chainHash(prevHash, body)).toBe(hash);
    expect(canonicalJson(body.initiatedBy)).not.toContain('ipAddress');
    expect(canonicalJson({ ...body.initiatedBy, ipAddress: undefined })).toBe(canonicalJson(body.initiatedBy));
  });

  it("records the caller's address in the actor, covered by the hash", async () => {
    const carol = await h.user('carol@contoso.test');
    await h.submit(
      { ...h.admin, ipAddress: '203.0.113.7' },
      { kind: 'eligibility', action: 'adminAssign', principalId: carol.id, roleDefinitionId: ROLE.userAdministrator },
    );
    const [event] = await h.store.read.audit.range((await h.store.read.audit.head()).seq - 1, 1);
    expect(event!.initiatedBy).toEqual({ ...actorOf(h.admin), ipAddress: '203.0.113.7' });
    expect((await verify(2)).ok).toBe(true);
    await auditRows()
      .set({ initiated_by: JSON.stringify({ ...event!.initiatedBy, ipAddress: '198.51.100.1' }) })
      .where('seq', '=', event!.seq)
      .execute();
    await expectBreak(event!.seq, /content does not match its hash/);
    await auditRows()
      .set({ initiated_by: JSON.stringify({ ...event!.initiatedBy, ipAddress: undefined }) })
      .where('seq', '=', event!.seq)
      .execute();
    await expectBreak(event!.seq, /content does not match its hash/);
  });

  it('keeps verifying after more events are appended to an intact log', async () => {
    await h.user('carol@contoso.test');
    const result = await verify(2);
    expect(result).toEqual({ ok: true, events: last + 1, break: null });
  });
});
