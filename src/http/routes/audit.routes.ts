/** /v1.0/auditLogs/directoryAudits and /openpim/audit/verify. */
import type { FastifyInstance } from 'fastify';
import { getAuditEvent, listAudit, verifyAuditFor } from '../../app/queries/audit.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { AUDIT_FIELDS, AUDIT_PROPERTIES, auditShape } from '../shapes/audit.ts';
import { listResponse } from './list-route.ts';

const tags = ['audit'] as const;

export function auditRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  app.get('/v1.0/auditLogs/directoryAudits', doc({
    summary: 'List audit events', tags, query: listQuery(AUDIT_FIELDS), responses: { 200: 'A page of directoryAudit events, newest first.' },
  }), (req) => listResponse(req, {
    entitySet: 'auditLogs/directoryAudits', fields: AUDIT_FIELDS, properties: AUDIT_PROPERTIES,
    defaultOrder: [{ field: 'activityDateTime', direction: 'desc' }, { field: 'id', direction: 'asc' }],
    fetch: (q) => listAudit(read, req.caller, q), shape: auditShape,
  }));
  app.get<{ Params: { id: string } }>('/v1.0/auditLogs/directoryAudits/:id', doc({
    summary: 'Get an audit event', tags, params: { id: 'The audit event id.' }, query: entityQuery(),
    responses: { 200: 'The directoryAudit event.', 404: '`Request_ResourceNotFound`: no audit event has this id.' },
  }), async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
    return entity(req, 'auditLogs/directoryAudits', auditShape(await getAuditEvent(read, req.caller, req.params.id)), q.select, AUDIT_PROPERTIES);
  });
  app.get('/openpim/audit/verify', doc({
    summary: 'Verify the audit hash chain', tags,
    notes: 'OpenPIM extension: walks the tamper-evident chain of audit events.',
    responses: { 200: '`{ok, events, firstBrokenEvent}`: whether the chain is intact, how many events were checked, and the first broken one (or null).' },
  }), async (req) => {
    const result = await verifyAuditFor(read, req.caller);
    return { ok: result.ok, events: result.events, firstBrokenEvent: result.break };
  });
}
