/**
 * Errors of /scim/v2 in SCIM's shape (RFC 7644 §3.12): the same status as the one table in
 * errors.ts gives the core code, plus a `scimType` where SCIM defines one. Unknown errors are a
 * 500 naming nothing of the internals.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../domain/errors.ts';
import { toGraphError } from './errors.ts';
import { SCIM_CONTENT_TYPE, SCHEMA, type ScimErrorBody } from './shapes/scim.ts';

export function toScimError(error: unknown): ScimErrorBody {
  const graph = toGraphError(error);
  if (graph.status >= 500) return { schemas: [SCHEMA.error], status: String(graph.status), detail: `An internal error occurred.` };
  let scimType: string | undefined;
  if (isDomainError(error)) {
    const named = error.details.scimType;
    if (typeof named === 'string') scimType = named;
    else if (error.code === 'ObjectConflict') scimType = 'uniqueness';
    else if (graph.status === 400) scimType = 'invalidValue';
  } else if (graph.status === 400) {
    scimType = 'invalidSyntax';
  }
  return { schemas: [SCHEMA.error], status: String(graph.status), ...(scimType ? { scimType } : {}), detail: graph.message };
}

export function sendScimError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const body = toScimError(error);
  if (Number(body.status) >= 500) request.log.error({ err: error }, 'SCIM request failed');
  if (body.status === '401') reply.header('www-authenticate', 'Bearer realm="openpim-scim"');
  const retry = isDomainError(error) ? error.details.retryAfterSeconds : undefined;
  if (typeof retry === 'number') reply.header('retry-after', String(retry));
  return reply.status(Number(body.status)).header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}
