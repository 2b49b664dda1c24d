/**
 * SCIM 2.0 inbound provisioning (RFC 7644) under /scim/v2 — Users, Groups and the discovery
 * endpoints — authenticated by a tenant's SCIM token, never by Graph bearer tokens, and answering
 * errors in SCIM's shape; and /openpim/scim/tokens, where a Global Administrator (Graph auth)
 * makes and revokes those tokens. docs/decisions/0009.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateScim } from '../../app/scim/authenticate-scim.ts';
import { createScimToken } from '../../app/scim/create-scim-token.ts';
import { deleteScimGroup } from '../../app/scim/delete-group.ts';
import { deleteScimUser } from '../../app/scim/delete-user.ts';
import { listScimTokens } from '../../app/scim/list-scim-tokens.ts';
import { provisionGroup } from '../../app/scim/provision-group.ts';
import { provisionUser } from '../../app/scim/provision-user.ts';
import { revokeScimToken } from '../../app/scim/revoke-scim-token.ts';
import type { ScimClient } from '../../app/scim/scim-client.ts';
import { findScim, getScim, scimMembers } from '../../app/scim/scim-queries.ts';
import { updateScimGroup } from '../../app/scim/update-group.ts';
import { updateScimUser } from '../../app/scim/update-user.ts';
import { DomainError } from '../../domain/errors.ts';
import { parseScimFilter } from '../../domain/scim/filter.ts';
import { applyGroupPatch, applyUserPatch } from '../../domain/scim/patch.ts';
import type { HttpDeps } from '../context.ts';
import { doc } from '../openapi.ts';
import { sendScimError } from '../scim-errors.ts';
import {
  groupStateFromBody,
  parseScim,
  patchOperations,
  SCHEMA,
  SCIM_CONTENT_TYPE,
  scimBase,
  scimGroup,
  scimGroupBody,
  scimList,
  scimListQuery,
  scimPatchBody,
  scimTokenBody,
  scimUser,
  scimUserBody,
  userStateFromBody,
} from '../shapes/scim.ts';
import { parseBody } from '../validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The SCIM token's tenant and name; set by the /scim/v2 auth hook. */
    scimClient: ScimClient;
  }
}

/** Whether a request is SCIM's to authenticate: its path is under /scim/ and it matched no other route. */
export const isScimRequest = (request: FastifyRequest): boolean => {
  const route = request.routeOptions.url;
  return request.url.startsWith('/scim/') && (route === undefined || route.startsWith('/scim/'));
};

const MAX_COUNT = 1000;
const hidden = { schema: { hide: true } };
const send = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));

function paging(query: unknown) {
  const q = parseScim(scimListQuery, query ?? {});
  const startIndex = Math.max(1, q.startIndex ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, q.count ?? 100));
  const terms = q.filter === undefined || q.filter.trim() === '' ? [] : parseScimFilter(q.filter);
  const excluded = (q.excludedAttributes ?? '')
    .toLowerCase()
    .split(',')
    .map((a) => a.trim());
  return { startIndex, count, terms, withoutMembers: excluded.includes('members') };
}

