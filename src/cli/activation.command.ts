/**
 * `openpim activate` and `openpim deactivate`: one selfActivate / selfDeactivate
 * roleAssignmentScheduleRequest per role named, with one reason for all. Roles are named by
 * display name (any case) or id and all resolved before anything is submitted. When a role's
 * policy asks for MFA, the first request meets the step-up challenge (client/step-up.ts) and the
 * rest ride on the stronger token. The exit code is 1 when any role failed, each failure on stderr
 * with the server's message.
 */
import { Command, Option } from 'commander';
import { isDuration, parseDuration, parseInstant } from '../domain/time.ts';
import { ApiError, type ApiClient } from './client/api-client.ts';
import { usageError } from './client/cli-error.ts';
import { roleCatalogue, type RoleDefinition } from './client/role-catalogue.ts';
import { openSession, serverOption, type Session } from './client/session.ts';
import { printJson } from './client/table.ts';

const DIR = '/v1.0/roleManagement/directory';
const REQUESTS = `${DIR}/roleAssignmentScheduleRequests`;

interface RequestBody {
  readonly id: string;
  readonly status: string;
  readonly scheduleInfo?: { startDateTime: string | null; expiration: { type: string; endDateTime: string | null; duration: string | null } };
}

interface Outcome {
  readonly role: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly requestId: string | null;
  readonly status: string | null;
  readonly endDateTime: string | null;
  readonly error: { code: string; message: string } | null;
}

/** `SYSTEM:NUMBER` (or a bare number) as Graph's ticketInfo. */
function ticketInfo(ticket: string | undefined) {
  if (ticket === undefined) return undefined;
  const colon = ticket.indexOf(':');
  const [system, number] = colon < 0 ? [null, ticket] : [ticket.slice(0, colon), ticket.slice(colon + 1)];
  if (!number.trim()) throw usageError(`--ticket '${ticket}': expected SYSTEM:NUMBER, e.g. JIRA:OPS-4711`);
  return { ticketSystem: system?.trim() || null, ticketNumber: number.trim() };
}

/**
 * When a granted activation ends: from the instance now in effect, else from what the request asked.
 * Null for anything not granted (yet): a pending approval's time starts when it is approved.
 */
async function endOf(client: ApiClient, role: RoleDefinition, scope: string, request: RequestBody): Promise<string | null> {
  if (!['Provisioned', 'PendingProvisioning', 'Granted'].includes(request.status)) return null;
  if (request.status !== 'Granted') {
    const filter = encodeURIComponent(`roleDefinitionId eq '${role.id}' and directoryScopeId eq '${scope.replace(/'/g, "''")}' and assignmentType eq 'Activated'`);
    // The request is done whatever this lookup says: if it fails, fall back to what was asked.
    const instance = await client.list<{ endDateTime: string | null }>(`${DIR}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$filter=${filter}`, 1)
      .then(([first]) => first, () => undefined);
    if (instance) return instance.endDateTime;
  }
  const info = request.scheduleInfo;
  if (!info) return null;
  if (info.expiration.endDateTime) return info.expiration.endDateTime;
  if (!info.expiration.duration || !info.startDateTime) return null;
  try {
    return new Date(parseInstant(info.startDateTime) + parseDuration(info.expiration.duration)).toISOString();
  } catch {
    return null;
  }
}

/**
 * Submits one request per role, reports, and sets the exit code. A refusal is recorded and the
 * next role tried; anything else (sign-in, MFA not met, network) stops after reporting what was done.
 */
async function submitEach(session: Session, roles: readonly RoleDefinition[], scope: string, json: boolean, body: (principalId: string, role: RoleDefinition) => object): Promise<void> {
  const me = await session.client.call<{ id: string }>('GET', '/v1.0/me');
  const outcomes: Outcome[] = [];
  for (const role of roles) {
    const base = { role: role.displayName, roleDefinitionId: role.id, directoryScopeId: scope };
    try {
      const request = await session.client.call<RequestBody>('POST', REQUESTS, body(me.id, role));
      outcomes.push({ ...base, requestId: request.id, status: request.status, endDateTime: await endOf(session.client, role, scope, request), error: null });
    } catch (error) {
      if (!(error instanceof ApiError)) {
        if (outcomes.length > 0) report(outcomes, json);
        throw error;
      }
      outcomes.push({ ...base, requestId: null, status: null, endDateTime: null, error: { code: error.code, message: error.message } });
    }
  }
  report(outcomes, json);
}

