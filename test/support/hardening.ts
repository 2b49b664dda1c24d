/**
 * Helpers for the hardening tests (privileged accounts, nesting into role-assignable groups, the
 * last working Global Administrator): directory and request calls over HTTP that must succeed
 * while a scenario is built, and the safeguard's count recomputed from the tables, independently
 * of the code under test.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { GROUP_ROLE, groupScope } from '../../src/domain/group-access.ts';
import type { Principal } from '../../src/domain/model.ts';
import { toIso } from '../../src/domain/time.ts';
import type { Harness } from './harness.ts';
import { json, type As, type GraphErrorBody, type HttpHarness } from './http-harness.ts';

export const ROLE_REQUESTS = '/v1.0/roleManagement/directory';
export const GROUP_REQUESTS = '/v1.0/identityGovernance/privilegedAccess/group';
export const DAY = 24 * 60 * 60 * 1000;

type Kind = 'assignment' | 'eligibility';
type Json = Record<string, unknown>;

/** How long a grant lasts: permanent, an ISO duration, and optionally when it starts (ms from now). */
export interface Span {
  readonly duration?: string;
  readonly startIn?: number;
}

export const scheduleInfo = (api: HttpHarness, span: Span = {}) => ({
  ...(span.startIn !== undefined ? { startDateTime: toIso(api.clock.now() + span.startIn) } : {}),
  expiration: span.duration ? { type: 'afterDuration', duration: span.duration } : { type: 'noExpiration' },
});

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The error's code: Graph's `error.code`, or `SCIM error` for a body in SCIM's error shape. */
export function errorCode(res: LightMyRequestResponse): string | undefined {
  const body = json<Partial<GraphErrorBody> & { schemas?: string[] }>(res);
  return body.error?.code ?? (body.schemas?.includes(SCIM_ERROR) ? 'SCIM error' : undefined);
}

/** A response as "status code" (e.g. `409 LastPrivilegedRoleHolder`, `204`), to compare outcomes in one assertion. */
export const outcome = (res: LightMyRequestResponse): string => (res.statusCode >= 400 ? `${res.statusCode} ${errorCode(res)}` : String(res.statusCode));

/** A directory role request body (Graph's unifiedRoleAssignmentScheduleRequest). */
export const roleRequest = (api: HttpHarness, action: string, principalId: string, roleDefinitionId: string, span?: Span) => ({
  action,
  principalId,
  roleDefinitionId,
  directoryScopeId: '/',
  justification: 'Hardening test',
  scheduleInfo: scheduleInfo(api, span),
});

/** A PIM for Groups request body (Graph's privilegedAccessGroupAssignmentScheduleRequest). */
export const groupRequest = (api: HttpHarness, action: string, principalId: string, groupId: string, accessId: 'member' | 'owner', span?: Span) => ({
  action,
  principalId,
  groupId,
  accessId,
  justification: 'Hardening test',
  scheduleInfo: scheduleInfo(api, span),
});

async function ok(res: Promise<LightMyRequestResponse>, status: number): Promise<Json> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.body ? json(r) : {};
}

/** Grants a directory role (active or eligible) through a request; the request must be granted. */
export async function grantRole(api: HttpHarness, who: As, kind: Kind, principalId: string, roleId: string, span?: Span): Promise<Json> {
  const body = await ok(
    api.call(
      who,
      'POST',
      `${ROLE_REQUESTS}/role${kind === 'assignment' ? 'Assignment' : 'Eligibility'}ScheduleRequests`,
      roleRequest(api, 'adminAssign', principalId, roleId, span),
    ),
    201,
  );
  expect(['Provisioned', 'Granted']).toContain(body.status);
  return body;
}

/** Grants PIM for Groups access (member or owner, active or eligible) through a request. */
export async function grantGroupAccess(
  api: HttpHarness,
  who: As,
  kind: Kind,
  principalId: string,
  groupId: string,
  accessId: 'member' | 'owner',
  span?: Span,
): Promise<Json> {
  const body = await ok(
    api.call(who, 'POST', `${GROUP_REQUESTS}/${kind}ScheduleRequests`, groupRequest(api, 'adminAssign', principalId, groupId, accessId, span)),
    201,
  );
  expect(['Provisioned', 'Granted']).toContain(body.status);
  return body;
}