/** /scim/v2: registered as an encapsulated plugin so its errors, 404s and JSON media type are SCIM's. */
export async function scimRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const read = deps.uow.read;
  app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new DomainError('Request_BadRequest', 'The request body is not valid JSON.', { scimType: 'invalidSyntax' }), undefined);
    }
  });
  app.setErrorHandler((error, request, reply) => sendScimError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendScimError(request, reply, new DomainError('Request_ResourceNotFound', `No SCIM resource at ${request.method} ${request.url.split('?')[0]}.`)),
  );
  app.addHook('onRequest', async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    request.scimClient = await authenticateScim(deps, match?.[1] ?? null, String(request.headers['client-request-id'] ?? request.id));
  });

  // Users
  app.get('/Users', hidden, async (req, reply) => {
    const p = paging(req.query);
    const found = await findScim(read, req.scimClient, 'user', p.terms, p.startIndex, p.count);
    return send(
      reply,
      200,
      scimList(
        found.items.map((u) => scimUser(req, u)),
        found.total,
        p.startIndex,
      ),
    );
  });
  app.post('/Users', hidden, async (req, reply) => {
    const user = await provisionUser(deps, req.scimClient, userStateFromBody(parseScim(scimUserBody, req.body)));
    return send(reply.header('location', `${scimBase(req)}/Users/${user.principal.id}`), 201, scimUser(req, user));
  });
  app.get<{ Params: { id: string } }>('/Users/:id', hidden, async (req, reply) =>
    send(reply, 200, scimUser(req, await getScim(read, req.scimClient, 'user', req.params.id))),
  );
  app.put<{ Params: { id: string } }>('/Users/:id', hidden, async (req, reply) => {
    const next = userStateFromBody(parseScim(scimUserBody, req.body));
    return send(reply, 200, scimUser(req, await updateScimUser(deps, req.scimClient, req.params.id, () => next)));
  });
  app.patch<{ Params: { id: string } }>('/Users/:id', hidden, async (req, reply) => {
    const ops = patchOperations(parseScim(scimPatchBody, req.body));
    return send(reply, 200, scimUser(req, await updateScimUser(deps, req.scimClient, req.params.id, (current) => applyUserPatch(current, ops))));
  });
  app.delete<{ Params: { id: string } }>('/Users/:id', hidden, async (req, reply) => {
    await deleteScimUser(deps, req.scimClient, req.params.id);
    return reply.status(204).send();
  });

  // Groups
  app.get('/Groups', hidden, async (req, reply) => {
    const p = paging(req.query);
    const found = await findScim(read, req.scimClient, 'group', p.terms, p.startIndex, p.count);
    const groups = await Promise.all(
      found.items.map(async (g) => scimGroup(req, g, p.withoutMembers ? null : await scimMembers(read, req.scimClient, g.principal.id))),
    );
    return send(reply, 200, scimList(groups, found.total, p.startIndex));
  });
  app.post('/Groups', hidden, async (req, reply) => {
    const group = await provisionGroup(deps, req.scimClient, groupStateFromBody(parseScim(scimGroupBody, req.body)));
    return send(
      reply.header('location', `${scimBase(req)}/Groups/${group.principal.id}`),
      201,
      scimGroup(req, group, await scimMembers(read, req.scimClient, group.principal.id)),
    );
  });
  app.get<{ Params: { id: string } }>('/Groups/:id', hidden, async (req, reply) => {
    const group = await getScim(read, req.scimClient, 'group', req.params.id);
    const excluded = String((req.query as Record<string, unknown>).excludedAttributes ?? '')
      .toLowerCase()
      .includes('members');
    return send(reply, 200, scimGroup(req, group, excluded ? null : await scimMembers(read, req.scimClient, group.principal.id)));
  });
  app.put<{ Params: { id: string } }>('/Groups/:id', hidden, async (req, reply) => {
    const next = groupStateFromBody(parseScim(scimGroupBody, req.body));
    const group = await updateScimGroup(deps, req.scimClient, req.params.id, () => next);
    return send(reply, 200, scimGroup(req, group, await scimMembers(read, req.scimClient, group.principal.id)));
  });
  app.patch<{ Params: { id: string } }>('/Groups/:id', hidden, async (req, reply) => {
    const ops = patchOperations(parseScim(scimPatchBody, req.body));
    const group = await updateScimGroup(deps, req.scimClient, req.params.id, (current) => applyGroupPatch(current, ops));
    return send(reply, 200, scimGroup(req, group, await scimMembers(read, req.scimClient, group.principal.id)));
  });
  app.delete<{ Params: { id: string } }>('/Groups/:id', hidden, async (req, reply) => {
    await deleteScimGroup(deps, req.scimClient, req.params.id);
    return reply.status(204).send();
  });

  // Discovery (RFC 7644 §4), minimal.
  app.get('/ServiceProviderConfig', hidden, async (_req, reply) =>
    send(reply, 200, {
      schemas: [SCHEMA.serviceProviderConfig],
      documentationUri: 'https://github.com/openpim/openpim/blob/main/docs/api.md#scim-20-provisioning',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: MAX_COUNT },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'SCIM bearer token',
          description: 'A token made by a Global Administrator at POST /openpim/scim/tokens.',
          primary: true,
        },
      ],
    }),
  );
  app.get('/ResourceTypes', hidden, async (req, reply) => {
    const types = [
      {
        schemas: [SCHEMA.resourceType],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: SCHEMA.user,
        meta: { resourceType: 'ResourceType', location: `${scimBase(req)}/ResourceTypes/User` },
      },
      {
        schemas: [SCHEMA.resourceType],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        schema: SCHEMA.group,
        meta: { resourceType: 'ResourceType', location: `${scimBase(req)}/ResourceTypes/Group` },
      },
    ];
    return send(reply, 200, scimList(types, types.length, 1));
  });
  app.get('/Schemas', hidden, async (req, reply) => {
    const attr = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
      name,
      type,
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
      ...extra,
    });
    const schemas = [
      {
        schemas: [SCHEMA.schema],
        id: SCHEMA.user,
        name: 'User',
        description: 'A user (its userName is the userPrincipalName).',
        attributes: [
          attr('userName', 'string', { required: true, uniqueness: 'server' }),
          attr('displayName', 'string'),
          attr('active', 'boolean'),
          attr('name', 'complex', { subAttributes: [attr('givenName', 'string'), attr('familyName', 'string'), attr('formatted', 'string')] }),
          attr('emails', 'complex', { multiValued: true, subAttributes: [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')] }),
        ],
        meta: { resourceType: 'Schema', location: `${scimBase(req)}/Schemas/${SCHEMA.user}` },
      },
      {
        schemas: [SCHEMA.schema],
        id: SCHEMA.group,
        name: 'Group',
        description: 'A security group (never role-assignable).',
        attributes: [
          attr('displayName', 'string', { required: true }),
          attr('members', 'complex', {
            multiValued: true,
            subAttributes: [attr('value', 'string', { mutability: 'immutable' }), attr('display', 'string', { mutability: 'readOnly' })],
          }),
        ],
        meta: { resourceType: 'Schema', location: `${scimBase(req)}/Schemas/${SCHEMA.group}` },
      },
    ];
    return send(reply, 200, scimList(schemas, schemas.length, 1));
  });
}

