/**
 * The `openpim` command. `serve`, `demo`, `migrate`, `token issue` and `audit verify` work on the
 * database directly; `notify test` only on the configuration. The user, approver and administrator
 * verbs — `login`, `activate`, `inbox`, `approve`, `assign`, `holders`, `audit list`, `mfa enroll`,
 * … — talk to a running server over HTTP with the token `login` stored in the user's config
 * directory, and complete MFA step-up challenges. Exit codes: client/cli-error.ts (EXIT).
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { activateCommand, deactivateCommand } from './activation.command.ts';
import { approveCommand, denyCommand, inboxCommand } from './approvals.command.ts';
import { assignCommand, unassignCommand } from './assignments.command.ts';
import { auditCommand } from './audit.command.ts';
import { CliError, EXIT } from './client/cli-error.ts';
import { closeInput } from './client/prompt.ts';
import { completionCommand } from './completion.command.ts';
import { configCommand } from './config.command.ts';
import { demoCommand } from './demo.command.ts';
import { holdersCommand } from './holders.command.ts';
import { importCommand } from './import.command.ts';
import { loginCommand, logoutCommand } from './login.command.ts';
import { mfaCommand } from './mfa.command.ts';
import { migrateCommand } from './migrate.command.ts';
import { notifyCommand } from './notify.command.ts';
import { profileCommand } from './profile.command.ts';
import { extendCommand, renewCommand } from './renewal.command.ts';
import { cancelCommand, requestCommand, requestsCommand } from './requests.command.ts';
import { rolesCommand } from './roles.command.ts';
import { serveCommand } from './serve.command.ts';
import { tokenCommand } from './token.command.ts';
import { whoamiCommand } from './whoami.command.ts';

const program = new Command('openpim')
  .description('OpenPIM: just-in-time privileged access with a tamper-evident audit trail.')
  .version(packageJson.version, '-V, --version', 'print the version of openpim')
  .showHelpAfterError();

for (const command of [
  serveCommand(),
  demoCommand(),
  migrateCommand(),
  tokenCommand(),
  auditCommand(),
  notifyCommand(),
  loginCommand(),
  logoutCommand(),
  whoamiCommand(),
  mfaCommand(),
  rolesCommand(),
  activateCommand(),
  deactivateCommand(),
  extendCommand(),
  renewCommand(),
  profileCommand(),
  requestsCommand(),
  requestCommand(),
  cancelCommand(),
  inboxCommand(),
  approveCommand(),
  denyCommand(),
  assignCommand(),
  unassignCommand(),
  holdersCommand(),
  configCommand(),
  importCommand(),
  completionCommand(),
])
  program.addCommand(command);

/** Commander's own errors (unknown command or option, missing argument) throw here rather than exit, everywhere in the tree. */
function throwOnUsageErrors(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwOnUsageErrors(sub);
}
throwOnUsageErrors(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message (and help) already; --help and --version end with exit code 0.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(`openpim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT.failure;
  }
} finally {
  closeInput();
}
