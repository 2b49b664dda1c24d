/**
 * The `openpim` command. `serve`, `demo`, `migrate`, `token issue` and `audit verify` work on the
 * database directly; `notify test` only on the configuration; user and admin verbs talk to a server over HTTP (later issues).
 */
import { Command } from 'commander';
import { auditCommand } from './audit.command.ts';
import { demoCommand } from './demo.command.ts';
import { migrateCommand } from './migrate.command.ts';
import { notifyCommand } from './notify.command.ts';
import { serveCommand } from './serve.command.ts';
import { tokenCommand } from './token.command.ts';

const program = new Command('openpim')
  .description('OpenPIM: just-in-time privileged access with a tamper-evident audit trail.')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(demoCommand());
program.addCommand(migrateCommand());
program.addCommand(tokenCommand());
program.addCommand(auditCommand());
program.addCommand(notifyCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`openpim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
