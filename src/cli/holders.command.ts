/**
 * `openpim holders [ROLE] [--scope S | --group G]`: who holds a role (or any role) at a scope now —
 * direct and inherited grants and the members of holder groups — from the access index
 * (`GET /openpim/access/scopes/{path}/holders`; it takes the right to read role assignments).
 */
import { Command } from 'commander';
import { names, principalLabel } from './client/names.ts';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, shortTime, table } from './client/table.ts';
import { findGroup, resolveTargets } from './client/targets.ts';

interface Holder {
  readonly principalId: string;
  readonly grantId: string;
  readonly roleDefinitionId: string;
  readonly roleDisplayName: string;
  readonly scopeId: string;
  readonly inherited: boolean;
  readonly via: 'direct' | 'group';
  readonly groupId: string | null;
  readonly groupPath: readonly string[] | null;
  readonly memberType: string;
  readonly startDateTime: string;
  readonly endDateTime: string | null;
}

/** The holders URL of a scope: `/` has no path segment, others are sent URL-encoded. */
export const holdersPath = (scope: string): string =>
  scope === '/' ? '/openpim/access/scopes/holders' : `/openpim/access/scopes/${encodeURIComponent(scope)}/holders`;

export function holdersCommand(): Command {
  return outputOption(
    serverOption(new Command('holders'))
      .description('who holds a role (or any role) at a scope now: direct, inherited, and through groups')
      .argument('[role]', 'role display name (any case) or id; with --group: member or owner')
      .option('--scope <scope>', 'directory or resource scope', '/')
      .option('--group <name|id>', 'PIM for Groups: who holds access to this group'),
  ).action(async (role: string | undefined, options: OutputOptions & { server?: string; scope: string; group?: string }) => {
    const { client } = await openSession(options);
    const scope = options.group ? `/groups/${(await findGroup(client, options.group)).id}` : options.scope;
    const [target] = role ? await resolveTargets(client, [{ role, scope, ...(options.group ? { group: options.group } : {}) }]) : [];
    const answer = await client.call<{ scopeId: string; at: string; holders: Holder[] }>('GET', holdersPath(scope));
    const holders = answer.holders.filter((h) => !target || h.roleDefinitionId === target.roleDefinitionId);
    const namer = names(client);
    const shaped = await Promise.all(
      holders.map(async (h) => {
        const p = await namer.principal(h.principalId);
        const group = h.groupId ? await namer.principal(h.groupId) : null;
        return { ...h, principal: { displayName: p.displayName, userPrincipalName: p.userPrincipalName, type: p.type }, groupName: group?.displayName ?? null };
      }),
    );
    if (isJson(options)) {
      printJson({ scopeId: answer.scopeId, at: answer.at, holders: shaped });
      return;
    }
    if (shaped.length === 0) {
      process.stdout.write(`Nobody holds ${target ? target.role : 'any role'} at ${answer.scopeId} now.\n`);
      return;
    }
    process.stdout.write(
      table(
        ['PRINCIPAL', 'ROLE', 'GRANTED AT', 'VIA', 'UNTIL'],
        shaped.map((h) => [
          principalLabel(h.principal, h.principalId),
          h.roleDisplayName,
          `${h.scopeId}${h.inherited ? ' (inherited)' : ''}`,
          h.via === 'group' ? `group ${h.groupName ?? h.groupId}` : 'direct',
          shortTime(h.endDateTime),
        ]),
      ),
    );
  });
}
