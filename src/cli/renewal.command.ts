/**
 * `openpim extend` and `openpim renew`: the holder asks for more time — selfExtend for a grant in
 * its last 14 days, selfRenew for one that expired in the last 30 — for an active assignment, or
 * with `--eligible` an eligibility. Both always wait for someone else's approval (docs/guide.md,
 * "Approvals"); `--wait` follows them there.
 */
import { Command } from 'commander';
import { outputOption, type OutputOptions } from './client/output.ts';
import { targetOptions, targetSpecs, totpOption, waitOptions, waitPlan, type TargetOptions } from './client/request-options.ts';
import { reasonOf, scheduleInfo, ticketInfo } from './client/schedule-options.ts';
import { openSession, serverOption } from './client/session.ts';
import { submitEach } from './client/submit.ts';
import { resolveTargets } from './client/targets.ts';

interface RenewalOptions extends OutputOptions, TargetOptions {
  readonly server?: string;
  readonly eligible?: boolean;
  readonly reason: string;
  readonly ticket?: string;
  readonly duration?: string;
  readonly end?: string;
  readonly permanent?: boolean;
  readonly totp?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
}

function renewalCommand(name: 'extend' | 'renew'): Command {
  const action = name === 'extend' ? 'selfExtend' : 'selfRenew';
  const command = serverOption(new Command(name))
    .description(
      name === 'extend'
        ? 'ask to extend your assignments (or eligibilities) in their last 14 days; an administrator approves'
        : 'ask to renew your assignments (or eligibilities) that expired in the last 30 days; an administrator approves',
    )
    .argument('[role...]', 'role display names (any case) or ids; with --group: member or owner')
    .option('--eligible', 'an eligibility rather than an active assignment')
    .requiredOption('--reason <text>', 'justification, recorded with each request')
    .option('--ticket <system:number>', 'ticket, e.g. JIRA:OPS-4711')
    .option('--duration <iso>', 'new length, as an ISO-8601 duration (e.g. P90D)')
    .option('--end <datetime>', 'new end, an ISO-8601 date and time')
    .option('--permanent', 'ask for no end')
    .option('--profile <name>', 'also the roles saved in this profile');
  targetOptions(command);
  waitOptions(command);
  totpOption(command);
  return outputOption(command).action(async (names: string[], options: RenewalOptions) => {
    const reason = reasonOf(options.reason, true);
    const specs = await targetSpecs(names, options);
    const schedule = scheduleInfo(options);
    const ticket = ticketInfo(options.ticket);
    const wait = waitPlan(options);
    const session = await openSession(options);
    const targets = await resolveTargets(session.client, specs);
    const me = await session.client.call<{ id: string }>('GET', '/v1.0/me');
    await submitEach(session, targets, {
      ...options,
      kind: options.eligible ? 'eligibility' : 'assignment',
      action,
      wait,
      body: () => ({ action, principalId: me.id, justification: reason, ...(ticket ? { ticketInfo: ticket } : {}), scheduleInfo: schedule }),
    });
  });
}

export const extendCommand = (): Command => renewalCommand('extend');
export const renewCommand = (): Command => renewalCommand('renew');
