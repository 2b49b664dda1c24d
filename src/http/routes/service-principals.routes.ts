/**
 * /v1.0/servicePrincipals: machine identities, their client secrets (`addPassword`,
 * `removePassword`) and certificates (`addKey`, `removeKey`) for the client credentials grant at
 * /openpim/oauth2/token.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createServicePrincipal } from '../../app/directory/create-service-principal.ts';
import { addClientKey } from '../../app/identity/add-client-key.ts';
import { addClientSecret } from '../../app/identity/add-client-secret.ts';
import { listClientKeys, type ClientKeyInfo } from '../../app/identity/client-keys-query.ts';
import { listClientSecrets, type ClientSecretInfo } from '../../app/identity/client-secrets-query.ts';
import { removeClientCredential } from '../../app/identity/remove-client-credential.ts';
import { getPrincipal, listPrincipals } from '../../app/queries/directory.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { toIso } from '../../domain/time.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { idString, instant, parseBody, singleLine } from '../validation.ts';
import { listResponse } from './list-route.ts';

const FIELDS = ['id', 'displayName', 'accountEnabled', 'createdDateTime'];
const PROPERTIES = [
  'id',
  'appId',
  'displayName',
  'description',
  'accountEnabled',
  'servicePrincipalType',
  'createdDateTime',
  'passwordCredentials',
  'keyCredentials',
];
const tags = ['directory'] as const;

const createBody = z.strictObject({
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  description: z.string().max(1024).nullish(),
  accountEnabled: z.boolean().default(true),
});
const addPasswordBody = z.strictObject({
  passwordCredential: z
    .strictObject({
      displayName: z.string().trim().max(256).check(singleLine).nullish(),
      endDateTime: instant.nullish(),
    })
    .default({}),
});
const removePasswordBody = z.strictObject({ keyId: idString });
// Graph's addKey body. `proof` (Graph's proof-of-possession JWT) is accepted for compatibility and not checked:
// the caller's administrator rights decide, as for addPassword (docs/decisions/0013).
const addKeyBody = z.strictObject({
  keyCredential: z.strictObject({
    type: z.literal('AsymmetricX509Cert', { error: "must be 'AsymmetricX509Cert'" }),
    usage: z.literal('Verify', { error: "must be 'Verify'" }),
    key: z
      .string()
      .min(1)
      .max(16 * 1024),
    displayName: z.string().trim().max(256).check(singleLine).nullish(),
  }),
  passwordCredential: z.null().optional(),
  proof: z
    .string()
    .max(16 * 1024)
    .nullish(),
});
const removeKeyBody = z.strictObject({
  keyId: idString,
  proof: z
    .string()
    .max(16 * 1024)
    .nullish(),
});

const credentialShape = (s: ClientSecretInfo) => ({
  customKeyIdentifier: null,
  displayName: s.displayName,
  endDateTime: toIso(s.endAt),
  hint: s.hint,
  keyId: s.keyId,
  secretText: null,
  startDateTime: toIso(s.startAt),
});

/** Graph's keyCredential: the public certificate and its SHA-1 thumbprint; there is no private material to leak. */
const keyShape = (k: ClientKeyInfo) => ({
  customKeyIdentifier: k.thumbprint,
  displayName: k.displayName,
  endDateTime: toIso(k.endAt),
  key: k.certificate,
  keyId: k.keyId,
  startDateTime: toIso(k.startAt),
  type: 'AsymmetricX509Cert',
  usage: 'Verify',
});

const spShape = (p: Principal, credentials?: readonly ClientSecretInfo[], keys?: readonly ClientKeyInfo[]) => ({
  '@odata.type': '#microsoft.graph.servicePrincipal',
  id: p.id,
  appId: p.id,
  displayName: p.displayName,
  description: p.description,
  accountEnabled: p.accountEnabled,
  servicePrincipalType: 'Application',
  createdDateTime: toIso(p.createdAt),
  ...(credentials ? { passwordCredentials: credentials.map(credentialShape) } : {}),
  ...(keys ? { keyCredentials: keys.map(keyShape) } : {}),
});

const byName = [
  { field: 'displayName', direction: 'asc' as const },
  { field: 'id', direction: 'asc' as const },
];
const PRIVILEGED = 'A service principal that holds or may activate a privileged role needs a Global Administrator.';

