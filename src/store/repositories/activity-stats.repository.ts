import type { Kysely } from 'kysely';
import type { ActivityStats } from '../../app/ports/notifications.ts';
import type { Database } from '../schema.ts';

const TOP_ROLES = 5;

/** The numbers of the weekly digest, counted in SQL over the schedules table. */
export function activityStatsRepository(db: Kysely<Database>): ActivityStats {
  const created = (tenantId: string, from: number, to: number) =>
    db.selectFrom('schedules').where('tenant_id', '=', tenantId).where('created_at', '>=', from).where('created_at', '<', to);
  const count = async (query: ReturnType<typeof created>) => Number((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  return {
    async tenantIds() {
      return (await db.selectFrom('tenants').select('id').orderBy('created_at').execute()).map((r) => r.id);
    },
    async week(tenantId, from, to, at) {
      const activated = created(tenantId, from, to).where('kind', '=', 'assignment').where('assignment_type', '=', 'Activated');
      const byRole = await activated
        .select((eb) => ['role_definition_id', eb.fn.countAll().as('n')])
        .groupBy('role_definition_id')
        .orderBy('n', 'desc')
        .orderBy('role_definition_id')
        .limit(TOP_ROLES)
        .execute();
      // Every grant OpenPIM makes names the request that made it; one that does not came from elsewhere.
      const outside = await db
        .selectFrom('schedules as s')
        .leftJoin('schedule_requests as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.created_using'))
        .where('s.tenant_id', '=', tenantId)
        .where('s.kind', '=', 'assignment')
        .where('s.assignment_type', '=', 'Assigned')
        .where('s.closed', '=', 0)
        .where('s.start_at', '<=', at)
        .where('r.id', 'is', null)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return {
        activations: await count(activated),
        activationsByRole: byRole.map((r) => ({ roleDefinitionId: r.role_definition_id, count: Number(r.n) })),
        newPermanentActive: await count(
          created(tenantId, from, to).where('kind', '=', 'assignment').where('assignment_type', '=', 'Assigned').where('end_at', 'is', null),
        ),
        newPermanentEligible: await count(created(tenantId, from, to).where('kind', '=', 'eligibility').where('end_at', 'is', null)),
        outsidePim: Number(outside.n),
      };
    },
  };
}
