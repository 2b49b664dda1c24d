import type { Kysely, Selectable } from 'kysely';
import type { PrincipalRepository } from '../../app/ports/repositories.ts';
import type { ListQuery } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';
import { GROUP_ROLE, groupOfScope, groupScope } from '../../domain/group-access.ts';
import type { Principal } from '../../domain/model.ts';
import type { Instant } from '../../domain/time.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { Database, PrincipalsTable } from '../schema.ts';
import { bool, int } from './json.ts';

const FIELDS: FieldMap = {
  id: { column: 'p.id', type: 'string' },
  displayName: { column: 'p.display_name', type: 'string' },
  userPrincipalName: { column: 'p.upn_key', type: 'string', nullable: true },
  mail: { column: 'p.mail', type: 'string', nullable: true },
  accountEnabled: { column: 'p.account_enabled', type: 'boolean' },
  isAssignableToRole: { column: 'p.is_assignable_to_role', type: 'boolean' },
  createdDateTime: { column: 'p.created_at', type: 'instant' },
};

const map = (r: Selectable<PrincipalsTable>): Principal => ({
  tenantId: r.tenant_id,
  id: r.id,
  type: r.type,
  displayName: r.display_name,
  userPrincipalName: r.user_principal_name,
  mail: r.mail,
  accountEnabled: bool(r.account_enabled),
  isBreakGlass: bool(r.is_break_glass),
  isAssignableToRole: bool(r.is_assignable_to_role),
  description: r.description,
  managerId: r.manager_id,
  createdAt: r.created_at,
});

/** Filters on userPrincipalName compare case-insensitively, as the directory does (eq/ne/… and `in`). */
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
const lowerUpn = <Q extends { filter?: unknown }>(query: Q): Q =>
  JSON.parse(JSON.stringify(query), (_k, v) => {
    if (!v || typeof v !== 'object' || v.field !== 'userPrincipalName') return v;
    return Array.isArray(v.values) ? { ...v, values: v.values.map(lower) } : { ...v, value: lower(v.value) };
  });

/** Open PIM for Groups `member` assignments (in effect at `at`, or any window when null): timed membership edges. */
function memberGrantsOf(db: Kysely<Database>) {
  return (tenantId: string, at: Instant | null) => {
    let q = db
      .selectFrom('schedules')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'assignment')
      .where('closed', '=', 0)
      .where('role_definition_id', '=', GROUP_ROLE.member);
    if (at !== null) q = q.where('start_at', '<=', at).where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]));
    return q;
  };
}

/**
 * Open PIM for Groups `member` and `owner` schedules, eligible or active, that have not ended at
 * `at` (current or future): every way a principal is, or may become, a member of a group — an owner
 * can add itself.
 */
function potentialMembershipsOf(db: Kysely<Database>) {
  return (tenantId: string, at: Instant) =>
    db
      .selectFrom('schedules')
      .where('tenant_id', '=', tenantId)
      .where('closed', '=', 0)
      .where('role_definition_id', 'in', [GROUP_ROLE.member, GROUP_ROLE.owner])
      .where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', at)]));
}

