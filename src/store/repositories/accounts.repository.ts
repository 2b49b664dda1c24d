import type { Kysely } from 'kysely';
import type { AccountRepository } from '../../app/ports/identity.ts';
import { CLEAN_STATE } from '../../domain/identity/lockout.ts';
import type { Database } from '../schema.ts';
import { int } from './json.ts';

/** Passwords, lockout state and the enabled flag of local accounts. */
export function accountsRepository(db: Kysely<Database>): AccountRepository {
  return {
    async password(tenantId, principalId) {
      const row = await db
        .selectFrom('password_credentials')
        .select(['hash', 'set_at'])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .executeTakeFirst();
      return row ? { hash: row.hash, setAt: row.set_at } : null;
    },
    async upgradeHash(tenantId, principalId, oldHash, newHash) {
      await db
        .updateTable('password_credentials')
        .set({ hash: newHash })
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('hash', '=', oldHash)
        .execute();
    },
    async setPassword(tenantId, principalId, hash, at, setBy) {
      await db
        .insertInto('password_credentials')
        .values({ tenant_id: tenantId, principal_id: principalId, hash, set_at: at, set_by: setBy })
        .onConflict((oc) => oc.columns(['tenant_id', 'principal_id']).doUpdateSet({ hash, set_at: at, set_by: setBy }))
        .execute();
    },
    async signInState(tenantId, principalId) {
      const row = await db
        .selectFrom('sign_in_states')
        .select(['failures', 'lockouts', 'locked_until', 'last_failure_at'])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .executeTakeFirst();
      return row ? { failures: row.failures, lockouts: row.lockouts, lockedUntil: row.locked_until, lastFailureAt: row.last_failure_at } : CLEAN_STATE;
    },
    async saveSignInState(tenantId, principalId, s) {
      const values = { failures: s.failures, lockouts: s.lockouts, locked_until: s.lockedUntil, last_failure_at: s.lastFailureAt };
      await db
        .insertInto('sign_in_states')
        .values({ tenant_id: tenantId, principal_id: principalId, ...values, last_sign_in_at: null })
        .onConflict((oc) => oc.columns(['tenant_id', 'principal_id']).doUpdateSet(values))
        .execute();
    },
    async recordSignIn(tenantId, principalId, at) {
      const values = { failures: 0, lockouts: 0, locked_until: null, last_failure_at: null, last_sign_in_at: at };
      await db
        .insertInto('sign_in_states')
        .values({ tenant_id: tenantId, principal_id: principalId, ...values })
        .onConflict((oc) => oc.columns(['tenant_id', 'principal_id']).doUpdateSet(values))
        .execute();
    },
    async lastSignInAt(tenantId, principalId) {
      const row = await db
        .selectFrom('sign_in_states')
        .select('last_sign_in_at')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .executeTakeFirst();
      return row?.last_sign_in_at ?? null;
    },
    async setAccountEnabled(tenantId, principalId, enabled) {
      await db
        .updateTable('principals')
        .set({ account_enabled: int(enabled) })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', principalId)
        .execute();
    },
    async isPrivileged(tenantId, principalIds, at) {
      if (principalIds.length === 0) return false;
      const breakGlass = await db
        .selectFrom('principals')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', [...principalIds])
        .where('is_break_glass', '=', 1)
        .limit(1)
        .executeTakeFirst();
      if (breakGlass) return true;
      const grant = await db
        .selectFrom('schedules as s')
        .innerJoin('role_definitions as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.role_definition_id'))
        .select('s.id')
        .where('s.tenant_id', '=', tenantId)
        .where('s.principal_id', 'in', [...principalIds])
        .where('s.closed', '=', 0)
        .where((eb) => eb.or([eb('s.end_at', 'is', null), eb('s.end_at', '>', at)]))
        .where('r.is_privileged', '=', 1)
        .limit(1)
        .executeTakeFirst();
      return grant !== undefined;
    },
  };
}
