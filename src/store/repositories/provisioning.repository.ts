import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ProvisionedPrincipal, ProvisioningRepository, ScimToken } from '../../app/ports/provisioning.ts';
import { DomainError } from '../../domain/errors.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import type { Database, PrincipalsTable, ScimTokensTable } from '../schema.ts';
import { bool } from './json.ts';

const toToken = (r: Selectable<ScimTokensTable>): ScimToken => ({
  tenantId: r.tenant_id,
  id: r.id,
  displayName: r.display_name,
  hint: r.hint,
  tokenHash: r.token_hash,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  endAt: Number(r.end_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

const toProvisioned = (r: Selectable<PrincipalsTable>): ProvisionedPrincipal => ({
  principal: {
    tenantId: r.tenant_id,
    id: r.id,
    type: r.type,
    displayName: r.display_name,
    userPrincipalName: r.user_principal_name,
    mail: r.mail,
    accountEnabled: bool(r.account_enabled),
    isBreakGlass: bool(r.is_break_glass),
    isAssignableToRole: bool(r.is_assignable_to_role),
    description: r.description,
    managerId: r.manager_id,
    createdAt: Number(r.created_at),
  },
  scim: { externalId: r.external_id, givenName: r.given_name, familyName: r.family_name },
});

/** SCIM tokens and the SCIM side of principals (migration 0008). */
export function provisioningRepository(db: Kysely<Database>): ProvisioningRepository {
  const visible = (tenantId: string) => db.selectFrom('principals').where('tenant_id', '=', tenantId).where('scim_deleted_at', 'is', null);
  return {
    async insertToken(t) {
      await db
        .insertInto('scim_tokens')
        .values({
          tenant_id: t.tenantId,
          id: t.id,
          display_name: t.displayName,
          hint: t.hint,
          token_hash: t.tokenHash,
          created_by: t.createdBy,
          created_at: t.createdAt,
          end_at: t.endAt,
          revoked_at: t.revokedAt,
        })
        .execute();
    },
    async tokenByHash(hash) {
      const row = await db.selectFrom('scim_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return row ? toToken(row) : null;
    },
    async listTokens(tenantId) {
      const rows = await db.selectFrom('scim_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toToken);
    },
    async revokeToken(tenantId, id, at) {
      const result = await db
        .updateTable('scim_tokens')
        .set({ revoked_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async get(tenantId, type, id) {
      const row = await visible(tenantId).selectAll().where('type', '=', type).where('id', '=', id).executeTakeFirst();
      return row ? toProvisioned(row) : null;
    },
    async find(tenantId, type, match, offset, limit) {
      let q = visible(tenantId).where('type', '=', type);
      if (match.id !== undefined) q = q.where('id', '=', match.id);
      if (match.userName !== undefined) q = q.where('upn_key', '=', match.userName.toLowerCase());
      if (match.externalId !== undefined) q = q.where('external_id', '=', match.externalId);
      if (match.displayName !== undefined) q = q.where('display_name', '=', match.displayName);
      const [count, rows] = await Promise.all([
        q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
        limit === 0 ? Promise.resolve([]) : q.selectAll().orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute(),
      ]);
      return { total: Number(count.n), items: rows.map(toProvisioned) };
    },
    async update(tenantId, id, c) {
      const set: Updateable<PrincipalsTable> = {};
      if (c.displayName !== undefined) set.display_name = c.displayName;
      if (c.userPrincipalName !== undefined) {
        set.user_principal_name = c.userPrincipalName;
        set.upn_key = c.userPrincipalName.toLowerCase();
      }
      if (c.mail !== undefined) set.mail = c.mail;
      if (c.externalId !== undefined) set.external_id = c.externalId;
      if (c.givenName !== undefined) set.given_name = c.givenName;
      if (c.familyName !== undefined) set.family_name = c.familyName;
      if (Object.keys(set).length === 0) return;
      try {
        await db.updateTable('principals').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
      } catch (error) {
        if (isUniqueViolation(error, 'principals') || isUniqueViolation(error, 'principals', 'principals_external_id')) {
          throw new DomainError('ObjectConflict', 'Another object of this tenant already has this userName or externalId.');
        }
        throw error;
      }
    },
    async markDeleted(tenantId, id, at) {
      await db.updateTable('principals').set({ scim_deleted_at: at, external_id: null }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async openScheduleIds(tenantId, principalId) {
      const rows = await db
        .selectFrom('schedules')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('closed', '=', 0)
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async openScheduleIdsAt(tenantId, scopeId) {
      const rows = await db
        .selectFrom('schedules')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('directory_scope_id', '=', scopeId)
        .where('closed', '=', 0)
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async pendingRequestIds(tenantId, principalId) {
      const rows = await db
        .selectFrom('schedule_requests')
        .select(['kind', 'id'])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('is_pending', '=', 1)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ kind: r.kind, id: r.id }));
    },
  };
}