export function principalsRepository(db: Kysely<Database>): PrincipalRepository {
  const memberGrants = memberGrantsOf(db);
  const potentialMemberships = potentialMembershipsOf(db);
  /**
   * One side of static membership: the members of a group (`group_id` given), or the groups a
   * principal is a direct member of (`member_id` given), as principals.
   */
  const staticMembership = (tenantId: string, given: 'group_id' | 'member_id', id: string, query: ListQuery) => {
    const other = given === 'group_id' ? 'm.member_id' : 'm.group_id';
    const base = db
      .selectFrom('group_members as m')
      .innerJoin('principals as p', (j) => j.onRef('p.tenant_id', '=', 'm.tenant_id').onRef('p.id', '=', other))
      .selectAll('p')
      .where('m.tenant_id', '=', tenantId)
      .where(`m.${given}`, '=', id);
    return listPage(base, lowerUpn(query), FIELDS, map);
  };

  return {
    async get(tenantId, id) {
      const row = await db.selectFrom('principals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? map(row) : null;
    },
    async getByUpn(tenantId, upn) {
      const row = await db.selectFrom('principals').selectAll().where('tenant_id', '=', tenantId).where('upn_key', '=', upn.toLowerCase()).executeTakeFirst();
      return row ? map(row) : null;
    },
    async insert(p) {
      try {
        await db
          .insertInto('principals')
          .values({
            tenant_id: p.tenantId,
            id: p.id,
            type: p.type,
            display_name: p.displayName,
            user_principal_name: p.userPrincipalName,
            upn_key: p.userPrincipalName?.toLowerCase() ?? null,
            mail: p.mail,
            account_enabled: int(p.accountEnabled),
            is_break_glass: int(p.isBreakGlass),
            is_assignable_to_role: int(p.isAssignableToRole),
            description: p.description,
            manager_id: p.managerId,
            created_at: p.createdAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'principals')) {
          throw new DomainError('ObjectConflict', `Another object with the same id or userPrincipalName '${p.userPrincipalName}' already exists.`);
        }
        throw error;
      }
    },
    list(tenantId, type, query) {
      const base = db.selectFrom('principals as p').selectAll('p').where('p.tenant_id', '=', tenantId).where('p.type', '=', type);
      return listPage(base, lowerUpn(query), FIELDS, map);
    },
    members: (tenantId, groupId, query) => staticMembership(tenantId, 'group_id', groupId, query),
    memberOf: (tenantId, memberId, query) => staticMembership(tenantId, 'member_id', memberId, query),
    async groupsOf(tenantId, principalId, at) {
      // Walk up nested groups breadth-first; the visited set stops cycles.
      const seen = new Set<string>();
      let frontier = [principalId];
      while (frontier.length > 0) {
        const [fixed, timed] = await Promise.all([
          db.selectFrom('group_members').select('group_id').where('tenant_id', '=', tenantId).where('member_id', 'in', frontier).execute(),
          memberGrants(tenantId, at).select('directory_scope_id').where('principal_id', 'in', frontier).execute(),
        ]);
        const up = [...fixed.map((r) => r.group_id), ...timed.flatMap((r) => groupOfScope(r.directory_scope_id) ?? [])];
        frontier = [...new Set(up)].filter((g) => !seen.has(g) && g !== principalId);
        for (const g of frontier) seen.add(g);
      }
      return [...seen];
    },
    async reachableGroups(tenantId, principalId, at) {
      const seen = new Set<string>();
      let frontier = [principalId];
      while (frontier.length > 0) {
        const [fixed, pim] = await Promise.all([
          db.selectFrom('group_members').select('group_id').where('tenant_id', '=', tenantId).where('member_id', 'in', frontier).execute(),
          potentialMemberships(tenantId, at).select('directory_scope_id').where('principal_id', 'in', frontier).execute(),
        ]);
        const up = [...fixed.map((r) => r.group_id), ...pim.flatMap((r) => groupOfScope(r.directory_scope_id) ?? [])];
        frontier = [...new Set(up)].filter((g) => !seen.has(g) && g !== principalId);
        for (const g of frontier) seen.add(g);
      }
      return [...seen];
    },
    async addMember(tenantId, groupId, memberId, at) {
      try {
        await db.insertInto('group_members').values({ tenant_id: tenantId, group_id: groupId, member_id: memberId, created_at: at }).execute();
      } catch (error) {
        if (isUniqueViolation(error, 'group_members')) {
          throw new DomainError('ObjectConflict', "One or more added object references already exist for the following modified properties: 'members'.");
        }
        throw error;
      }
    },
    async usersIn(tenantId, groupId, at) {
      const users = new Set<string>();
      const seen = new Set<string>([groupId]);
      let frontier = [groupId];
      while (frontier.length > 0) {
        const [fixed, timed] = await Promise.all([
          db.selectFrom('group_members').select('member_id').where('tenant_id', '=', tenantId).where('group_id', 'in', frontier).execute(),
          memberGrants(tenantId, at).select('principal_id as member_id').where('directory_scope_id', 'in', frontier.map(groupScope)).execute(),
        ]);
        const ids = [...new Set([...fixed, ...timed].map((r) => r.member_id))];
        const rows =
          ids.length === 0
            ? []
            : await db.selectFrom('principals').select(['id', 'type', 'account_enabled']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
        frontier = [];
        for (const r of rows) {
          if (r.type === 'user' && bool(r.account_enabled)) users.add(r.id);
          else if (r.type === 'group' && !seen.has(r.id)) {
            seen.add(r.id);
            frontier.push(r.id);
          }
        }
      }
      return [...users];
    },
    async setManager(tenantId, userId, managerId) {
      await db.updateTable('principals').set({ manager_id: managerId }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
    },
    async removeMember(tenantId, groupId, memberId) {
      const result = await db
        .deleteFrom('group_members')
        .where('tenant_id', '=', tenantId)
        .where('group_id', '=', groupId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
