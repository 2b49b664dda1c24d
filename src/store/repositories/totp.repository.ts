import type { Kysely, Selectable } from 'kysely';
import type { TotpFactor, TotpRepository } from '../../app/ports/identity.ts';
import type { Database, TotpFactorsTable } from '../schema.ts';
import { bool, int } from './json.ts';

const map = (r: Selectable<TotpFactorsTable>): TotpFactor => ({
  tenantId: r.tenant_id,
  id: r.id,
  principalId: r.principal_id,
  secret: r.secret,
  active: bool(r.active),
  createdAt: r.created_at,
  confirmedAt: r.confirmed_at,
  lastUsedStep: r.last_used_step,
});

/** TOTP factors and recovery codes. "Use once" is a conditional UPDATE the database decides. */
export function totpRepository(db: Kysely<Database>): TotpRepository {
  return {
    async get(tenantId, principalId, active) {
      const row = await db
        .selectFrom('totp_factors')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('active', '=', int(active))
        .executeTakeFirst();
      return row ? map(row) : null;
    },
    async putPending(f) {
      await db.deleteFrom('totp_factors').where('tenant_id', '=', f.tenantId).where('principal_id', '=', f.principalId).where('active', '=', 0).execute();
      await db
        .insertInto('totp_factors')
        .values({
          tenant_id: f.tenantId,
          id: f.id,
          principal_id: f.principalId,
          secret: f.secret,
          active: 0,
          created_at: f.createdAt,
          confirmed_at: null,
          last_used_step: null,
        })
        .execute();
    },
    async activate(tenantId, factorId, at) {
      const pending = await db
        .selectFrom('totp_factors')
        .select('principal_id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', factorId)
        .where('active', '=', 0)
        .executeTakeFirstOrThrow();
      await db.deleteFrom('totp_factors').where('tenant_id', '=', tenantId).where('principal_id', '=', pending.principal_id).where('active', '=', 1).execute();
      await db.updateTable('totp_factors').set({ active: 1, confirmed_at: at }).where('tenant_id', '=', tenantId).where('id', '=', factorId).execute();
    },
    async useStep(tenantId, factorId, step) {
      const result = await db
        .updateTable('totp_factors')
        .set({ last_used_step: step })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', factorId)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async remove(tenantId, principalId) {
      const active = await db
        .selectFrom('totp_factors')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('active', '=', 1)
        .executeTakeFirst();
      await db.deleteFrom('totp_factors').where('tenant_id', '=', tenantId).where('principal_id', '=', principalId).execute();
      await db.deleteFrom('recovery_codes').where('tenant_id', '=', tenantId).where('principal_id', '=', principalId).execute();
      return active !== undefined;
    },
    async replaceRecoveryCodes(tenantId, principalId, hashes, at) {
      await db.deleteFrom('recovery_codes').where('tenant_id', '=', tenantId).where('principal_id', '=', principalId).execute();
      if (hashes.length === 0) return;
      await db
        .insertInto('recovery_codes')
        .values(hashes.map((h) => ({ tenant_id: tenantId, principal_id: principalId, code_hash: h, created_at: at, used_at: null })))
        .execute();
    },
    async useRecoveryCode(tenantId, principalId, hash, at) {
      const result = await db
        .updateTable('recovery_codes')
        .set({ used_at: at })
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async remainingRecoveryCodes(tenantId, principalId) {
      const row = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
