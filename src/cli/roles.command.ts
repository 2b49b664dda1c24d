/** `openpim roles`: the caller's eligible and active directory roles, as a table or JSON. */
import { Command, Option } from 'commander';
import type { ApiClient } from './client/api-client.ts';
import { roleCatalogue } from './client/role-catalogue.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, shortTime, table } from './client/table.ts';

const DIR = '/v1.0/roleManagement/directory';
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

/** The caller's eligible and active role instances, each with its role's name. */
export async function myRoles(client: ApiClient) {
  const [catalogue, eligible, active] = await Promise.all([
    roleCatalogue(client),
    client.list<Instance>(`${DIR}/roleEligibilityScheduleInstances/${MINE}?$top=999`),
    client.list<Instance>(`${DIR}/roleAssignmentScheduleInstances/${MINE}?$top=999`),
  ]);
  const named = (i: Instance) => ({
    roleName: catalogue.nameOf(i.roleDefinitionId), roleDefinitionId: i.roleDefinitionId, directoryScopeId: i.directoryScopeId,
    startDateTime: i.startDateTime, endDateTime: i.endDateTime, memberType: i.memberType, ...(i.assignmentType ? { assignmentType: i.assignmentType } : {}),
  });
  const byName = (a: { roleName: string; directoryScopeId: string }, b: { roleName: string; directoryScopeId: string }) =>
    a.roleName.localeCompare(b.roleName) || a.directoryScopeId.localeCompare(b.directoryScopeId);
  return { eligible: eligible.map(named).sort(byName), active: active.map(named).sort(byName) };
}

export function rolesCommand(): Command {
  return serverOption(new Command('roles'))
    .description('list the roles you are eligible for and the roles you hold now')
    .addOption(new Option('--json', 'print JSON for scripts'))
    .action(async (options: { server?: string; json?: boolean }) => {
      const { client } = await openSession(options);
      const roles = await myRoles(client);
      if (options.json) {
        printJson(roles);
        return;
      }
      if (roles.eligible.length === 0 && roles.active.length === 0) {
        process.stdout.write('You are not eligible for any role and hold none.\n');
        return;
      }
      const rows = [
        ...roles.active.map((r) => [r.roleName, r.directoryScopeId, r.assignmentType === 'Activated' ? 'active (activated)' : 'active (assigned)', shortTime(r.endDateTime), r.memberType]),
        ...roles.eligible.map((r) => [r.roleName, r.directoryScopeId, 'eligible', shortTime(r.endDateTime), r.memberType]),
      ];
      process.stdout.write(table(['ROLE', 'SCOPE', 'STATE', 'UNTIL', 'VIA'], rows));
    });
}
