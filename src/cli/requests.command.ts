/**
 * `openpim requests` (your requests, newest first — role and group, assignments and
 * eligibilities; `--all` everyone's, for readers), `openpim request show ID` (status, window,
 * approval decisions and the audit timeline) and `openpim cancel ID…` (withdraw pending requests).
 */
import { Command, InvalidArgumentError } from 'commander';
import { ApiError } from './client/api-client.ts';
import { count } from './client/arguments.ts';
import { CliError, EXIT } from './client/cli-error.ts';
import { approvalSteps, decisionsOf, decisionText, type ApprovalStep } from './client/approvals.ts';
import { requestTimeline } from './client/audit-log.ts';
import { names, principalLabel } from './client/names.ts';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { findRequest, listAcross, targetOf, ticketText, viewOf, windowText } from './client/request-view.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, shortTime, table } from './client/table.ts';
import { requestsPath } from './client/targets.ts';

const STATUSES = [
  'PendingApproval',
  'PendingScheduleCreation',
  'Granted',
  'Provisioned',
  'PendingProvisioning',
  'Denied',
  'Canceled',
  'Revoked',
  'Failed',
  'TimedOut',
];

const statusOf = (text: string): string => {
  const status = STATUSES.find((s) => s.toLowerCase() === text.toLowerCase());
  if (!status) throw new InvalidArgumentError(`one of ${STATUSES.join(', ')}`);
  return status;
};

export function requestsCommand(): Command {
  return outputOption(
    serverOption(new Command('requests'))
      .description('list your role and group requests, newest first')
      .option('--top <n>', 'how many', count, 20)
      .option('--status <status>', 'only requests in this status (e.g. PendingApproval)', statusOf)
      .option('--all', "everyone's requests (readers and administrators)"),
  ).action(async (options: OutputOptions & { server?: string; top: number; status?: string; all?: boolean }) => {
    const { client } = await openSession(options);
    const query = [`$top=${options.top}`, ...(options.status ? [`$filter=${encodeURIComponent(`status eq '${options.status}'`)}`] : [])].join('&');
    const found = await listAcross(client, `${options.all ? '' : "/filterByCurrentUser(on='principal')"}?${query}`, options.top);
    const namer = names(client);
    const views = await Promise.all(found.map((f) => viewOf(f, namer)));
    if (isJson(options)) {
      printJson(views);
      return;
    }
    if (views.length === 0) {
      process.stdout.write(options.all ? 'No requests.\n' : 'You have made no requests.\n');
      return;
    }
    process.stdout.write(
      table(
        ['CREATED', 'ACTION', 'ROLE', 'SCOPE', 'STATUS', 'ID'],
        views.map((r) => [
          shortTime(r.createdDateTime),
          r.action,
          r.groupId ? `${r.roleName} of ${r.groupName ?? r.groupId}` : r.roleName,
          r.directoryScopeId,
          r.status,
          r.id,
        ]),
      ),
    );
  });
}

/** `request show`'s text: the request, its approval's stages and decisions, its timeline. */
function printShown(
  view: Awaited<ReturnType<typeof viewOf>>,
  principal: string,
  steps: readonly ApprovalStep[],
  timeline: Awaited<ReturnType<typeof requestTimeline>>,
) {
  const rows: [string, string][] = [
    ['Request', view.id],
    ['Action', `${view.action} (${view.kind})`],
    ['Role', targetOf(view)],
    ['Principal', principal],
    ['Status', view.status],
    ['Created', view.createdDateTime],
    ['Completed', view.completedDateTime ?? '-'],
    ['Window', windowText(view)],
    ['Reason', view.justification ?? '-'],
    ['Ticket', ticketText(view.ticket) || '-'],
  ];
  let out = rows.map(([k, v]) => `${`${k}:`.padEnd(11)}${v}`).join('\n');
  if (steps.length) {
    out += '\n\nApproval:\n';
    for (const step of steps) {
      out += `  ${step.displayName ?? `Stage ${step.id}`}: ${step.status}${step.reviewResult && step.reviewResult !== 'NotReviewed' ? ` (${step.reviewResult})` : ''}\n`;
      for (const d of decisionsOf([step])) out += `    ${decisionText(d)}\n`;
    }
    out = out.trimEnd();
  }
  if (timeline.length) {
    out += '\n\nTimeline:\n';
    out += timeline
      .map(
        (e) =>
          `  ${e.activityDateTime}  ${e.activity}${e.result !== 'success' ? ` (${e.result}${e.resultReason ? `: ${e.resultReason}` : ''})` : ''}${e.initiatedBy.displayName ? ` — ${e.initiatedBy.displayName}` : ''}`,
      )
      .join('\n');
  }
  process.stdout.write(`${out}\n`);
}

export function requestCommand(): Command {
  const request = new Command('request').description('one request');
  request.addCommand(
    outputOption(
      serverOption(new Command('show')).description('show a request: status, window, approval decisions and timeline').argument('<id>', 'the request id'),
    ).action(async (id: string, options: OutputOptions & { server?: string }) => {
      const { client } = await openSession(options);
      const found = await findRequest(client, id);
      const namer = names(client);
      const view = await viewOf(found, namer);
      const [principal, steps, timeline] = await Promise.all([
        namer.principal(view.principalId),
        view.approvalId ? approvalSteps(client, found.provider, view.approvalId).catch(() => []) : Promise.resolve([]),
        requestTimeline(client, view.id),
      ]);
      if (isJson(options)) {
        printJson({
          request: { ...view, principal: { id: view.principalId, displayName: principal.displayName, userPrincipalName: principal.userPrincipalName } },
          approval: view.approvalId
            ? {
                id: view.approvalId,
                steps: steps.map((s) => ({ id: s.id, status: s.status, reviewResult: s.reviewResult, approvalsRequired: s.approvalsRequired ?? null })),
              }
            : null,
          decisions: decisionsOf(steps),
          timeline,
        });
        return;
      }
      printShown(view, principalLabel(principal, view.principalId), steps, timeline);
    }),
  );
  return request;
}

export function cancelCommand(): Command {
  return outputOption(
    serverOption(new Command('cancel'))
      .description('withdraw requests that are still pending (PendingApproval, or Granted with a later start)')
      .argument('<id...>', 'request ids'),
  ).action(async (ids: string[], options: OutputOptions & { server?: string }) => {
    const { client } = await openSession(options);
    const namer = names(client);
    const results: { requestId: string; role: string | null; status: string | null; error: { code: string; message: string } | null }[] = [];
    let exitCode = 0;
    for (const id of ids) {
      try {
        const found = await findRequest(client, id);
        await client.call('POST', `${requestsPath(found.provider, found.kind)}/${found.request.id}/cancel`);
        const role = targetOf(await viewOf(found, namer));
        results.push({ requestId: id, role, status: 'Canceled', error: null });
        if (!isJson(options)) process.stdout.write(`${role}: Canceled (request ${id})\n`);
      } catch (error) {
        // A refusal or an unknown id is this id's failure; anything else (sign-in, network) stops the command.
        const refused = error instanceof ApiError ? error : error instanceof CliError && error.exitCode === EXIT.notFound ? error : null;
        if (!refused) throw error;
        results.push({
          requestId: id,
          role: null,
          status: null,
          error: { code: refused instanceof ApiError ? refused.code : 'Request_ResourceNotFound', message: refused.message },
        });
        process.stderr.write(`openpim: ${id}: ${refused.message}\n`);
        exitCode ||= refused.exitCode;
      }
    }
    if (isJson(options)) printJson(results);
    if (exitCode) process.exitCode = exitCode;
  });
}
