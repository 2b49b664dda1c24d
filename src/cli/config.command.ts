/**
 * `openpim config export|plan|apply`: settings as code (docs/guide.md, "Settings as code"). The
 * role settings (the tenant default, each role's, each narrower scope's, the groups'), eligible
 * and active assignments, groups and their members, resource scopes and administrative units of a
 * server as one YAML file that names everything portably; `plan` shows how the server differs from a file, `apply` makes it match — over the API
 * only, so every change is authorized and audited.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { CliError, EXIT, usageError } from './client/cli-error.ts';
import { isJson, note, outputOption, type OutputOptions } from './client/output.ts';
import { ask, interactive } from './client/prompt.ts';
import { totpOption } from './client/request-options.ts';
import { openSession, serverOption, type Session } from './client/session.ts';
import { applySettings } from './client/settings-apply.ts';
import { parseSettings, type FileSettings } from './client/settings-file.ts';
import { Directory } from './client/settings-directory.ts';
import { readLive } from './client/settings-live.ts';
import { liveSettings } from './client/settings-portable.ts';
import { computePlan } from './client/settings-plan.ts';
import { countsOf, planJson, planText } from './client/settings-plan-output.ts';
import { renderSettings } from './client/settings-file.ts';
import { printJson } from './client/table.ts';

export const DEFAULT_REASON = 'openpim config apply';

interface CommonOptions {
  readonly server?: string;
  readonly totp?: string;
}

async function readSettings(file: string): Promise<FileSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseSettings(text, file);
}

async function planFor(session: Session, file: FileSettings) {
  const dir = new Directory(await readLive(session.client));
  return { dir, plan: computePlan(file, dir, Date.now()) };
}

function exportCommand(): Command {
  return totpOption(serverOption(new Command('export')))
    .description(
      "administrators: write the server's settings as YAML (role settings: tenant default, per role, per scope; assignments, groups, scopes, administrative units)",
    )
    .option('--output <file>', 'write to this file (default: stdout)')
    .action(async (options: CommonOptions & { output?: string }) => {
      const session = await openSession(options);
      const now = Date.now();
      const dir = new Directory(await readLive(session.client));
      const problems: string[] = [];
      const settings = liveSettings(dir, problems);
      if (problems.length > 0)
        throw new CliError(`cannot export: the file could not name everything unambiguously:\n${[...new Set(problems)].map((p) => `  ${p}`).join('\n')}`);
      const who = session.credentials().userPrincipalName;
      const text = renderSettings(settings, [
        `OpenPIM settings exported from ${session.server} at ${new Date(now).toISOString()}${who ? ` by ${who}` : ''} (openpim ${packageJson.version}).`,
        'The tenant default lists its rules that differ from the built-in defaults; each policy, the rules it sets itself (it inherits the others);',
        'in each rule, only the fields that differ from the built-in default. See docs/guide.md, "Settings as code".',
      ]);
      if (options.output) {
        await writeFile(options.output, text);
        note(
          `openpim: wrote ${options.output}: ${settings.assignments.length} assignments, ${settings.groups.length} groups, ${settings.scopes.length} scopes`,
        );
      } else {
        process.stdout.write(text);
      }
    });
}

function planCommand(): Command {
  return outputOption(totpOption(serverOption(new Command('plan'))))
    .description('show how the server differs from a settings file: + to add, - to remove, ~ to change (exit code 9 when it differs)')
    .argument('<file>', 'the settings file (YAML, as config export writes it)')
    .action(async (file: string, options: CommonOptions & OutputOptions) => {
      const settings = await readSettings(file);
      const session = await openSession(options);
      const { plan } = await planFor(session, settings);
      if (isJson(options)) printJson(planJson(plan, file, session.server));
      else process.stdout.write(planText(plan, file, session.server));
      process.exitCode = plan.errors.length > 0 ? EXIT.failure : plan.changes.length > 0 ? EXIT.planHasChanges : EXIT.ok;
    });
}

function applyCommand(): Command {
  return outputOption(totpOption(serverOption(new Command('apply'))))
    .description('make the server match a settings file, through the API; every request is validated first, and nothing changes if any would fail')
    .argument('<file>', 'the settings file (YAML)')
    .option('--yes', 'apply without asking')
    .option('--reason <text>', 'justification of every request', DEFAULT_REASON)
    .action(async (file: string, options: CommonOptions & OutputOptions & { yes?: boolean; reason: string }) => {
      const json = isJson(options);
      const settings = await readSettings(file);
      if (!options.yes && (json || !interactive()))
        throw usageError(`pass --yes to apply without asking${json ? ' (--output json asks nothing)' : ' (or run it on a terminal)'}`);
      const session = await openSession(options);
      const first = await planFor(session, settings);
      const { plan } = first;
      const applied: string[] = [];
      // With --output json, one document on stdout whatever happens: the plan, then what was applied and what failed.
      const report = (outcome: 'unchanged' | 'applied' | 'refused' | 'stopped', failures: readonly string[] = []) => {
        if (json) printJson({ ...(planJson(plan, file, session.server) as object), outcome, applied, failures });
      };
      if (!json) process.stdout.write(planText(plan, file, session.server));
      if (plan.errors.length > 0) {
        report('refused');
        throw new CliError(json ? `nothing was changed: ${plan.errors.length} errors in the plan` : 'nothing was changed: fix the errors above first');
      }
      if (plan.changes.length === 0) return report('unchanged');
      if (!options.yes) {
        const n = countsOf(plan);
        const answer = await ask(`Apply ${n.add + n.change + n.remove} changes to ${session.server}? [y/N] `);
        if (!/^y(es)?$/i.test(answer?.trim() ?? '')) throw new CliError('canceled: nothing was changed');
      }
      if (!json) process.stdout.write('Applying:\n');
      const result = await applySettings(session.client, settings, first, {
        justification: options.reason,
        now: Date.now,
        done: (line) => {
          applied.push(line);
          if (!json) process.stdout.write(`  ${line}\n`);
        },
      });
      for (const failure of result.failures) process.stderr.write(`openpim: ✗ ${failure}\n`);
      report(result.stoppedAt === 'checks' ? 'refused' : result.failures.length > 0 ? 'stopped' : 'applied', result.failures);
      if (result.stoppedAt === 'checks') {
        throw new CliError(`nothing was changed: ${result.failures.length} of the changes would fail`);
      }
      if (result.stoppedAt === 'assignments') {
        throw new CliError(
          `${result.applied} changes to groups, scopes or policies were made, but no assignment: ${result.failures.length} assignment requests would fail`,
        );
      }
      if (result.failures.length > 0) throw new CliError(`${result.applied} changes were made; ${result.failures.length} failed`);
      if (!json) process.stdout.write(`Applied ${result.applied} changes to ${session.server}.\n`);
    });
}

export function configCommand(): Command {
  return new Command('config')
    .description("settings as code: export the server's settings to YAML, plan the changes a file makes, apply them")
    .addCommand(exportCommand())
    .addCommand(planCommand())
    .addCommand(applyCommand());
}
