/** `openpim requests`: the caller's own role assignment requests (activations, deactivations, …), newest first. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { roleCatalogue } from './client/role-catalogue.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, shortTime, table } from './client/table.ts';

const MINE = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')";

interface Request {
  readonly id: string;
  readonly action: string;
  readonly status: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly justification: string | null;
  readonly createdDateTime: string;
}

const count = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new InvalidArgumentError('a whole number from 1 to 999');
  return n;
};

export function requestsCommand(): Command {
  return serverOption(new Command('requests'))
    .description('list your role requests, newest first')
    .addOption(new Option('--top <n>', 'how many').default(20).argParser(count))
    .addOption(new Option('--json', 'print JSON for scripts'))
    .action(async (options: { server?: string; top: number; json?: boolean }) => {
      const { client } = await openSession(options);
      const [catalogue, requests] = await Promise.all([roleCatalogue(client), client.list<Request>(`${MINE}?$top=${options.top}`, options.top)]);
      const shaped = requests.map((r) => ({
        id: r.id, createdDateTime: r.createdDateTime, action: r.action, status: r.status, roleName: catalogue.nameOf(r.roleDefinitionId),
        roleDefinitionId: r.roleDefinitionId, directoryScopeId: r.directoryScopeId, justification: r.justification,
      }));
      if (options.json) {
        printJson(shaped);
        return;
      }
      if (shaped.length === 0) {
        process.stdout.write('You have made no requests.\n');
        return;
      }
      process.stdout.write(table(['CREATED', 'ACTION', 'ROLE', 'SCOPE', 'STATUS', 'ID'],
        shaped.map((r) => [shortTime(r.createdDateTime), r.action, r.roleName, r.directoryScopeId, r.status, r.id])));
    });
}
