import type { Kysely, Selectable } from 'kysely';
import type { ClientSecret, ClientSecretRepository } from '../../app/ports/identity.ts';
import type { ClientSecretsTable, Database } from '../schema.ts';

const map = (r: Selectable<ClientSecretsTable>): ClientSecret => ({
  tenantId: r.tenant_id,
  keyId: r.key_id,
  principalId: r.principal_id,
  displayName: r.display_name,
  hint: r.hint,
  secretHash: r.secret_hash,
  startAt: r.start_at,
  endAt: r.end_at,
  createdAt: r.created_at,
});

/** Service principals' client secrets, stored as hashes. */
export function clientSecretsRepository(db: Kysely<Database>): ClientSecretRepository {
  return {
    async list(tenantId, principalId) {
      const rows = await db
        .selectFrom('client_secrets')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('key_id')
        .execute();
      return rows.map(map);
    },
    async insert(s) {
      await db
        .insertInto('client_secrets')
        .values({
          tenant_id: s.tenantId,
          key_id: s.keyId,
          principal_id: s.principalId,
          display_name: s.displayName,
          hint: s.hint,
          secret_hash: s.secretHash,
          start_at: s.startAt,
          end_at: s.endAt,
          created_at: s.createdAt,
        })
        .execute();
    },
    async remove(tenantId, principalId, keyId) {
      const result = await db
        .deleteFrom('client_secrets')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
