/** /openpim/access/check (single and batch), /openpim/access/principals/{id} and /openpim/access/scopes/{path}/holders. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessHolder, AccessReason } from '../../app/ports/access.ts';
import { checkAccess, holdersOf, holdingsOf } from '../../app/queries/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { isCanonicalScope } from '../../domain/scope-path.ts';
import { toIso } from '../../domain/time.ts';
import type { HttpDeps } from '../context.ts';
import { bodySchema, doc, type DocOptions, documentedAs } from '../openapi.ts';
import { idString, parseBody, singleLine } from '../validation.ts';

const oneCheck = z.strictObject({
  principalId: idString,
  action: z.string().min(1).max(300).check(singleLine),
  scope: z.string().min(1).max(1000).regex(/^\//, "must be a scope path starting with '/'").check(singleLine),
});
const batch = z.strictObject({ checks: z.array(oneCheck).min(1).max(1000) });
const checkBody = z.union([oneCheck, batch]);
/** One check or a batch: an object either way (OpenAPI wants the type at the top). */
const checkBodyDoc = { type: 'object', oneOf: [bodySchema(oneCheck), bodySchema(batch)] };

const reasonShape = (r: AccessReason) => ({
  grantId: r.grantId,
  roleDefinitionId: r.roleDefinitionId,
  roleDisplayName: r.roleDisplayName,
  scopeId: r.scopeId,
  inherited: r.inherited,
  via: r.via,
  groupId: r.groupId,
  groupPath: r.groupPath,
  memberType: r.memberType,
  startDateTime: toIso(r.startAt),
  endDateTime: r.endAt === null ? null : toIso(r.endAt),
});

const holderShape = (h: AccessHolder) => ({ principalId: h.principalId, ...reasonShape(h) });

const HOLDERS = '/holders';
const MAX_SCOPE_LENGTH = 1000;

/**
 * The scope a `/openpim/access/scopes/*` remainder names (Fastify has already URL-decoded it):
 * `holders` → `/`; `subscriptions/s1/holders` or `/subscriptions/s1/holders` (from
 * `%2Fsubscriptions%2Fs1/holders`) → `/subscriptions/s1`; null when it does not end in `/holders`.
 */
function holdersScope(remainder: string): string | null {
  if (remainder === HOLDERS.slice(1)) return '/';
  if (!remainder.endsWith(HOLDERS)) return null;
  const path = remainder.slice(0, -HOLDERS.length);
  return path.startsWith('/') ? path : `/${path}`;
}

/** Documented as `/openpim/access/scopes/{path}/holders`: the route itself is a wildcard. */
function holdersDoc(): DocOptions {
  const d = doc({
    summary: 'Who holds what at a scope now',
    tags: ['roleManagement'],
    params: {
      path: 'The scope path without its leading slash (`subscriptions/s1/resourceGroups/rg1`; nothing for `/`: `/openpim/access/scopes/holders`), or URL-encoded (`%2Fsubscriptions%2Fs1`).',
    },
    notes:
      "Every principal holding a grant in effect now that applies at the scope: made at it (`inherited: false`) or at an ancestor (`inherited: true`), held directly or — expanded through group membership, nested, static or timed (PIM for Groups) and in effect now — as a member of the holder group (`via: group`, `groupId`, `groupPath`, `memberType: Group`; `endDateTime` is then the earlier of the grant's end and the end of the timed memberships along the chain). One entry per principal and grant, sorted by principal, then grant.",
    responses: {
      200: '`{scopeId, at, holders: [{principalId, grantId, roleDefinitionId, …}]}`.',
      400: '`Request_BadRequest`: not a well-formed scope path.',
      403: '`Authorization_RequestDenied`: reading who holds what takes the right to read role assignments.',
      404: '`Request_ResourceNotFound`: the path does not end in `/holders`.',
    },
  });
  return documentedAs(d, `/openpim/access/scopes/{path}${HOLDERS}`);
}

export function accessRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const access = () => {
    if (!deps.access) throw new DomainError('Request_ResourceNotFound', 'The access decision engine is not running on this server.');
    return deps.access;
  };

  app.post(
    '/openpim/access/check',
    doc({
      summary: 'May a principal perform an action at a scope now?',
      tags: ['roleManagement'],
      body: checkBodyDoc,
      notes:
        'One check `{principalId, action, scope}` → `{allowed, reasons}`, or a batch `{checks: [...]}` → `{results: [...]}` in the same order. End times are compared with the clock on every check. Asking about another principal needs the right to read role assignments.',
      responses: { 200: 'The decision(s).', 403: '`Authorization_RequestDenied`: asking about someone else without the right to read role assignments.' },
    }),
    async (req) => {
      const body = parseBody(checkBody, req.body);
      const checks = 'checks' in body ? body.checks : [body];
      const results = (await checkAccess(access(), req.caller, checks, deps.clock.now())).map((d) => ({
        allowed: d.allowed,
        reasons: d.reasons.map(reasonShape),
      }));
      return 'checks' in body ? { results } : results[0];
    },
  );

  app.get<{ Params: { id: string }; Querystring: { scope?: string } }>(
    '/openpim/access/principals/:id',
    doc({
      summary: 'What a principal holds where, until when, and why',
      tags: ['roleManagement'],
      params: { id: 'The principal id.' },
      responses: {
        200: '`{principalId, at, holdings}`.',
        403: '`Authorization_RequestDenied`: asking about someone else without the right to read role assignments.',
      },
    }),
    async (req) => {
      const at = deps.clock.now();
      const scope = typeof req.query.scope === 'string' ? req.query.scope : undefined;
      const holdings = await holdingsOf(access(), req.caller, req.params.id, at, scope);
      return { principalId: req.params.id, at: toIso(at), holdings: holdings.map(reasonShape) };
    },
  );

  app.get<{ Params: { '*': string } }>('/openpim/access/scopes/*', holdersDoc(), async (req) => {
    const scope = holdersScope(req.params['*']);
    if (scope === null) throw new DomainError('Request_ResourceNotFound', 'Not found: ask for /openpim/access/scopes/{path}/holders.');
    if (scope.length > MAX_SCOPE_LENGTH || !isCanonicalScope(scope)) {
      throw new DomainError('Request_BadRequest', `'${scope.slice(0, 200)}' is not a scope path: '/' or type/name segments, none empty, '.' or '..'.`);
    }
    const at = deps.clock.now();
    const holders = await holdersOf(access(), req.caller, scope, at);
    return { scopeId: scope, at: toIso(at), holders: holders.map(holderShape) };
  });
}
