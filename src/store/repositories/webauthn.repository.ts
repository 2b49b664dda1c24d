import type { Kysely, Selectable } from 'kysely';
import type { WebAuthnChallenge, WebAuthnCredential, WebAuthnPurpose, WebAuthnRepository } from '../../app/ports/webauthn.ts';
import type { Database, WebAuthnCredentialsTable } from '../schema.ts';
import { bool, fromJson, int, toJson } from './json.ts';

const map = (r: Selectable<WebAuthnCredentialsTable>): WebAuthnCredential => ({
  tenantId: r.tenant_id,
  id: r.id,
  principalId: r.principal_id,
  publicKey: r.public_key,
  counter: Number(r.counter),
  transports: fromJson<string[]>(r.transports) ?? [],
  hardware: bool(r.hardware),
  attachment: r.attachment,
  aaguid: r.aaguid,
  backedUp: bool(r.backed_up),
  displayName: r.display_name,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

/** WebAuthn credentials and challenges. "Use once" and "counter only goes up" are conditional statements the database decides. */
export function webauthnRepository(db: Kysely<Database>): WebAuthnRepository {
  return {
    async list(tenantId, principalId) {
      const rows = await db
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(map);
    },
    async get(tenantId, credentialId) {
      const row = await db.selectFrom('webauthn_credentials').selectAll().where('tenant_id', '=', tenantId).where('id', '=', credentialId).executeTakeFirst();
      return row ? map(row) : null;
    },
    async insert(c) {
      const exists = await db.selectFrom('webauthn_credentials').select('id').where('tenant_id', '=', c.tenantId).where('id', '=', c.id).executeTakeFirst();
      if (exists) return false;
      // Write transactions run one at a time (store.ts), so the check above decides.
      await db
        .insertInto('webauthn_credentials')
        .values({
          tenant_id: c.tenantId,
          id: c.id,
          principal_id: c.principalId,
          public_key: c.publicKey,
          counter: c.counter,
          transports: toJson(c.transports),
          hardware: int(c.hardware),
          attachment: c.attachment,
          aaguid: c.aaguid,
          backed_up: int(c.backedUp),
          display_name: c.displayName,
          created_at: c.createdAt,
          last_used_at: c.lastUsedAt,
        })
        .execute();
      return true;
    },
    async use(tenantId, credentialId, counter, at) {
      const result = await db
        .updateTable('webauthn_credentials')
        .set({ counter, last_used_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', credentialId)
        // A counting authenticator must move forward; one that never counts stays at 0 (replays are stopped by the single-use challenge).
        .where('counter', counter === 0 ? '=' : '<', counter)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async remove(tenantId, principalId, credentialId) {
      const result = await db
        .deleteFrom('webauthn_credentials')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('id', '=', credentialId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async putChallenge(c) {
      await db
        .insertInto('webauthn_challenges')
        .values({
          tenant_id: c.tenantId,
          challenge: c.challenge,
          principal_id: c.principalId,
          purpose: c.purpose,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
        })
        .execute();
    },
    async takeChallenge(tenantId, challenge, principalId, purpose: WebAuthnPurpose, now) {
      await db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
      // Only the principal's own challenge of this purpose is taken: someone else presenting it
      // (a stolen response) must not use it up for its owner.
      const row = await db
        .selectFrom('webauthn_challenges')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('challenge', '=', challenge)
        .where('principal_id', '=', principalId)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      if (!row) return null;
      const deleted = await db
        .deleteFrom('webauthn_challenges')
        .where('tenant_id', '=', tenantId)
        .where('challenge', '=', challenge)
        .where('principal_id', '=', principalId)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return null;
      const taken: WebAuthnChallenge = {
        tenantId: row.tenant_id,
        challenge: row.challenge,
        principalId: row.principal_id,
        purpose: row.purpose as WebAuthnPurpose,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
      };
      return taken;
    },
  };
}
