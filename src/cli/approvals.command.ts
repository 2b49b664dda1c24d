/**
 * For approvers: `openpim inbox` (the pending requests waiting for my decision —
 * `filterByCurrentUser(on='approver')` of every request collection), `openpim approve ID…` and
 * `openpim deny ID… --reason` (the step that waits for me, `PATCH …/steps/{id}`). An ID is the
 * request id the inbox shows (or the approval id).
 */
import { Command } from 'commander';
import { ApiError, type ApiClient } from './client/api-client.ts';
import { decide } from './client/approvals.ts';
import { CliError, EXIT, notFoundError, usageError } from './client/cli-error.ts';
import { names, principalLabel } from './client/names.ts';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { totpOption } from './client/request-options.ts';
import { listAcross, targetOf, ticketText, viewOf, windowText, type FoundRequest } from './client/request-view.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, shortTime, table } from './client/table.ts';
import { approvalPath } from './client/targets.ts';

const INBOX = "/filterByCurrentUser(on='approver')?$top=999";

export function inboxCommand(): Command {
  return outputOption(
    serverOption(new Command('inbox')).description('list the requests waiting for your approval: requester, role, scope, reason, ticket and window'),
  ).action(async (options: OutputOptions & { server?: string }) => {
    const { client } = await openSession(options);
    const found = await listAcross(client, INBOX, 999);
    const namer = names(client);
    const items = await Promise.all(
      found.map(async (f) => {
        const view = await viewOf(f, namer);
        const p = await namer.principal(view.principalId);
        return { ...view, requester: { id: view.principalId, displayName: p.displayName, userPrincipalName: p.userPrincipalName } };
      }),
    );
    if (isJson(options)) {
      printJson(items);
      return;
    }
    if (items.length === 0) {
      process.stdout.write('Nothing is waiting for your approval.\n');
      return;
    }
    process.stdout.write(
      table(
        ['ID', 'CREATED', 'REQUESTER', 'ACTION', 'ROLE', 'WINDOW', 'TICKET', 'REASON'],
        items.map((i) => [
          i.id,
          shortTime(i.createdDateTime),
          principalLabel(i.requester, i.principalId),
          i.action,
          targetOf(i),
          windowText(i),
          ticketText(i.ticket) || '-',
          i.justification ?? '-',
        ]),
      ),
    );
  });
}

/** The provider and approval id an ID names: a request in my inbox, else an approval I can read; not found is exit code 5. */
async function approvalOf(
  client: ApiClient,
  inbox: readonly FoundRequest[],
  id: string,
): Promise<{ provider: FoundRequest['provider']; approvalId: string; found: FoundRequest | null }> {
  const found = inbox.find((f) => f.request.id === id || f.request.approvalId === id);
  if (found?.request.approvalId) return { provider: found.provider, approvalId: found.request.approvalId, found };
  if (/^[\w.-]{1,100}$/.test(id)) {
    for (const provider of ['directory', 'group'] as const) {
      try {
        await client.call('GET', approvalPath(provider, id));
        return { provider, approvalId: id, found: null };
      } catch (error) {
        if (!(error instanceof ApiError && (error.status === 404 || error.status === 400))) throw error;
      }
    }
  }
  throw notFoundError(`no request '${id}' waiting for your decision (openpim inbox lists them)`);
}

interface DecideOptions extends OutputOptions {
  readonly server?: string;
  readonly reason?: string;
  readonly totp?: string;
}

function decideCommand(name: 'approve' | 'deny'): Command {
  const result = name === 'approve' ? 'Approve' : 'Deny';
  const command = serverOption(new Command(name))
    .description(name === 'approve' ? 'approve requests waiting for you' : 'deny requests waiting for you, with a reason')
    .argument('<id...>', 'request ids (openpim inbox lists them)');
  if (name === 'deny') command.requiredOption('--reason <text>', 'why: the requester sees it');
  else command.option('--reason <text>', 'justification (required when the approval stage asks for one)');
  totpOption(command);
  return outputOption(command).action(async (ids: string[], options: DecideOptions) => {
    if (options.reason !== undefined && !options.reason.trim()) throw usageError('--reason must not be empty');
    const { client } = await openSession(options);
    const inbox = await listAcross(client, INBOX, 999);
    const namer = names(client);
    const results: { requestId: string; approvalId: string | null; step: string | null; result: string; error: { code: string; message: string } | null }[] =
      [];
    let exitCode = 0;
    for (const id of ids) {
      try {
        const { provider, approvalId, found } = await approvalOf(client, inbox, id);
        const step = await decide(client, provider, approvalId, result, options.reason ?? null);
        results.push({ requestId: found?.request.id ?? id, approvalId, step, result, error: null });
        if (!isJson(options)) {
          const what = found ? await viewOf(found, namer) : null;
          const requester = what ? principalLabel(await namer.principal(what.principalId), what.principalId) : null;
          process.stdout.write(
            `${result === 'Approve' ? 'Approved' : 'Denied'} request ${found?.request.id ?? id}${what ? ` (${targetOf(what)} for ${requester})` : ''}.\n`,
          );
        }
      } catch (error) {
        // A refusal or an unknown id is this id's failure; anything else (sign-in, network) stops the command.
        if (!(error instanceof CliError) || error.exitCode === EXIT.authentication || error.exitCode === EXIT.unavailable) throw error;
        results.push({
          requestId: id,
          approvalId: null,
          step: null,
          result,
          error: { code: error instanceof ApiError ? error.code : 'NotWaitingForYou', message: error.message },
        });
        process.stderr.write(`openpim: ${id}: ${error.message}\n`);
        exitCode ||= error.exitCode;
      }
    }
    if (isJson(options)) printJson(results);
    if (exitCode) process.exitCode = exitCode;
  });
}

export const approveCommand = (): Command => decideCommand('approve');
export const denyCommand = (): Command => decideCommand('deny');
