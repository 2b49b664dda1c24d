/**
 * The options of the verbs that submit requests — which roles (`ROLE…`, `--scope`, `--group`,
 * `--profile`), `--wait` / `--timeout`, `--totp` — declared once so every verb spells them alike.
 */
import { Option, type Command } from 'commander';
import { usageError } from './cli-error.ts';
import { profilesStore } from './profiles-store.ts';
import type { TargetSpec } from './targets.ts';
import { pollMs, timeoutOption } from './wait.ts';

export interface TargetOptions {
  readonly scope: string;
  readonly group?: string;
  readonly profile?: string;
}

/** The roles the command names: its arguments at --scope (or of --group), then a profile's. */
export async function targetSpecs(names: readonly string[], options: TargetOptions): Promise<TargetSpec[]> {
  const given = names.map((role) => ({ role, scope: options.scope, ...(options.group ? { group: options.group } : {}) }));
  const saved = options.profile ? (await profilesStore().get(options.profile)).entries : [];
  if (given.length + saved.length === 0) throw usageError('name at least one role (or --profile NAME)');
  return [...given, ...saved];
}

/** --scope and --group, shared by the verbs that name roles. */
export const targetOptions = (command: Command): Command =>
  command
    .option('--scope <scope>', 'directory scope of the roles named', '/')
    .option('--group <name|id>', 'PIM for Groups: the roles named are member or owner of this group');

/** --wait and --timeout. */
export const waitOptions = (command: Command): Command =>
  command
    .option('--wait', 'wait until each request is approved and provisioned (or denied, timed out…), and say who decided and why')
    .option('--timeout <iso>', 'with --wait: give up after this long (ISO-8601 duration, e.g. PT30M); exit code 8');

/** --totp CODE, for a step-up the server may ask for. */
export const totpOption = (command: Command): Command =>
  command.addOption(new Option('--totp <code>', 'authenticator code for an MFA step-up (else $OPENPIM_TOTP, the terminal or stdin)'));

/** What `--wait` / `--timeout` ask of client/submit.ts: null without `--wait`. */
export const waitPlan = (options: { wait?: boolean; timeout?: string }) =>
  options.wait ? { timeoutMs: timeoutOption(options.timeout), pollMs: pollMs() } : null;
