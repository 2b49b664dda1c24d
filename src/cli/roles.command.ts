/**
 * `openpim roles`: the caller's eligible and active directory roles, and those that expired in the
 * last 30 days and may still be renewed (`openpim renew`), as a table or JSON.
 */
import { Command } from 'commander';
import type { ApiClient } from './client/api-client.ts';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { roleCatalogue } from './client/role-catalogue.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, shortTime, table } from './client/table.ts';

const DIR = '/v1.0/roleManagement/directory';
const EXPIRED = '/openpim/roleManagement/directory';
const MINE = "filterByCurrentUser(on='principal')";

interface Instance {
  readonly id: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly startDateTime: string;
  readonly endDateTime: string | null;
  readonly memberType: string;
  readonly assignmentType?: string;
}

/** An expired schedule (the schedule shape): its window is in scheduleInfo. */
interface ExpiredSchedule {
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly memberType: string;
  readonly scheduleInfo: { startDateTime: string | null; expiration: { endDateTime: string | null } };
}

/** The caller's eligible and active role instances, each with its role's name. */
export async function myRoles(client: ApiClient) {
  const [catalogue, eligible, active, expiredEligible, expiredActive] = await Promise.all([
    roleCatalogue(client),
    client.list<Instance>(`${DIR}/roleEligibilityScheduleInstances/${MINE}?$top=999`),
    client.list<Instance>(`${DIR}/roleAssignmentScheduleInstances/${MINE}?$top=999`),
    client.list<ExpiredSchedule>(`${EXPIRED}/expiredRoleEligibilitySchedules/${MINE}?$top=999`),
    client.list<ExpiredSchedule>(`${EXPIRED}/expiredRoleAssignmentSchedules/${MINE}?$top=999`),
  ]);
  const expired = (kind: 'eligible' | 'active') => (s: ExpiredSchedule) => ({
    roleName: catalogue.nameOf(s.roleDefinitionId),
    roleDefinitionId: s.roleDefinitionId,
    directoryScopeId: s.directoryScopeId,
    startDateTime: s.scheduleInfo.startDateTime,
    endDateTime: s.scheduleInfo.expiration.endDateTime,
    memberType: s.memberType,
    kind,
  });
  const named = (i: Instance) => ({
    roleName: catalogue.nameOf(i.roleDefinitionId),
    roleDefinitionId: i.roleDefinitionId,
    directoryScopeId: i.directoryScopeId,
    startDateTime: i.startDateTime,
    endDateTime: i.endDateTime,
    memberType: i.memberType,
    ...(i.assignmentType ? { assignmentType: i.assignmentType } : {}),
  });
  const byName = (a: { roleName: string; directoryScopeId: string }, b: { roleName: string; directoryScopeId: string }) =>
    a.roleName.localeCompare(b.roleName) || a.directoryScopeId.localeCompare(b.directoryScopeId);
  return {
    eligible: eligible.map(named).sort(byName),
    active: active.map(named).sort(byName),
    expired: [...expiredActive.map(expired('active')), ...expiredEligible.map(expired('eligible'))].sort(byName),
  };
}

export function rolesCommand(): Command {
  return outputOption(
    serverOption(new Command('roles')).description('list the roles you are eligible for, the roles you hold now, and those you may renew'),
  ).action(async (options: OutputOptions & { server?: string }) => {
    const { client } = await openSession(options);
    const roles = await myRoles(client);
    if (isJson(options)) {
      printJson(roles);
      return;
    }
    if (roles.eligible.length === 0 && roles.active.length === 0 && roles.expired.length === 0) {
      process.stdout.write('You are not eligible for any role and hold none.\n');
      return;
    }
    const rows = [
      ...roles.active.map((r) => [
        r.roleName,
        r.directoryScopeId,
        r.assignmentType === 'Activated' ? 'active (activated)' : 'active (assigned)',
        shortTime(r.endDateTime),
        r.memberType,
      ]),
      ...roles.eligible.map((r) => [r.roleName, r.directoryScopeId, 'eligible', shortTime(r.endDateTime), r.memberType]),
      ...roles.expired.map((r) => [r.roleName, r.directoryScopeId, `expired ${r.kind} (renewable)`, shortTime(r.endDateTime), r.memberType]),
    ];
    process.stdout.write(table(['ROLE', 'SCOPE', 'STATE', 'UNTIL', 'VIA'], rows));
  });
}