/** Prints the outcomes (failures on stderr) and sets the exit code. */
function report(outcomes: readonly Outcome[], json: boolean): void {
  if (json) printJson(outcomes);
  for (const o of outcomes) {
    if (o.error) {
      process.stderr.write(`openpim: ${o.role}: ${o.error.message}\n`);
    } else if (!json) {
      const until = o.endDateTime ? ` until ${o.endDateTime}` : o.status === 'Provisioned' ? ' (permanent)' : '';
      process.stdout.write(`${o.role}${o.directoryScopeId === '/' ? '' : ` at ${o.directoryScopeId}`}: ${o.status}${until} (request ${o.requestId})\n`);
    }
  }
  if (outcomes.some((o) => o.error)) process.exitCode = 1;
}

async function resolveRoles(session: Session, names: readonly string[]): Promise<RoleDefinition[]> {
  const catalogue = await roleCatalogue(session.client);
  return names.map((n) => catalogue.find(n));
}

export function activateCommand(): Command {
  return serverOption(new Command('activate'))
    .description('activate roles you are eligible for, with one reason for all (steps up to MFA when a role asks for it)')
    .argument('<role...>', 'role display names (any case) or ids')
    .requiredOption('--reason <text>', 'justification, recorded with each request')
    .option('--ticket <system:number>', 'ticket, e.g. JIRA:OPS-4711')
    .option('--duration <iso>', 'how long, as an ISO-8601 duration (e.g. PT2H); default: the policy maximum')
    .option('--scope <scope>', 'directory scope', '/')
    .option('--totp <code>', 'authenticator code for the MFA step-up (else $OPENPIM_TOTP, the terminal or stdin)')
    .addOption(new Option('--json', 'print JSON for scripts'))
    .action(async (names: string[], options: { server?: string; reason: string; ticket?: string; duration?: string; scope: string; totp?: string; json?: boolean }) => {
      if (!options.reason.trim()) throw usageError('--reason must not be empty');
      if (options.duration !== undefined && !isDuration(options.duration)) throw usageError(`--duration '${options.duration}' is not an ISO-8601 duration (at most 100 years) such as PT2H`);
      const ticket = ticketInfo(options.ticket);
      const session = await openSession(options);
      const roles = await resolveRoles(session, names);
      await submitEach(session, roles, options.scope, Boolean(options.json), (principalId, role) => ({
        action: 'selfActivate', principalId, roleDefinitionId: role.id, directoryScopeId: options.scope, justification: options.reason,
        ...(ticket ? { ticketInfo: ticket } : {}),
        scheduleInfo: { expiration: options.duration ? { type: 'afterDuration', duration: options.duration } : { type: 'notSpecified' } },
      }));
    });
}

export function deactivateCommand(): Command {
  return serverOption(new Command('deactivate'))
    .description('end activations of roles before they expire')
    .argument('<role...>', 'role display names (any case) or ids')
    .option('--reason <text>', 'justification, recorded with each request')
    .option('--scope <scope>', 'directory scope', '/')
    .option('--totp <code>', 'authenticator code, should the server ask for MFA')
    .addOption(new Option('--json', 'print JSON for scripts'))
    .action(async (names: string[], options: { server?: string; reason?: string; scope: string; totp?: string; json?: boolean }) => {
      const session = await openSession(options);
      const roles = await resolveRoles(session, names);
      await submitEach(session, roles, options.scope, Boolean(options.json), (principalId, role) => ({
        action: 'selfDeactivate', principalId, roleDefinitionId: role.id, directoryScopeId: options.scope,
        ...(options.reason ? { justification: options.reason } : {}),
      }));
    });
}
