/**
 * `openpim completion bash|zsh|fish`: prints the shell's completion script, generated from the
 * command tree at run time (client/completion.ts), so every command registered in main.ts completes.
 */
import { Argument, Command } from 'commander';
import { completionScript, SHELLS, type Shell } from './client/completion.ts';

export function completionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script: source <(openpim completion bash), or zsh; openpim completion fish | source')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: Shell, _options: unknown, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      process.stdout.write(completionScript(root, shell));
    });
}
