/**
 * Schedule requests as the CLI shows them: one shape for role and group requests, assignments and
 * eligibilities (the `--output json` shape of `requests`, `request show`, `inbox`), and finding a
 * request by id in whichever of the four collections holds it.
 */
import { ApiError, type ApiClient } from './api-client.ts';
import { notFoundError } from './cli-error.ts';
import type { Names } from './names.ts';
import { describeTarget, REQUEST_COLLECTIONS, requestsPath, type Kind, type Provider } from './targets.ts';

/** A request as the API answers it (roles: roleDefinitionId + directoryScopeId; groups: accessId + groupId). */
export interface ApiRequest {
  readonly id: string;
  readonly action: string;
  readonly status: string;
  readonly principalId: string;
  readonly roleDefinitionId?: string;
  readonly directoryScopeId?: string;
  readonly accessId?: string;
  readonly groupId?: string;
  readonly justification: string | null;
  readonly ticketInfo?: { ticketNumber: string | null; ticketSystem: string | null } | null;
  readonly scheduleInfo?: { startDateTime: string | null; expiration: { type: string; endDateTime: string | null; duration: string | null } } | null;
  readonly createdDateTime: string;
  readonly completedDateTime: string | null;
  readonly approvalId: string | null;
  readonly createdBy?: { user?: { id: string | null } | null } | null;
}

export interface RequestView {
  readonly id: string;
  readonly kind: Kind;
  readonly action: string;
  readonly status: string;
  readonly principalId: string;
  readonly createdById: string | null;
  readonly roleName: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly groupId: string | null;
  readonly groupName: string | null;
  readonly justification: string | null;
  readonly ticket: { system: string | null; number: string } | null;
  readonly startDateTime: string | null;
  readonly expiration: { type: string; endDateTime: string | null; duration: string | null } | null;
  readonly createdDateTime: string;
  readonly completedDateTime: string | null;
  readonly approvalId: string | null;
}

export interface FoundRequest {
  readonly provider: Provider;
  readonly kind: Kind;
  readonly request: ApiRequest;
}

/** The CLI's shape of a request, with the role's (and group's) name. */
export async function viewOf(found: FoundRequest, names: Names): Promise<RequestView> {
  const { request: r, kind } = found;
  const groupId = r.groupId ?? null;
  const roleDefinitionId = r.roleDefinitionId ?? r.accessId ?? '';
  return {
    id: r.id,
    kind,
    action: r.action,
    status: r.status,
    principalId: r.principalId,
    createdById: r.createdBy?.user?.id ?? null,
    roleName: await names.role(roleDefinitionId),
    roleDefinitionId,
    directoryScopeId: r.directoryScopeId ?? (groupId ? `/groups/${groupId}` : '/'),
    groupId,
    groupName: groupId ? await names.group(groupId) : null,
    justification: r.justification,
    ticket: r.ticketInfo?.ticketNumber ? { system: r.ticketInfo.ticketSystem, number: r.ticketInfo.ticketNumber } : null,
    startDateTime: r.scheduleInfo?.startDateTime ?? null,
    expiration: r.scheduleInfo?.expiration ?? null,
    createdDateTime: r.createdDateTime,
    completedDateTime: r.completedDateTime,
    approvalId: r.approvalId,
  };
}

/** `User Administrator`, `User Administrator at /subscriptions/s1`, `member of Ops`. */
export const targetOf = (v: Pick<RequestView, 'roleName' | 'directoryScopeId' | 'groupId' | 'groupName'>): string => describeTarget({ ...v, role: v.roleName });

/** `JIRA:OPS-4711`, or the number alone. */
export const ticketText = (t: RequestView['ticket']): string => (t ? `${t.system ? `${t.system}:` : ''}${t.number}` : '');

/** The requested window, as a person reads it: `from … for PT2H`, `until …`, `permanent`, `policy default`. */
export function windowText(v: Pick<RequestView, 'startDateTime' | 'expiration'>): string {
  const e = v.expiration;
  const length =
    !e || e.type === 'notSpecified' ? 'default length' : e.type === 'noExpiration' ? 'permanent' : e.duration ? `for ${e.duration}` : `until ${e.endDateTime}`;
  return v.startDateTime ? `from ${v.startDateTime}, ${length}` : length;
}

/** One request by id, from whichever collection holds it (one the caller may read); not found is exit code 5. */
export async function findRequest(client: ApiClient, id: string): Promise<FoundRequest> {
  if (!/^[\w.-]{1,100}$/.test(id)) throw notFoundError(`no request '${id}'`);
  for (const { provider, kind } of REQUEST_COLLECTIONS) {
    try {
      return { provider, kind, request: await client.call<ApiRequest>('GET', `${requestsPath(provider, kind)}/${id}`) };
    } catch (error) {
      if (!(error instanceof ApiError && (error.status === 404 || error.status === 400))) throw error;
    }
  }
  throw notFoundError(`no request '${id}' that you may see (openpim requests lists yours)`);
}

/** Re-reads a request found before. */
export const readRequest = async (client: ApiClient, found: FoundRequest): Promise<FoundRequest> => ({
  ...found,
  request: await client.call<ApiRequest>('GET', `${requestsPath(found.provider, found.kind)}/${found.request.id}`),
});

/**
 * A list of requests from every collection (`suffix` follows the collection's path, e.g.
 * `/filterByCurrentUser(on='principal')?$top=20`), newest first, at most `top`.
 */
export async function listAcross(client: ApiClient, suffix: string, top: number): Promise<FoundRequest[]> {
  const lists = await Promise.all(
    REQUEST_COLLECTIONS.map(async ({ provider, kind }) =>
      (await client.list<ApiRequest>(`${requestsPath(provider, kind)}${suffix}`, top)).map((request) => ({ provider, kind, request })),
    ),
  );
  return lists
    .flat()
    .sort((a, b) => b.request.createdDateTime.localeCompare(a.request.createdDateTime) || a.request.id.localeCompare(b.request.id))
    .slice(0, top);
}