export function servicePrincipalRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;

  app.get(
    '/v1.0/servicePrincipals',
    doc({ summary: 'List service principals', tags, query: listQuery(FIELDS), responses: { 200: 'A page of service principals.' } }),
    (req) =>
      listResponse(req, {
        entitySet: 'servicePrincipals',
        fields: FIELDS,
        defaultOrder: byName,
        properties: [...PROPERTIES, '@odata.type'],
        fetch: (q) => listPrincipals(read, req.caller, 'servicePrincipal', q),
        shape: (p) => spShape(p),
      }),
  );

  app.post(
    '/v1.0/servicePrincipals',
    doc({
      summary: 'Create a service principal',
      tags,
      body: createBody,
      notes: 'Its `id` is also its `appId` and the `client_id` at `/openpim/oauth2/token`. Application Administrators and Global Administrators create them.',
      responses: { 201: 'The created service principal.' },
    }),
    async (req, reply) => {
      const body = parseBody(createBody, req.body);
      const sp = await createServicePrincipal(deps, req.caller, {
        displayName: body.displayName,
        description: body.description ?? null,
        accountEnabled: body.accountEnabled,
      });
      return reply.status(201).send(entity(req, 'servicePrincipals', spShape(sp, [], [])));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1.0/servicePrincipals/:id',
    doc({
      summary: 'Get a service principal',
      tags,
      params: { id: 'The service principal id.' },
      query: entityQuery(),
      notes:
        '`passwordCredentials` lists its client secrets (key id, hint, validity), never the secrets; `keyCredentials` its certificates (public, with the SHA-1 thumbprint as `customKeyIdentifier`).',
      responses: { 200: 'The service principal.', 404: '`Request_ResourceNotFound`: no service principal has this id.' },
    }),
    async (req) => {
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
      const sp = await getPrincipal(read, req.caller, 'servicePrincipal', req.params.id);
      return entity(
        req,
        'servicePrincipals',
        spShape(sp, await listClientSecrets(read, req.caller, sp.id), await listClientKeys(read, req.caller, sp.id)),
        q.select,
        PROPERTIES,
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1.0/servicePrincipals/:id/addPassword',
    doc({
      summary: 'Add a client secret to a service principal',
      tags,
      params: { id: 'The service principal id.' },
      body: addPasswordBody,
      notes: `The response's \`secretText\` is the secret: shown this once, only its hash is kept. Valid until \`endDateTime\` (default 180 days, at most two years). ${PRIVILEGED}`,
      responses: {
        200: "Graph's `passwordCredential`: `{keyId, displayName, hint, secretText, startDateTime, endDateTime}`.",
        400: '`Request_BadRequest`: endDateTime within the hour or more than two years away.',
        403: '`Authorization_RequestDenied`: not an Application Administrator (or, for a privileged service principal, a Global Administrator).',
        404: '`Request_ResourceNotFound`: no service principal has this id, or secrets are not enabled on this server.',
      },
    }),
    async (req, reply) => {
      if (!deps.identity) throw new DomainError('Request_ResourceNotFound', 'Sign-in is not enabled on this server.');
      const body = parseBody(addPasswordBody, req.body);
      const { secret, secretText } = await addClientSecret(
        { uow: deps.uow, clock: deps.clock, ids: deps.ids, random: deps.identity.random },
        req.caller,
        req.params.id,
        {
          displayName: body.passwordCredential.displayName ?? null,
          endAt: body.passwordCredential.endDateTime ?? null,
        },
      );
      return reply.header('cache-control', 'no-store').send({
        '@odata.context': `${req.protocol}://${req.headers.host ?? 'localhost'}/v1.0/$metadata#microsoft.graph.passwordCredential`,
        ...credentialShape(secret),
        secretText,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1.0/servicePrincipals/:id/removePassword',
    doc({
      summary: 'Remove a client secret from a service principal',
      tags,
      params: { id: 'The service principal id.' },
      body: removePasswordBody,
      notes: `The secret stops working at once (tokens already issued with it run until they expire). ${PRIVILEGED}`,
      responses: {
        204: 'Removed.',
        403: '`Authorization_RequestDenied`: not an Application Administrator (or, for a privileged service principal, a Global Administrator).',
        404: '`Request_ResourceNotFound`: no such service principal or secret.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(removePasswordBody, req.body);
      await removeClientCredential(deps, req.caller, req.params.id, 'secret', body.keyId);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1.0/servicePrincipals/:id/addKey',
    doc({
      summary: 'Add a certificate to a service principal',
      tags,
      params: { id: 'The service principal id.' },
      body: addKeyBody,
      notes:
        "Graph's `keyCredential` of type `AsymmetricX509Cert`, usage `Verify`; `key` is the X.509 certificate as base64 DER (RSA of at least 2048 bits, or EC P-256). " +
        "Its validity is the key's `startDateTime`/`endDateTime`. The service principal then authenticates at `/openpim/oauth2/token` with a client assertion signed by the private key. " +
        `Unlike Graph, \`proof\` is not required or checked, and the first key needs no PATCH: the same administrators as for addPassword may add keys. ${PRIVILEGED}`,
      responses: {
        200: "Graph's `keyCredential`: `{keyId, type, usage, key, customKeyIdentifier (SHA-1 thumbprint), displayName, startDateTime, endDateTime}`.",
        400: '`Request_BadRequest`: not a certificate, a key that is too weak or of another kind, an expired certificate, or one the service principal has already.',
        403: '`Authorization_RequestDenied`: not an Application Administrator (or, for a privileged service principal, a Global Administrator).',
        404: '`Request_ResourceNotFound`: no service principal has this id, or sign-in is not enabled on this server.',
      },
    }),
    async (req, reply) => {
      if (!deps.identity) throw new DomainError('Request_ResourceNotFound', 'Sign-in is not enabled on this server.');
      const body = parseBody(addKeyBody, req.body);
      const key = await addClientKey(deps, req.caller, req.params.id, {
        displayName: body.keyCredential.displayName ?? null,
        certificate: body.keyCredential.key,
      });
      return reply.send({
        '@odata.context': `${req.protocol}://${req.headers.host ?? 'localhost'}/v1.0/$metadata#microsoft.graph.keyCredential`,
        ...keyShape(key),
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1.0/servicePrincipals/:id/removeKey',
    doc({
      summary: 'Remove a certificate from a service principal',
      tags,
      params: { id: 'The service principal id.' },
      body: removeKeyBody,
      notes: `Assertions signed with it fail at once (tokens already issued run until they expire). Unlike Graph, \`proof\` is not required or checked. ${PRIVILEGED}`,
      responses: {
        204: 'Removed.',
        403: '`Authorization_RequestDenied`: not an Application Administrator (or, for a privileged service principal, a Global Administrator).',
        404: '`Request_ResourceNotFound`: no such service principal or key.',
      },
    }),
    async (req, reply) => {
      const body = parseBody(removeKeyBody, req.body);
      await removeClientCredential(deps, req.caller, req.params.id, 'key', body.keyId);
      return reply.status(204).send();
    },
  );
}
