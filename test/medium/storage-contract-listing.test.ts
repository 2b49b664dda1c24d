/**
 * The storage contract, part two (see storage-contract.test.ts): values come back exactly as they
 * went in — instants as epoch milliseconds (never Date, never strings), booleans as booleans, JSON
 * as the same structure — and lists filter, order, page and count the same on both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FilterExpr, ListQuery } from '../../src/app/query.ts';
import type { Repositories } from '../../src/app/ports/repositories.ts';
import { auditRecord } from '../../src/app/audit/record.ts';
import { newRolePolicy } from '../../src/app/policies/new-policy.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Principal, RoleDefinition } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { aPrincipal, aRequest, aSchedule, T0 } from '../support/storage-fixtures.ts';

/** 9999-12-31T23:59:59.999Z: the largest instant the API can express. */
const FAR = 253_402_300_799_999;
const HOUR = 3_600_000;

const query = (fields: Partial<ListQuery> = {}): ListQuery => ({ orderBy: [], top: 100, skip: 0, count: false, ...fields });

/** Fails if any value in the tree is a Date, a bigint or a numeric string where a number belongs. */
function expectPlain(value: unknown, path = '$'): void {
  expect(value instanceof Date, `${path} is a Date`).toBe(false);
  expect(typeof value, path).not.toBe('bigint');
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expectPlain(v, `${path}.${k}`);
}

