/**
 * `openpim activate` and `openpim deactivate`: one selfActivate / selfDeactivate request per role
 * named (or saved in a profile), with one reason for all. Roles are named by display name (any
 * case) or id — or, with `--group`, `member` / `owner` of a group — and all resolved before
 * anything is submitted. When a role's policy asks for MFA, the first request meets the step-up
 * challenge (client/step-up.ts) and the rest ride on the stronger token. `--wait` follows pending
 * requests through approval and provisioning and says who decided and why (client/submit.ts).
 */
import { Command } from 'commander';
import { outputOption, type OutputOptions } from './client/output.ts';
import { profilesStore } from './client/profiles-store.ts';
import { targetOptions, targetSpecs, totpOption, waitOptions, waitPlan, type TargetOptions } from './client/request-options.ts';
import { reasonOf, scheduleInfo, ticketInfo } from './client/schedule-options.ts';
import { openSession, serverOption } from './client/session.ts';
import { submitEach } from './client/submit.ts';
import { resolveTargets } from './client/targets.ts';

interface ActivateOptions extends OutputOptions, TargetOptions {
  readonly server?: string;
  readonly reason: string;
  readonly ticket?: string;
  readonly duration?: string;
  readonly start?: string;
  readonly totp?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
}

export function activateCommand(): Command {
  const command = serverOption(new Command('activate'))
    .description('activate roles you are eligible for, with one reason for all (steps up to MFA when a role asks for it)')
    .argument('[role...]', 'role display names (any case) or ids; with --group: member or owner')
    .requiredOption('--reason <text>', 'justification, recorded with each request')
    .option('--ticket <system:number>', 'ticket, e.g. JIRA:OPS-4711')
    .option('--duration <iso>', 'how long, as an ISO-8601 duration (e.g. PT2H); default: the policy maximum')
    .option('--start <datetime>', 'start later, at this ISO-8601 date and time (default: now)')
    .option('--profile <name>', 'also activate the roles saved in this profile (openpim profile save)');
  targetOptions(command);
  waitOptions(command);
  totpOption(command);
  return outputOption(command).action(async (names: string[], options: ActivateOptions) => {
    const reason = reasonOf(options.reason, true);
    const specs = await targetSpecs(names, options);
    const profile = options.profile ? await profilesStore().get(options.profile) : null;
    const schedule = scheduleInfo({ duration: options.duration ?? profile?.duration, start: options.start });
    const ticket = ticketInfo(options.ticket);
    const wait = waitPlan(options);
    const session = await openSession(options);
    const targets = await resolveTargets(session.client, specs);
    const me = await session.client.call<{ id: string }>('GET', '/v1.0/me');
    await submitEach(session, targets, {
      ...options,
      kind: 'assignment',
      action: 'selfActivate',
      wait,
      body: () => ({ action: 'selfActivate', principalId: me.id, justification: reason, ...(ticket ? { ticketInfo: ticket } : {}), scheduleInfo: schedule }),
    });
  });
}

interface DeactivateOptions extends OutputOptions, TargetOptions {
  readonly server?: string;
  readonly reason?: string;
  readonly totp?: string;
}

export function deactivateCommand(): Command {
  const command = serverOption(new Command('deactivate'))
    .description('end activations of roles before they expire')
    .argument('[role...]', 'role display names (any case) or ids; with --group: member or owner')
    .option('--reason <text>', 'justification, recorded with each request')
    .option('--profile <name>', 'also deactivate the roles saved in this profile');
  targetOptions(command);
  totpOption(command);
  return outputOption(command).action(async (names: string[], options: DeactivateOptions) => {
    const reason = reasonOf(options.reason, false);
    const specs = await targetSpecs(names, options);
    const session = await openSession(options);
    const targets = await resolveTargets(session.client, specs);
    const me = await session.client.call<{ id: string }>('GET', '/v1.0/me');
    await submitEach(session, targets, {
      ...options,
      kind: 'assignment',
      action: 'selfDeactivate',
      wait: null,
      body: () => ({ action: 'selfDeactivate', principalId: me.id, ...(reason ? { justification: reason } : {}) }),
    });
  });
}
