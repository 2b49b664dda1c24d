import type { Kysely } from 'kysely';
import type { Tenant, TenantRepository } from '../../app/ports/repositories.ts';
import type { Database } from '../schema.ts';

export function tenantsRepository(db: Kysely<Database>): TenantRepository {
  const map = (r: { id: string; display_name: string; created_at: number }): Tenant => ({
    id: r.id,
    displayName: r.display_name,
    createdAt: r.created_at,
  });
  return {
    async first() {
      const row = await db.selectFrom('tenants').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
      return row ? map(row) : null;
    },
    async get(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? map(row) : null;
    },
    async insert(t) {
      await db.insertInto('tenants').values({ id: t.id, display_name: t.displayName, created_at: t.createdAt }).execute();
    },
  };
}
