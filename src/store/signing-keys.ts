import type { Kysely } from 'kysely';
import type { SigningKeyStore } from '../app/ports/tokens.ts';
import type { Database } from './schema.ts';

export function signingKeyStore(db: Kysely<Database>): SigningKeyStore {
  return {
    async all() {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({ kid: r.kid, privateJwk: JSON.parse(r.private_jwk), publicJwk: JSON.parse(r.public_jwk), createdAt: r.created_at }));
    },
    async insert(key) {
      await db
        .insertInto('signing_keys')
        .values({ kid: key.kid, private_jwk: JSON.stringify(key.privateJwk), public_jwk: JSON.stringify(key.publicJwk), created_at: key.createdAt })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute();
    },
  };
}
