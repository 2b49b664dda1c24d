/**
 * `openpim assign` and `openpim unassign`, for administrators: adminAssign / adminRemove of an
 * eligible (the default) or active assignment, for a user named by user principal name or id (or
 * a group or service principal by id), one request per role.
 */
import { Command } from 'commander';
import { usageError } from './client/cli-error.ts';
import { findPrincipal } from './client/names.ts';
import { outputOption, type OutputOptions } from './client/output.ts';
import { targetOptions, targetSpecs, totpOption, waitOptions, waitPlan, type TargetOptions } from './client/request-options.ts';
import { reasonOf, scheduleInfo, ticketInfo } from './client/schedule-options.ts';
import { openSession, serverOption } from './client/session.ts';
import { submitEach } from './client/submit.ts';
import { resolveTargets } from './client/targets.ts';

interface AssignmentOptions extends OutputOptions, TargetOptions {
  readonly server?: string;
  readonly user?: string;
  readonly principal?: string;
  readonly eligible?: boolean;
  readonly active?: boolean;
  readonly reason?: string;
  readonly ticket?: string;
  readonly duration?: string;
  readonly start?: string;
  readonly end?: string;
  readonly permanent?: boolean;
  readonly totp?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
}

/** --user / --principal and --eligible / --active, checked. */
function who(options: AssignmentOptions): { principal: string; kind: 'eligibility' | 'assignment' } {
  if (Boolean(options.user) === Boolean(options.principal))
    throw usageError('name the holder with --user UPN|ID (or --principal ID for a group or service principal)');
  if (options.eligible && options.active) throw usageError('give --eligible or --active, not both');
  return { principal: (options.user ?? options.principal)!, kind: options.active ? 'assignment' : 'eligibility' };
}

function holderOptions(command: Command): Command {
  command
    .option('--user <upn|id>', 'the user, by user principal name or id')
    .option('--principal <id>', 'a group or service principal (or user), by id')
    .option('--eligible', 'an eligible assignment (the default)')
    .option('--active', 'an active assignment');
  targetOptions(command);
  totpOption(command);
  return command;
}

export function assignCommand(): Command {
  const command = holderOptions(
    serverOption(new Command('assign'))
      .description('administrators: make someone eligible for roles, or assign them active (adminAssign)')
      .argument('[role...]', 'role display names (any case) or ids; with --group: member or owner')
      .option('--reason <text>', 'justification, recorded with each request')
      .option('--ticket <system:number>', 'ticket, e.g. JIRA:OPS-4711')
      .option('--duration <iso>', 'how long, as an ISO-8601 duration (e.g. P90D)')
      .option('--end <datetime>', 'until this ISO-8601 date and time')
      .option('--permanent', 'no end (when the policy allows it)')
      .option('--start <datetime>', 'start later, at this ISO-8601 date and time')
      .option('--profile <name>', 'also the roles saved in this profile'),
  );
  waitOptions(command);
  return outputOption(command).action(async (names: string[], options: AssignmentOptions) => {
    const { principal, kind } = who(options);
    const reason = reasonOf(options.reason, false);
    const specs = await targetSpecs(names, options);
    const schedule = scheduleInfo(options);
    const ticket = ticketInfo(options.ticket);
    const wait = waitPlan(options);
    const session = await openSession(options);
    const holder = await findPrincipal(session.client, principal);
    const targets = await resolveTargets(session.client, specs);
    await submitEach(session, targets, {
      ...options,
      kind,
      action: 'adminAssign',
      wait,
      body: () => ({
        action: 'adminAssign',
        principalId: holder.id,
        ...(reason ? { justification: reason } : {}),
        ...(ticket ? { ticketInfo: ticket } : {}),
        scheduleInfo: schedule,
      }),
    });
  });
}

export function unassignCommand(): Command {
  const command = holderOptions(
    serverOption(new Command('unassign'))
      .description("administrators: end someone's eligible (default) or active assignments of roles now (adminRemove)")
      .argument('[role...]', 'role display names (any case) or ids; with --group: member or owner')
      .option('--reason <text>', 'justification, recorded with each request')
      .option('--profile <name>', 'also the roles saved in this profile'),
  );
  return outputOption(command).action(async (names: string[], options: AssignmentOptions) => {
    const { principal, kind } = who(options);
    const reason = reasonOf(options.reason, false);
    const specs = await targetSpecs(names, options);
    const session = await openSession(options);
    const holder = await findPrincipal(session.client, principal);
    const targets = await resolveTargets(session.client, specs);
    await submitEach(session, targets, {
      ...options,
      kind,
      action: 'adminRemove',
      wait: null,
      body: () => ({ action: 'adminRemove', principalId: holder.id, ...(reason ? { justification: reason } : {}) }),
    });
  });
}
