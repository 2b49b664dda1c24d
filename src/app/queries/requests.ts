/** Reading schedule requests: admins and readers see all; everyone sees their own. */
import { DomainError } from '../../domain/errors.ts';
import type { ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import { authorize, can, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { ReadRepositories } from '../ports/repositories.ts';
import type { ListQuery, Page } from '../query.ts';
import { isOfProvider, ofProvider, type Provider } from './provider.ts';

export function listRequests(
  read: ReadRepositories<'requests'>,
  caller: Caller,
  provider: Provider,
  kind: ScheduleKind,
  query: ListQuery,
  mine: boolean,
): Promise<Page<ScheduleRequest>> {
  if (!mine) authorize(caller, PERMISSION.roleAssignmentsRead);
  return read.requests.list(caller.tenantId, kind, mine ? [caller.principal.id] : null, ofProvider(query, provider));
}

export async function getRequest(
  read: ReadRepositories<'requests'>,
  caller: Caller,
  provider: Provider,
  kind: ScheduleKind,
  id: string,
): Promise<ScheduleRequest> {
  const request = await read.requests.get(caller.tenantId, kind, id);
  const visible =
    request &&
    isOfProvider(request.roleDefinitionId, provider) &&
    (request.principalId === caller.principal.id || request.createdById === caller.principal.id || can(caller, PERMISSION.roleAssignmentsRead));
  if (!request || !visible) throw new DomainError('Request_ResourceNotFound', `Request '${id}' does not exist.`);
  return request;
}

/** A request by id, whichever kind it is (assignment or eligibility): feed rows and timeline items name only the id. */
export async function findRequestOfAnyKind(read: ReadRepositories<'requests'>, tenantId: string, id: string): Promise<ScheduleRequest | null> {
  return (await read.requests.get(tenantId, 'assignment', id)) ?? (await read.requests.get(tenantId, 'eligibility', id));
}