let seq = 0;
/** A name no other call of this process used. */
export const fresh = (name: string) => `${name}${++seq}`;

export async function newGroup(
  api: HttpHarness,
  isAssignableToRole: boolean,
  displayName = fresh(isAssignableToRole ? 'Tier0-' : 'Team-'),
): Promise<Principal> {
  const body = await ok(api.call(api.admin, 'POST', '/v1.0/groups', { displayName, isAssignableToRole }), 201);
  return (await api.h.store.read.principals.get(api.h.tenantId, body.id as string))!;
}

export const memberRef = (memberId: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${memberId}` });

/** Adds a static member through Graph's members/$ref (as `who`, by default the bootstrap admin). */
export async function addMember(api: HttpHarness, groupId: string, memberId: string, who: As = api.admin): Promise<void> {
  await ok(api.call(who, 'POST', `/v1.0/groups/${groupId}/members/$ref`, memberRef(memberId)), 204);
}

/**
 * A group nested into another as data written before nesting into role-assignable groups was
 * refused: the membership row goes straight into the store, past every use case.
 */
export async function nestAsLegacyData(h: Harness, groupId: string, memberId: string): Promise<void> {
  await h.store.run((tx) => tx.principals.addMember(h.tenantId, groupId, memberId, h.clock.now()));
}

export async function memberIds(api: HttpHarness, groupId: string): Promise<string[]> {
  const body = await ok(api.call(api.admin, 'GET', `/v1.0/groups/${groupId}/members`), 200);
  return (body.value as { id: string }[]).map((m) => m.id).sort();
}

/** Open PIM for Groups schedules of a principal at a group, as `kind/accessId` strings. */
export async function groupAccessOf(h: Harness, principalId: string, groupId: string): Promise<string[]> {
  const rows = await h.store.db
    .selectFrom('schedules')
    .select(['kind', 'role_definition_id'])
    .where('tenant_id', '=', h.tenantId)
    .where('principal_id', '=', principalId)
    .where('directory_scope_id', '=', groupScope(groupId))
    .where('closed', '=', 0)
    .execute();
  return rows.map((r) => `${r.kind}/${r.role_definition_id}`).sort();
}

/**
 * The holders of *working* grants of a role, computed from the tables: active, permanent, at `/`,
 * already started, held by an enabled user or service principal, or by a group with at least one
 * enabled *lasting* member — static, or a started permanent PIM for Groups membership (a time-bound
 * membership ends by itself, so it keeps nothing; docs/decisions/0014).
 */
export async function workingHolders(h: Harness, roleId: string): Promise<string[]> {
  const now = h.clock.now();
  const grants = await h.store.db
    .selectFrom('schedules')
    .select('principal_id')
    .where('tenant_id', '=', h.tenantId)
    .where('kind', '=', 'assignment')
    .where('closed', '=', 0)
    .where('directory_scope_id', '=', '/')
    .where('role_definition_id', '=', roleId)
    .where('end_at', 'is', null)
    .where('start_at', '<=', now)
    .execute();
  const enabled = async (id: string) => (await h.store.read.principals.get(h.tenantId, id))?.accountEnabled === true;
  const holders: string[] = [];
  for (const { principal_id: id } of grants) {
    const holder = await h.store.read.principals.get(h.tenantId, id);
    if (!holder) continue;
    if (holder.type !== 'group') {
      if (holder.accountEnabled) holders.push(id);
      continue;
    }
    const statics = await h.store.db.selectFrom('group_members').select('member_id').where('tenant_id', '=', h.tenantId).where('group_id', '=', id).execute();
    const lasting = await h.store.db
      .selectFrom('schedules')
      .select('principal_id')
      .where('tenant_id', '=', h.tenantId)
      .where('kind', '=', 'assignment')
      .where('closed', '=', 0)
      .where('role_definition_id', '=', GROUP_ROLE.member)
      .where('directory_scope_id', '=', groupScope(id))
      .where('start_at', '<=', now)
      .where('end_at', 'is', null)
      .execute();
    const members = [...statics.map((m) => m.member_id), ...lasting.map((m) => m.principal_id)];
    for (const m of members) {
      if (await enabled(m)) {
        holders.push(id);
        break;
      }
    }
  }
  return holders.sort();
}
