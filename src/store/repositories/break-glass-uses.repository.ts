import type { Kysely } from 'kysely';
import type { BreakGlassUseRepository } from '../../app/ports/break-glass.ts';
import type { Database } from '../schema.ts';

/** Break-glass uses already recorded: the primary key (tenant, use key) makes each use count once across nodes. */
export function breakGlassUsesRepository(db: Kysely<Database>): BreakGlassUseRepository {
  return {
    async record(u) {
      const result = await db
        .insertInto('break_glass_uses')
        .values({ tenant_id: u.tenantId, use_key: u.useKey, principal_id: u.principalId, first_used_at: u.at })
        .onConflict((oc) => oc.columns(['tenant_id', 'use_key']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async isRecorded(tenantId, useKey) {
      const row = await db.selectFrom('break_glass_uses').select('use_key').where('tenant_id', '=', tenantId).where('use_key', '=', useKey).executeTakeFirst();
      return row !== undefined;
    },
  };
}
