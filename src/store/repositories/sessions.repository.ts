import type { Kysely, Selectable } from 'kysely';
import type { PendingCode, Session, SessionKind, SessionRepository } from '../../app/ports/sessions.ts';
import type { Database, SessionsTable } from '../schema.ts';
import { fromJson, toJson } from './json.ts';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

const map = (r: Selectable<SessionsTable>): Session => ({
  tenantId: r.tenant_id,
  id: r.id,
  principalId: r.principal_id,
  kind: r.kind as SessionKind,
  method: r.method,
  secretHash: r.secret_hash,
  amr: fromJson<string[]>(r.amr),
  acrs: fromJson<string[]>(r.acrs),
  authTime: num(r.auth_time),
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  expiresAt: Number(r.expires_at),
  revokedAt: num(r.revoked_at),
  revokedReason: r.revoked_reason,
  sourceIp: r.source_ip,
});

/** Sign-in sessions. One-time codes are cleared by the statement that reads them. */
export function sessionsRepository(db: Kysely<Database>): SessionRepository {
  return {
    async insert(s, code) {
      await db
        .insertInto('sessions')
        .values({
          tenant_id: s.tenantId,
          id: s.id,
          principal_id: s.principalId,
          kind: s.kind,
          method: s.method,
          secret_hash: s.secretHash,
          amr: toJson(s.amr),
          acrs: toJson(s.acrs),
          auth_time: s.authTime,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          expires_at: s.expiresAt,
          revoked_at: s.revokedAt,
          revoked_reason: s.revokedReason,
          source_ip: s.sourceIp,
          code_hash: code?.codeHash ?? null,
          code_challenge: code?.challenge ?? null,
          code_redirect_uri: code?.redirectUri ?? null,
          code_expires_at: code?.expiresAt ?? null,
        })
        .execute();
    },
    async get(tenantId, id) {
      const row = await db.selectFrom('sessions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? map(row) : null;
    },
    async bySecretHash(secretHash) {
      const row = await db.selectFrom('sessions').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row ? map(row) : null;
    },
    async redeemCode(codeHash, now) {
      const row = await db.selectFrom('sessions').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!row || row.code_challenge === null || row.code_redirect_uri === null || row.code_expires_at === null) return null;
      // Clear the code whatever happens next: a code is tried once.
      const cleared = await db
        .updateTable('sessions')
        .set({ code_hash: null, code_challenge: null, code_redirect_uri: null, code_expires_at: null })
        .where('tenant_id', '=', row.tenant_id)
        .where('id', '=', row.id)
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      if (Number(cleared.numUpdatedRows) !== 1 || Number(row.code_expires_at) <= now) return null;
      const code: PendingCode = { codeHash, challenge: row.code_challenge, redirectUri: row.code_redirect_uri, expiresAt: Number(row.code_expires_at) };
      return { ...map(row), code };
    },
    async touch(tenantId, id, at) {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('last_seen_at', '<', at)
        .execute();
    },
    async updateAuthentication(tenantId, id, amr, acrs, authTime) {
      await db
        .updateTable('sessions')
        .set({ amr: toJson(amr), acrs: toJson(acrs), auth_time: authTime, last_seen_at: authTime })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },
    async revoke(tenantId, id, at, reason) {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason, code_hash: null })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revokeAllOf(tenantId, principalId, at, reason) {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason, code_hash: null })
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async openOf(tenantId, principalId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(map);
    },
  };
}
