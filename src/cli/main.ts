/**
 * The `openpim` command. `serve`, `demo`, `migrate`, `token issue` and `audit verify` work on the
 * database directly; `notify test` only on the configuration. The user verbs — `login`, `logout`,
 * `whoami`, `roles`, `activate`, `deactivate`, `requests` — talk to a running server over HTTP with
 * the token `login` stored in the user's config directory, and complete MFA step-up challenges.
 */
import { Command } from 'commander';
import { activateCommand, deactivateCommand } from './activation.command.ts';
import { auditCommand } from './audit.command.ts';
import { CliError } from './client/cli-error.ts';
import { closeInput } from './client/prompt.ts';
import { demoCommand } from './demo.command.ts';
import { loginCommand, logoutCommand } from './login.command.ts';
import { migrateCommand } from './migrate.command.ts';
import { notifyCommand } from './notify.command.ts';
import { requestsCommand } from './requests.command.ts';
import { rolesCommand } from './roles.command.ts';
import { serveCommand } from './serve.command.ts';
import { tokenCommand } from './token.command.ts';
import { whoamiCommand } from './whoami.command.ts';

const program = new Command('openpim')
  .description('OpenPIM: just-in-time privileged access with a tamper-evident audit trail.')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(demoCommand());
program.addCommand(migrateCommand());
program.addCommand(tokenCommand());
program.addCommand(auditCommand());
program.addCommand(notifyCommand());
program.addCommand(loginCommand());
program.addCommand(logoutCommand());
program.addCommand(whoamiCommand());
program.addCommand(rolesCommand());
program.addCommand(activateCommand());
program.addCommand(deactivateCommand());
program.addCommand(requestsCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`openpim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
} finally {
  closeInput();
}
