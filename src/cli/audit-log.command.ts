/**
 * `openpim audit list` and `openpim audit export` over HTTP: the whole audit log (readers) or, with
 * `--mine`, the caller's own events, filtered by time, activity, category, result, actor, target
 * or correlation id. `list` prints a page (newest first); `export` streams every matching event as
 * JSON lines or CSV to stdout or a file.
 */
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isDuration, parseDuration, parseInstant } from '../domain/time.ts';
import { ApiError, type ApiClient } from './client/api-client.ts';
import { count } from './client/arguments.ts';
import { auditFilter, auditPath, auditRow, type ApiAuditEvent, type AuditFilter, type AuditRow } from './client/audit-log.ts';
import { CliError, EXIT } from './client/cli-error.ts';
import { findPrincipal } from './client/names.ts';
import { isJson, note, outputOption, type OutputOptions } from './client/output.ts';
import { openSession, serverOption } from './client/session.ts';
import { printJson, table } from './client/table.ts';

interface FilterOptions {
  readonly server?: string;
  readonly since?: string;
  readonly until?: string;
  readonly activity?: string;
  readonly category?: string;
  readonly result?: string;
  readonly actor?: string;
  readonly target?: string;
  readonly correlation?: string;
  readonly mine?: boolean;
}

/** An instant: an ISO-8601 date and time, or a duration back from now (`P7D`: the last seven days). */
const instantOrAgo = (text: string): string => {
  try {
    if (isDuration(text)) return new Date(Date.now() - parseDuration(text)).toISOString();
    return new Date(parseInstant(text)).toISOString();
  } catch {
    throw new InvalidArgumentError('an ISO-8601 date and time with a zone (2026-05-01T00:00:00Z) or a duration back from now (P7D)');
  }
};

function filterOptions(command: Command): Command {
  return serverOption(command)
    .option('--since <when>', 'events at or after this time: ISO-8601 date-time, or a duration back from now (P7D)', instantOrAgo)
    .option('--until <when>', 'events before this time (same forms)', instantOrAgo)
    .option('--activity <name>', 'activity display name, exactly (e.g. "Add member to role completed (PIM activation)")')
    .option('--category <name>', 'category (e.g. RoleManagement)')
    .option('--result <result>', 'success or failure')
    .option('--actor <upn|id>', 'who did it (a user by UPN or id, a service principal by id)')
    .option('--target <id>', 'events about this id (a user, group, role or request)')
    .option('--correlation <id>', 'events of one operation')
    .option('--mine', 'only your own events (anyone may read them; the whole log is for readers)');
}

async function filterOf(client: ApiClient, options: FilterOptions): Promise<string | null> {
  const actorId = options.actor ? (await findPrincipal(client, options.actor).catch(() => ({ id: options.actor! }))).id : undefined;
  const filter: AuditFilter = {
    since: options.since,
    until: options.until,
    activity: options.activity,
    category: options.category,
    result: options.result,
    actorId,
    targetId: options.target,
    correlationId: options.correlation,
  };
  return auditFilter(filter);
}

/** Every page of matching events, with a hint when the whole log is not the caller's to read. */
async function* events(client: ApiClient, options: FilterOptions, top: number): AsyncGenerator<AuditRow[]> {
  const path = auditPath({ mine: Boolean(options.mine), filter: await filterOf(client, options), top });
  try {
    for await (const page of client.pages<ApiAuditEvent>(path)) yield page.map(auditRow);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403 && !options.mine) {
      throw new CliError(`${error.message} (the whole audit log is for readers: --mine lists your own events)`, EXIT.forbidden);
    }
    throw error;
  }
}

const who = (r: AuditRow) => r.initiatedBy.userPrincipalName ?? r.initiatedBy.displayName ?? r.initiatedBy.id ?? '-';

export function auditListCommand(): Command {
  return outputOption(
    filterOptions(new Command('list')).description('list audit events, newest first, over HTTP').option('--top <n>', 'how many', count, 50),
  ).action(async (options: FilterOptions & OutputOptions & { top: number }) => {
    const { client } = await openSession(options);
    const rows: AuditRow[] = [];
    for await (const page of events(client, options, options.top)) {
      rows.push(...page);
      if (rows.length >= options.top) break;
    }
    rows.splice(options.top);
    if (isJson(options)) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      process.stdout.write('No audit events match.\n');
      return;
    }
    process.stdout.write(
      table(
        ['TIME', 'RESULT', 'BY', 'ACTIVITY', 'TARGETS'],
        rows.map((r) => [
          r.activityDateTime,
          r.result,
          who(r),
          r.activity,
          r.targets
            .map((t) => t.displayName ?? t.id ?? '')
            .filter(Boolean)
            .join(', '),
        ]),
      ),
    );
  });
}

export const CSV_COLUMNS = [
  'id',
  'activityDateTime',
  'activity',
  'category',
  'operationType',
  'result',
  'resultReason',
  'initiatedById',
  'initiatedByName',
  'initiatedByUserPrincipalName',
  'targets',
  'correlationId',
  'details',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field starting
 * with `=`, `+`, `-`, `@` or a tab is prefixed with `'` so a spreadsheet shows it rather than
 * running it as a formula (justifications are free text).
 */
export function csvField(value: string | null): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const csvLine = (r: AuditRow): string =>
  [
    r.id,
    r.activityDateTime,
    r.activity,
    r.category,
    r.operationType,
    r.result,
    r.resultReason,
    r.initiatedBy.id,
    r.initiatedBy.displayName,
    r.initiatedBy.userPrincipalName,
    r.targets.map((t) => `${t.type ?? ''}:${t.id ?? ''}:${t.displayName ?? ''}`).join(';'),
    r.correlationId,
    JSON.stringify(r.details),
  ]
    .map(csvField)
    .join(',');

export function auditExportCommand(): Command {
  return filterOptions(new Command('export'))
    .description('export every matching audit event, newest first, as JSON lines or CSV')
    .addOption(new Option('--format <format>', 'jsonl (one JSON object per line) or csv').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <file>', 'write to this file (default: stdout)')
    .action(async (options: FilterOptions & { format: 'jsonl' | 'csv'; out?: string }) => {
      const { client } = await openSession(options);
      const file = options.out
        ? await open(options.out, 'w', 0o600).catch((error: Error) => {
            throw new CliError(`cannot write ${options.out}: ${error.message}`);
          })
        : null;
      const out = file ? file.createWriteStream() : process.stdout;
      const write = async (text: string) => {
        if (!out.write(text)) await once(out, 'drain');
      };
      let n = 0;
      if (options.format === 'csv') await write(`${CSV_COLUMNS.join(',')}\r\n`);
      for await (const page of events(client, options, 999)) {
        await write(page.map((r) => (options.format === 'csv' ? `${csvLine(r)}\r\n` : `${JSON.stringify(r)}\n`)).join(''));
        n += page.length;
      }
      if (out !== process.stdout) {
        out.end();
        await once(out, 'finish');
      }
      note(`openpim: exported ${n} audit event(s)${options.out ? ` to ${options.out}` : ''}.`);
    });
}