const tags = ['identity'] as const;
const tokenShape = (t: { id: string; displayName: string; hint: string; createdAt: number; endAt: number; revokedAt: number | null }) => ({
  id: t.id,
  displayName: t.displayName,
  hint: t.hint,
  createdDateTime: new Date(t.createdAt).toISOString(),
  endDateTime: new Date(t.endAt).toISOString(),
  revokedDateTime: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

/** /openpim/scim/tokens: Global Administrators make, list and revoke the tenant's SCIM tokens (Graph auth). */
export function scimTokenRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.post(
    '/openpim/scim/tokens',
    doc({
      summary: 'Create a SCIM provisioning token',
      tags,
      body: scimTokenBody,
      notes: 'The token is in the response once (`token`); only its hash is kept. Paste it, with the tenant URL `…/scim/v2`, into the IdP.',
      responses: { 201: 'The token, with its secret `token`.', 403: '`Authorization_RequestDenied`: not a Global Administrator.' },
    }),
    async (req, reply) => {
      if (!deps.identity) throw new DomainError('Request_ResourceNotFound', 'Credentials are not configured on this server.');
      const body = parseBody(scimTokenBody, req.body);
      const made = await createScimToken({ ...deps, random: deps.identity.random }, req.caller, {
        displayName: body.displayName,
        endAt: body.endDateTime ?? null,
      });
      return reply.status(201).send({ ...tokenShape(made.token), token: made.secretText });
    },
  );
  app.get(
    '/openpim/scim/tokens',
    doc({
      summary: "List the tenant's SCIM tokens",
      tags,
      responses: { 200: 'The tokens, without their secrets.', 403: '`Authorization_RequestDenied`: not a Global Administrator.' },
    }),
    async (req) => ({ value: (await listScimTokens(deps.uow.read, req.caller)).map(tokenShape) }),
  );
  app.delete<{ Params: { id: string } }>(
    '/openpim/scim/tokens/:id',
    doc({
      summary: 'Revoke a SCIM token',
      tags,
      params: { id: 'The token id.' },
      responses: {
        204: 'Revoked: it stops working at once.',
        403: '`Authorization_RequestDenied`: not a Global Administrator.',
        404: '`Request_ResourceNotFound`: no such token in use.',
      },
    }),
    async (req, reply) => {
      await revokeScimToken(deps, req.caller, req.params.id);
      return reply.status(204).send();
    },
  );
}