describe.each(TEST_DATABASES)('storage round-trips and listing on $name', (db) => {
  let h: Harness;
  const run = <T>(work: (tx: Repositories) => Promise<T>) => h.store.run(work);

  beforeEach(async () => {
    h = await openHarness(db);
  });
  afterEach(async () => h?.close());

  describe('round-trips', () => {
    it('instants come back as the exact epoch milliseconds, up to the year 9999', async () => {
      const user = aPrincipal(h.tenantId, { createdAt: T0 + 1 });
      const schedule = aSchedule(h.tenantId, user.id, { startAt: T0, endAt: FAR, createdAt: T0 + 2, modifiedAt: T0 + 3 });
      const request = aRequest(h.tenantId, user.id, {
        status: 'PendingApproval',
        createdAt: T0 + 4,
        completedAt: null,
        expiresAt: FAR - 1,
        scheduleInfo: { startDateTime: T0 + 5, expiration: { type: 'afterDateTime', endDateTime: FAR } },
      });
      await run(async (tx) => {
        await tx.principals.insert(user);
        await tx.schedules.insert(schedule);
        await tx.requests.insert(request);
        await tx.timeline.schedule(h.tenantId, 'scheduleEnd', schedule.id, FAR);
      });
      const read = h.store.read;
      const back = {
        user: await read.principals.get(h.tenantId, user.id),
        schedule: await read.schedules.get(h.tenantId, schedule.id),
        request: await read.requests.get(h.tenantId, 'assignment', request.id),
        due: await read.timeline.due(FAR, 10),
        next: await read.timeline.next(),
      };
      expect(back).toEqual({ user, schedule, request, due: [expect.objectContaining({ dueAt: FAR })], next: FAR });
      expectPlain(back);
    });

    it('booleans come back as booleans and filter as booleans', async () => {
      const off = aPrincipal(h.tenantId, { accountEnabled: false, isBreakGlass: true });
      const group = aPrincipal(h.tenantId, { type: 'group', userPrincipalName: null, isAssignableToRole: true });
      await run(async (tx) => {
        await tx.principals.insert(off);
        await tx.principals.insert(group);
      });
      expect(await h.store.read.principals.get(h.tenantId, off.id)).toMatchObject({ accountEnabled: false, isBreakGlass: true, isAssignableToRole: false });
      expect(await h.store.read.principals.get(h.tenantId, group.id)).toMatchObject({ accountEnabled: true, isAssignableToRole: true });
      const disabled = await h.store.read.principals.list(h.tenantId, 'user', query({ filter: { op: 'eq', field: 'accountEnabled', value: false } }));
      expect(disabled.items.map((p) => p.id)).toEqual([off.id]);
      const schedule = await h.store.read.schedules.findOpen({
        tenantId: h.tenantId,
        kind: 'assignment',
        principalId: h.admin.principal.id,
        roleDefinitionId: ROLE.globalAdministrator,
        directoryScopeId: '/',
      });
      expect(schedule?.closed).toBe(false);
    });

    it('JSON comes back as the same structure: role actions, policy rules, audit targets and details', async () => {
      const role: RoleDefinition = {
        tenantId: h.tenantId,
        id: 'custom-role',
        templateId: 'custom-role',
        displayName: 'Ünïcode “role” 🚀',
        description: 'quotes " and \\ backslashes',
        isBuiltIn: false,
        isEnabled: true,
        isPrivileged: false,
        kind: 'directory',
        allowedActions: ['microsoft.directory/users/basic/update', 'a/"quoted"/b'],
        excludedActions: [],
        version: '1',
      };
      const policy = newRolePolicy(role, 'custom-policy');
      await run(async (tx) => {
        await tx.roles.insert(role);
        await tx.policies.insert(policy);
      });
      expect(await h.store.read.roles.get(h.tenantId, role.id)).toEqual(role);
      expect(await h.store.read.policies.get(h.tenantId, policy.id)).toEqual(policy);

      const actor = { id: h.admin.principal.id, displayName: 'Ädmin “x”', userPrincipalName: null, type: 'user' as const };
      const record = auditRecord(h.tenantId, actor, 'c', T0, {
        activity: 'Test',
        operationType: 'Update',
        targets: [
          {
            id: 'p',
            displayName: null,
            type: 'Policy',
            modifiedProperties: [{ displayName: 'rule', oldValue: JSON.stringify({ a: [1, 2] }), newValue: null }],
          },
        ],
        details: { Justification: 'line one\nline two — “quoted” 😀', Empty: '' },
      });
      const appended = await run((tx) => tx.audit.append(record));
      const back = await h.store.read.audit.get(h.tenantId, appended.id);
      expect(back).toEqual(appended);
      expect(back).toMatchObject(record);
    });
  });

  describe('listing', () => {
    const users: Principal[] = [];
    beforeEach(async () => {
      users.length = 0;
      for (const [upn, name] of [
        ['alice@contoso.TEST', 'alice'],
        ['BOB@contoso.test', 'bob'],
        ['Carol@Contoso.test', 'carol'],
        ['dave@contoso.test', 'dave'],
      ] as const) {
        users.push(await h.user(upn, name));
      }
    });
    const principals = (q: Partial<ListQuery>) => h.store.read.principals.list(h.tenantId, 'user', query(q));
    const names = (page: { items: readonly Principal[] }) => page.items.map((p) => p.displayName);
    const upnIs = (value: string): FilterExpr => ({ op: 'eq', field: 'userPrincipalName', value });

    it('filters on userPrincipalName case-insensitively (eq, ne, in)', async () => {
      expect(names(await principals({ filter: upnIs('ALICE@CONTOSO.TEST') }))).toEqual(['alice']);
      expect(names(await principals({ filter: upnIs('bob@contoso.test') }))).toEqual(['bob']);
      expect(
        names(
          await principals({
            filter: { op: 'ne', field: 'userPrincipalName', value: 'Admin@Contoso.Test' },
            orderBy: [{ field: 'displayName', direction: 'asc' }],
          }),
        ),
      ).toEqual(['alice', 'bob', 'carol', 'dave']);
      expect(
        names(
          await principals({
            filter: { op: 'in', field: 'userPrincipalName', values: ['CAROL@contoso.test', 'Dave@Contoso.Test'] },
            orderBy: [{ field: 'displayName', direction: 'asc' }],
          }),
        ),
      ).toEqual(['carol', 'dave']);
      // The stored UPN keeps the case it was given.
      expect((await principals({ filter: upnIs('carol@contoso.test') })).items[0]?.userPrincipalName).toBe('Carol@Contoso.test');
    });

    it('orders, pages with top and skip, and counts', async () => {
      // Lower-case names only: how upper and lower case interleave is the database collation's call.
      const notAdmin: FilterExpr = { op: 'ne', field: 'userPrincipalName', value: 'admin@contoso.test' };
      const byName = { filter: notAdmin, orderBy: [{ field: 'displayName', direction: 'desc' as const }], count: true };
      const page = async (top: number, skip: number) => {
        const p = await principals({ ...byName, top, skip });
        return { names: names(p), hasMore: p.hasMore, count: p.count };
      };
      expect(await page(3, 0)).toEqual({ names: ['dave', 'carol', 'bob'], hasMore: true, count: 4 });
      expect(await page(3, 3)).toEqual({ names: ['alice'], hasMore: false, count: 4 });
      expect(await page(2, 2)).toEqual({ names: ['bob', 'alice'], hasMore: false, count: 4 });
      expect(await page(2, 10)).toEqual({ names: [], hasMore: false, count: 4 });
      // userPrincipalName orders by its lower-cased form, whatever case it was stored in.
      const byUpn = await principals({ filter: notAdmin, orderBy: [{ field: 'userPrincipalName', direction: 'asc' }] });
      expect(names(byUpn)).toEqual(['alice', 'bob', 'carol', 'dave']);
      const filtered = await principals({ filter: { op: 'or', left: upnIs('ALICE@contoso.test'), right: upnIs('BOB@contoso.test') }, top: 1, count: true });
      expect({ n: filtered.items.length, hasMore: filtered.hasMore, count: filtered.count }).toEqual({ n: 1, hasMore: true, count: 2 });
    });

    it('refuses properties that are not mapped', async () => {
      const error = await principals({ filter: { op: 'eq', field: 'upn_key', value: 'x' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('Request_UnsupportedQuery');
    });

    it('schedules: ended ones are hidden by comparing with the given instant; instances hide future starts', async () => {
      const [alice, bob, carol, dave] = users as [Principal, Principal, Principal, Principal];
      const endsAt = T0 + 2 * HOUR;
      await run(async (tx) => {
        await tx.schedules.insert(aSchedule(h.tenantId, alice.id, { startAt: T0, endAt: endsAt }));
        await tx.schedules.insert(aSchedule(h.tenantId, bob.id, { startAt: T0, endAt: null }));
        await tx.schedules.insert(aSchedule(h.tenantId, carol.id, { startAt: T0 + HOUR, endAt: T0 + 3 * HOUR }));
        await tx.schedules.insert(aSchedule(h.tenantId, dave.id, { startAt: T0, endAt: T0 + 3 * HOUR, closed: true, closeReason: 'removed', closedAt: T0 }));
      });
      const listed = async (view: 'schedules' | 'instances', at: number) => {
        const page = await h.store.read.schedules.list(
          h.tenantId,
          { kind: 'assignment', view, at, principalIds: [alice.id, bob.id, carol.id, dave.id] },
          query({ count: true }),
        );
        return page.items.map((s) => users.find((u) => u.id === s.principalId)!.displayName).sort();
      };
      expect(await listed('schedules', T0)).toEqual(['alice', 'bob', 'carol']);
      expect(await listed('instances', T0)).toEqual(['alice', 'bob']);
      expect(await listed('instances', T0 + HOUR)).toEqual(['alice', 'bob', 'carol']);
      expect(await listed('schedules', endsAt - 1)).toEqual(['alice', 'bob', 'carol']);
      // The end is exclusive: at the very millisecond it ends, it is gone — without the timeline.
      expect(await listed('schedules', endsAt)).toEqual(['bob', 'carol']);
      expect(await listed('instances', T0 + 3 * HOUR)).toEqual(['bob']);

      const empty = await h.store.read.schedules.list(h.tenantId, { kind: 'assignment', view: 'schedules', at: T0, principalIds: [] }, query({ count: true }));
      expect(empty).toEqual({ items: [], hasMore: false, count: 0 });
      const filtered = await h.store.read.schedules.list(
        h.tenantId,
        { kind: 'assignment', view: 'schedules', at: T0 },
        query({ filter: { op: 'gt', field: 'endDateTime', value: new Date(endsAt).toISOString() }, count: true }),
      );
      expect(filtered.items.map((s) => s.principalId)).toEqual([carol.id]);
      expect(await h.store.read.schedules.activeAtRoot(h.tenantId, [alice.id, carol.id], endsAt - 1)).toHaveLength(2);
      expect((await h.store.read.schedules.activeAtRoot(h.tenantId, [alice.id, carol.id], endsAt)).map((s) => s.principalId)).toEqual([carol.id]);
    });

    it('requests: filtered to principals (none → empty page) and by status', async () => {
      const [alice, bob] = users as [Principal, Principal];
      await run(async (tx) => {
        await tx.requests.insert(aRequest(h.tenantId, alice.id, { status: 'Provisioned', createdAt: T0 }));
        await tx.requests.insert(aRequest(h.tenantId, alice.id, { status: 'PendingApproval', createdAt: T0 + 1 }));
        await tx.requests.insert(aRequest(h.tenantId, bob.id, { status: 'Denied', createdAt: T0 + 2 }));
      });
      const list = (principalIds: string[] | null, q: Partial<ListQuery> = {}) =>
        h.store.read.requests.list(h.tenantId, 'assignment', principalIds, query({ count: true, ...q }));
      expect((await list([alice.id], { orderBy: [{ field: 'createdDateTime', direction: 'desc' }] })).items.map((q) => q.status)).toEqual([
        'PendingApproval',
        'Provisioned',
      ]);
      expect(await list([])).toEqual({ items: [], hasMore: false, count: 0 });
      const denied = await list(null, { filter: { op: 'eq', field: 'status', value: 'Denied' } });
      expect(denied.items.map((q) => q.principalId)).toEqual([bob.id]);
    });
  });
});
