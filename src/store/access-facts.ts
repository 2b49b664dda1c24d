/** Loads what the access index is built from, in a few bulk queries per tenant. */
import type { Kysely } from 'kysely';
import type { AccessFacts } from '../app/ports/access.ts';
import type { Database } from './schema.ts';
import { rolesRepository } from './repositories/roles.repository.ts';
import { scopesRepository } from './repositories/scopes.repository.ts';

const ALL = { orderBy: [], top: 1_000_000, skip: 0, count: false } as const;

export function accessFacts(db: Kysely<Database>): AccessFacts {
  return {
    async tenantIds() {
      return (await db.selectFrom('tenants').select('id').execute()).map((r) => r.id);
    },
    async snapshot(tenantId) {
      const [roles, scopes, memberships, grants, disabled] = await Promise.all([
        rolesRepository(db).list(tenantId, ALL),
        scopesRepository(db).list(tenantId, ALL),
        db.selectFrom('group_members').select(['group_id', 'member_id']).where('tenant_id', '=', tenantId).execute(),
        db
          .selectFrom('schedules')
          .select(['id', 'principal_id', 'role_definition_id', 'directory_scope_id', 'start_at', 'end_at'])
          .where('tenant_id', '=', tenantId)
          .where('kind', '=', 'assignment')
          .where('closed', '=', 0)
          .execute(),
        db.selectFrom('principals').select('id').where('tenant_id', '=', tenantId).where('account_enabled', '=', 0).execute(),
      ]);
      return {
        roles: [...roles.items],
        scopes: [...scopes.items],
        memberships: memberships.map((m) => ({ groupId: m.group_id, memberId: m.member_id })),
        grants: grants.map((g) => ({
          id: g.id,
          principalId: g.principal_id,
          roleDefinitionId: g.role_definition_id,
          scopeId: g.directory_scope_id,
          startAt: g.start_at,
          endAt: g.end_at,
        })),
        disabled: disabled.map((r) => r.id),
      };
    },
  };
}
