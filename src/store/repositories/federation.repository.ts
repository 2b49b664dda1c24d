import { sql, type Kysely, type Selectable } from 'kysely';
import type { FederatedIdentity, FederationRepository, PendingFederatedSignIn } from '../../app/ports/federation.ts';
import { DomainError } from '../../domain/errors.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import type { Database, FederatedIdentitiesTable, OidcFlowsTable } from '../schema.ts';

const map = (r: Selectable<FederatedIdentitiesTable>): FederatedIdentity => ({
  tenantId: r.tenant_id,
  issuer: r.issuer,
  subject: r.subject,
  principalId: r.principal_id,
  createdAt: Number(r.created_at),
  lastSignInAt: r.last_sign_in_at === null ? null : Number(r.last_sign_in_at),
});

const mapFlow = (r: Selectable<OidcFlowsTable>): PendingFederatedSignIn => ({
  tenantId: r.tenant_id,
  stateHash: r.state_hash,
  nonce: r.nonce,
  codeVerifier: r.code_verifier,
  returnTo: r.return_to,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

const linked = () => new DomainError('ObjectConflict', 'This identity provider account is linked to a principal already.');

/** Federated identities and pending OIDC sign-ins. "Use once" is a conditional DELETE the database decides. */
export function federationRepository(db: Kysely<Database>): FederationRepository {
  return {
    async find(tenantId, issuer, subject) {
      const row = await db
        .selectFrom('federated_identities')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row ? map(row) : null;
    },
    async linksOf(tenantId, principalId) {
      const rows = await db
        .selectFrom('federated_identities')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('issuer')
        .orderBy('subject')
        .execute();
      return rows.map(map);
    },
    async link(i) {
      // Write transactions run one at a time (store.ts), so the check decides; the key catches the rest
      // (checking first keeps a PostgreSQL transaction usable after a refusal).
      const exists = await db
        .selectFrom('federated_identities')
        .select('principal_id')
        .where('tenant_id', '=', i.tenantId)
        .where('issuer', '=', i.issuer)
        .where('subject', '=', i.subject)
        .executeTakeFirst();
      if (exists) throw linked();
      try {
        await db
          .insertInto('federated_identities')
          .values({
            tenant_id: i.tenantId,
            issuer: i.issuer,
            subject: i.subject,
            principal_id: i.principalId,
            created_at: i.createdAt,
            last_sign_in_at: i.lastSignInAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'federated_identities', 'federated_identities_pk')) throw linked();
        throw error;
      }
    },
    async recordSignIn(tenantId, issuer, subject, at) {
      await db
        .updateTable('federated_identities')
        .set({ last_sign_in_at: at })
        .where('tenant_id', '=', tenantId)
        .where('issuer', '=', issuer)
        .where('subject', '=', subject)
        .execute();
    },
    async usersByEmail(tenantId, email) {
      const key = email.toLowerCase();
      const rows = await db
        .selectFrom('principals')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('type', '=', 'user')
        .where((eb) => eb.or([eb('upn_key', '=', key), eb(sql<string>`lower(mail)`, '=', key)]))
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async putFlow(f: PendingFederatedSignIn) {
      // Abandoned sign-ins go as new ones arrive: the table holds at most one lifetime's worth.
      await db.deleteFrom('oidc_flows').where('expires_at', '<=', f.createdAt).execute();
      await db
        .insertInto('oidc_flows')
        .values({
          state_hash: f.stateHash,
          tenant_id: f.tenantId,
          nonce: f.nonce,
          code_verifier: f.codeVerifier,
          return_to: f.returnTo,
          created_at: f.createdAt,
          expires_at: f.expiresAt,
        })
        .execute();
    },
    async findFlow(stateHash, now) {
      const row = await db.selectFrom('oidc_flows').selectAll().where('state_hash', '=', stateHash).where('expires_at', '>', now).executeTakeFirst();
      return row ? mapFlow(row) : null;
    },
    async takeFlow(stateHash, now) {
      await db.deleteFrom('oidc_flows').where('expires_at', '<=', now).execute();
      const row = await db.selectFrom('oidc_flows').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      if (!row) return null;
      const deleted = await db.deleteFrom('oidc_flows').where('state_hash', '=', stateHash).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return null;
      return mapFlow(row);
    },
  };
}
