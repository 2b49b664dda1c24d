/** /openpim/access/check (single and batch) and /openpim/access/principals/{id}. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessReason } from '../../app/ports/access.ts';
import { checkAccess, holdingsOf } from '../../app/queries/access.ts';
import { DomainError } from '../../domain/errors.ts';
import { toIso } from '../../domain/time.ts';
import type { HttpDeps } from '../context.ts';
import { bodySchema, doc } from '../openapi.ts';
import { idString, parseBody } from '../validation.ts';

const oneCheck = z.strictObject({
  principalId: idString,
  action: z.string().min(1).max(300),
  scope: z.string().min(1).max(1000).regex(/^\//, "must be a scope path starting with '/'"),
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
  memberType: r.memberType,
  startDateTime: toIso(r.startAt),
  endDateTime: r.endAt === null ? null : toIso(r.endAt),
});

export function accessRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const access = () => {
    if (!deps.access) throw new DomainError('Request_ResourceNotFound', 'The access decision engine is not running on this server.');
    return deps.access;
  };

  app.post('/openpim/access/check', doc({
    summary: 'May a principal perform an action at a scope now?', tags: ['roleManagement'], body: checkBodyDoc,
    notes: 'One check `{principalId, action, scope}` → `{allowed, reasons}`, or a batch `{checks: [...]}` → `{results: [...]}` in the same order. End times are compared with the clock on every check. Asking about another principal needs the right to read role assignments.',
    responses: { 200: 'The decision(s).', 403: '`Authorization_RequestDenied`: asking about someone else without the right to read role assignments.' },
  }), async (req) => {
    const body = parseBody(checkBody, req.body);
    const checks = 'checks' in body ? body.checks : [body];
    const results = (await checkAccess(access(), req.caller, checks, deps.clock.now())).map((d) => ({ allowed: d.allowed, reasons: d.reasons.map(reasonShape) }));
    return 'checks' in body ? { results } : results[0];
  });

  app.get<{ Params: { id: string }; Querystring: { scope?: string } }>('/openpim/access/principals/:id', doc({
    summary: 'What a principal holds where, until when, and why', tags: ['roleManagement'], params: { id: 'The principal id.' },
    responses: { 200: '`{principalId, at, holdings}`.', 403: '`Authorization_RequestDenied`: asking about someone else without the right to read role assignments.' },
  }), async (req) => {
    const at = deps.clock.now();
    const scope = typeof req.query.scope === 'string' ? req.query.scope : undefined;
    const holdings = await holdingsOf(access(), req.caller, req.params.id, at, scope);
    return { principalId: req.params.id, at: toIso(at), holdings: holdings.map(reasonShape) };
  });
}
