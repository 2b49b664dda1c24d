/**
 * The fuzzer's world: the authorization matrix's (users, groups, requests, approvals, policies, a
 * service principal with a secret, …) on a chosen database, the callers, and per route the seeds
 * and real path parameter values the fuzzer starts from.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema.ts';
import type { TestDatabase } from '../databases.ts';
import type { HttpHarness } from '../http-harness.ts';
import { GROUP_ROLE, groupScope } from '../../../src/domain/group-access.ts';
import { ROLE } from '../../../src/domain/roles/catalogue.ts';
import { addKeyBody, addSecret, api, buildWorldOn, enrollTotp, pendingApproval, registerKey, w, who } from '../authorization-matrix-fixtures.ts';
import { TEST_RELYING_PARTY } from '../http-harness.ts';
import { SoftAuthenticator } from '../soft-authenticator.ts';
import { scheduleOf } from '../scenario.ts';
import type { CallerName, Seed } from './bodies.ts';
import { documentedSeeds } from './documented.ts';
import { routesOfDocument, routeTable, type Route, routeKey } from './routes.ts';
import { paramValuesOf, seedsOf } from './seeds.ts';
import { tablesOf } from './state.ts';

export interface FuzzWorld {
  readonly database: string;
  readonly api: HttpHarness;
  readonly db: Kysely<Database>;
  readonly tables: readonly string[];
  /** Bearer tokens of the callers that have one (a bad token is made per request, fuzz/requests.ts). */
  readonly bearer: Readonly<Record<'admin' | 'user' | 'scim' | 'nobody', string>>;
  readonly writeRoutes: readonly Route[];
  /** GET routes, from the router and (for wildcards the router's print loses) the OpenAPI document. */
  readonly readRoutes: readonly Route[];
  /** Routes /openapi.json documents as writes: each must be in writeRoutes. */
  readonly documentedWrites: readonly Route[];
  seedsFor(route: Route): readonly Seed[];
  /** The principal a caller acts as, if any. */
  principalOf(caller: CallerName): string | null;
  paramValues(route: Route, name: string): readonly string[];
  close(): Promise<void>;
}

export async function openFuzzWorld(database: TestDatabase): Promise<FuzzWorld> {
  await buildWorldOn(database);
  // Past the five minutes an assignment must stay active, so removing Alice's is a valid seed.
  api.clock.advance('PT10M');
  const admin = await api.token(api.admin);
  const user = await api.token(who.user!);
  const created = async (url: string, body: unknown, status = 201) => {
    const res = await api.call(admin, 'POST', url, body);
    if (res.statusCode !== status) throw new Error(`setting up the fuzz world: POST ${url} → ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, string>;
  };
  const scim = await created('/openpim/scim/tokens', { displayName: 'Fuzz SCIM caller' });
  const spare = await created('/openpim/scim/tokens', { displayName: 'Fuzz SCIM spare' });
  const secret = await addSecret(w.sp.id);
  const cert = await created(`/v1.0/servicePrincipals/${w.sp.id}/addKey`, addKeyBody, 200);
  // The ordinary user is eligible for what the selfActivate seeds ask (fuzz/seeds.ts), so those reach
  // the policy checks, and has an authenticator app, so wrong step-up codes reach the code check.
  const H = api.h;
  for (const [roleDefinitionId, directoryScopeId] of [
    [ROLE.reader, '/subscriptions/s1'],
    [GROUP_ROLE.member, groupScope(w.group.id)],
  ] as const) {
    await H.submit(H.admin, {
      kind: 'eligibility',
      action: 'adminAssign',
      principalId: who.user!.id,
      roleDefinitionId,
      directoryScopeId,
      scheduleInfo: scheduleOf(H, 'permanent'),
    });
  }
  await enrollTotp(who.user!);
  // The administrator has a security key; the step-up assertion and a second key's registration
  // answer the challenges now pending, so each seed is valid once and its mutations reach the verification.
  const key = await registerKey(admin);
  const assertion = key.assert((await created('/openpim/auth/webauthn/stepup/options', {}, 200)) as { challenge: string });
  const registration = new SoftAuthenticator({ rpId: TEST_RELYING_PARTY.id, origin: TEST_RELYING_PARTY.origins[0]! }).register(
    (await created('/openpim/auth/webauthn/register/options', {}, 200)) as { challenge: string },
  );
  const extras = {
    tenantId: H.tenantId,
    spareScimTokenId: spare.id!,
    secretKeyId: secret.keyId,
    certKeyId: cert.keyId!,
    pendingApprovalId: await pendingApproval(),
    registration,
    assertion,
  };

  // Each caller's first request as itself is where a break-glass use is recorded (the bootstrap
  // administrator is a break-glass account): do it here, before any state is compared.
  await api.call(admin, 'GET', '/v1.0/me');

  const paths = (await api.call(null, 'GET', '/openapi.json')).json().paths as Record<string, Record<string, never>>;
  const documented = routesOfDocument(paths);
  const table = routeTable(api.app);
  const known = new Set(table.read.map(routeKey));
  const seeds = seedsOf(extras);
  const fromDocs = documentedSeeds(paths);
  const params = paramValuesOf(extras);
  return {
    database: database.name,
    api,
    db: api.h.store.db,
    tables: await tablesOf(api.h.store.db),
    bearer: { admin, user, scim: scim.token!, nobody: await api.token('00000000-0000-4000-8000-0000000000aa') },
    writeRoutes: table.write,
    readRoutes: [...table.read, ...documented.filter((r) => r.method === 'GET' && !known.has(routeKey(r)))],
    documentedWrites: documented.filter((r) => r.method !== 'GET'),
    // A route nobody wrote seeds for starts from its documented schema.
    seedsFor: (route) => seeds[routeKey(route)] ?? (fromDocs[routeKey(route)] ? [fromDocs[routeKey(route)]!] : []),
    paramValues: (route, name) => params(route.path, name),
    principalOf: (caller) => (caller === 'admin' ? api.admin.id : caller === 'user' ? who.user!.id : null),
    close: () => api.close(),
  };
}
