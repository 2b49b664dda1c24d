import type { Kysely, Selectable } from 'kysely';
import type { ClientKey, ClientKeyRepository } from '../../app/ports/identity.ts';
import type { ClientKeysTable, Database } from '../schema.ts';

const map = (r: Selectable<ClientKeysTable>): ClientKey => ({
  tenantId: r.tenant_id,
  keyId: r.key_id,
  principalId: r.principal_id,
  displayName: r.display_name,
  kind: r.key_kind === 'EC' ? 'EC' : 'RSA',
  thumbprint: r.thumbprint,
  thumbprintSha256: r.thumbprint_sha256,
  certificate: r.certificate,
  startAt: Number(r.start_at),
  endAt: Number(r.end_at),
  createdAt: Number(r.created_at),
});

/** Service principals' certificates, and the client assertion ids already used (one use each). */
export function clientKeysRepository(db: Kysely<Database>): ClientKeyRepository {
  return {
    async list(tenantId, principalId) {
      const rows = await db
        .selectFrom('client_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('key_id')
        .execute();
      return rows.map(map);
    },
    async insert(k) {
      await db
        .insertInto('client_keys')
        .values({
          tenant_id: k.tenantId,
          key_id: k.keyId,
          principal_id: k.principalId,
          display_name: k.displayName,
          key_kind: k.kind,
          thumbprint: k.thumbprint,
          thumbprint_sha256: k.thumbprintSha256,
          certificate: k.certificate,
          start_at: k.startAt,
          end_at: k.endAt,
          created_at: k.createdAt,
        })
        .execute();
    },
    async remove(tenantId, principalId, keyId) {
      const result = await db
        .deleteFrom('client_keys')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async useAssertion(u, now) {
      await db.deleteFrom('client_assertion_uses').where('expires_at', '<', now).execute();
      const result = await db
        .insertInto('client_assertion_uses')
        .values({ tenant_id: u.tenantId, principal_id: u.principalId, jti: u.jti, expires_at: u.expiresAt })
        .onConflict((oc) => oc.columns(['tenant_id', 'principal_id', 'jti']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}
