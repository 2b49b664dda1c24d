/** Bearer authentication: every API route needs a valid token naming an enabled principal. */
import type { FastifyRequest } from 'fastify';
import { resolveCaller } from '../app/caller.ts';
import { DomainError } from '../domain/errors.ts';
import type { HttpDeps } from './context.ts';

export async function authenticate(deps: HttpDeps, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw new DomainError('InvalidAuthenticationToken', 'Access token is empty or not a Bearer token.');
  const claims = await deps.tokens.verify(match[1]!);
  request.caller = await resolveCaller(deps.uow.read, {
    ...claims,
    correlationId: String(request.headers['client-request-id'] ?? request.id),
  }, deps.clock.now(), deps.mfaMaxAge);
}
