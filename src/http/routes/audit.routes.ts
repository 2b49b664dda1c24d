/** /v1.0/auditLogs/directoryAudits and /openpim/audit/verify. */
import type { FastifyInstance } from 'fastify';
import { getAuditEvent, listAudit, verifyAuditFor } from '../../app/queries/audit.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { AUDIT_FIELDS, AUDIT_PROPERTIES, auditShape } from '../shapes/audit.ts';
import { listResponse } from './list-route.ts';

export function auditRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  app.get('/v1.0/auditLogs/directoryAudits', (req) => listResponse(req, {
    entitySet: 'auditLogs/directoryAudits', fields: AUDIT_FIELDS, properties: AUDIT_PROPERTIES,
    defaultOrder: [{ field: 'activityDateTime', direction: 'desc' }, { field: 'id', direction: 'asc' }],
    fetch: (q) => listAudit(read, req.caller, q), shape: auditShape,
  }));
  app.get<{ Params: { id: string } }>('/v1.0/auditLogs/directoryAudits/:id', async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
    return entity(req, 'auditLogs/directoryAudits', auditShape(await getAuditEvent(read, req.caller, req.params.id)), q.select, AUDIT_PROPERTIES);
  });
  app.get('/openpim/audit/verify', async (req) => {
    const result = await verifyAuditFor(read, req.caller);
    return { ok: result.ok, events: result.events, firstBrokenEvent: result.break };
  });
}
