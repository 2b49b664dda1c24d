/**
 * /v1.0/auditLogs/directoryAudits (readers), /openpim/me/auditLogs/directoryAudits (anyone: their
 * own events) and /openpim/audit/verify.
 */
import type { FastifyInstance } from 'fastify';
import { getAuditEvent, listAudit, listMyAudit, verifyAuditFor } from '../../app/queries/audit.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { AUDIT_FIELDS, AUDIT_PROPERTIES, auditShape } from '../shapes/audit.ts';
import { listResponse } from './list-route.ts';

const tags = ['audit'] as const;

/**
 * What lists of events filter on: the directoryAudit fields, and `targetResources/id eq '…'` —
 * OpenPIM's spelling of Graph's `targetResources/any(t: t/id eq '…')`, which the filter parser
 * does not take (the store reads it, src/store/repositories/audit-targets.ts).
 */
const LIST_FIELDS = [...AUDIT_FIELDS, 'targetResources/id'];
const DEFAULT_ORDER = [
  { field: 'activityDateTime', direction: 'desc' },
  { field: 'id', direction: 'asc' },
] as const;
const TARGET_NOTE =
  "Besides the listed properties, `$filter` takes `targetResources/id eq '…'` (some target of the event has this id; " +
  "only with eq, joined with and) — Graph's `targetResources/any(t: t/id eq '…')`.";

export function auditRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;
  app.get(
    '/v1.0/auditLogs/directoryAudits',
    doc({
      summary: 'List audit events',
      tags,
      query: listQuery(LIST_FIELDS),
      notes: TARGET_NOTE,
      responses: { 200: 'A page of directoryAudit events, newest first.' },
    }),
    (req) =>
      listResponse(req, {
        entitySet: 'auditLogs/directoryAudits',
        fields: LIST_FIELDS,
        properties: AUDIT_PROPERTIES,
        defaultOrder: DEFAULT_ORDER,
        fetch: (q) => listAudit(read, req.caller, q),
        shape: auditShape,
      }),
  );
  app.get(
    '/openpim/me/auditLogs/directoryAudits',
    doc({
      summary: "List the caller's own audit events",
      tags,
      query: listQuery(LIST_FIELDS),
      notes:
        'OpenPIM extension: the events the caller initiated or is a target of, for anyone signed in (the whole log is for readers). ' +
        `Same shape, options and order as /v1.0/auditLogs/directoryAudits. ${TARGET_NOTE}`,
      responses: { 200: "A page of the caller's directoryAudit events, newest first." },
    }),
    (req) =>
      listResponse(req, {
        entitySet: 'auditLogs/directoryAudits',
        fields: LIST_FIELDS,
        properties: AUDIT_PROPERTIES,
        defaultOrder: DEFAULT_ORDER,
        fetch: (q) => listMyAudit(read, req.caller, q),
        shape: auditShape,
      }),
  );
  app.get<{ Params: { id: string } }>(
    '/v1.0/auditLogs/directoryAudits/:id',
    doc({
      summary: 'Get an audit event',
      tags,
      params: { id: 'The audit event id.' },
      query: entityQuery(),
      responses: { 200: 'The directoryAudit event.', 404: '`Request_ResourceNotFound`: no audit event has this id.' },
    }),
    async (req) => {
      const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
      return entity(req, 'auditLogs/directoryAudits', auditShape(await getAuditEvent(read, req.caller, req.params.id)), q.select, AUDIT_PROPERTIES);
    },
  );
  app.get(
    '/openpim/audit/verify',
    doc({
      summary: 'Verify the audit hash chain',
      tags,
      notes: 'OpenPIM extension: walks the tamper-evident chain of audit events.',
      responses: { 200: '`{ok, events, firstBrokenEvent}`: whether the chain is intact, how many events were checked, and the first broken one (or null).' },
    }),
    async (req) => {
      const result = await verifyAuditFor(read, req.caller);
      return { ok: result.ok, events: result.events, firstBrokenEvent: result.break };
    },
  );
}
