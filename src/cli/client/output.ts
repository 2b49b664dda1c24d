/**
 * `--output text|json` on every command that prints data (`--json` is the older spelling of
 * `--output json`). JSON goes to stdout as one document whose shape docs/guide.md documents;
 * messages for people go to stderr either way, so stdout stays parseable.
 */
import { Option, type Command } from 'commander';

export interface OutputOptions {
  readonly output?: string;
  readonly json?: boolean;
}

/** Adds `-o, --output <format>` (and `--json`) to a command. */
export const outputOption = (command: Command): Command =>
  command
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--json', 'same as --output json'));

/** True when the command should print JSON. */
export const isJson = (options: OutputOptions): boolean => Boolean(options.json) || options.output === 'json';

/** A line for a person, on stderr (progress, notes): never mixed into the data on stdout. */
export const note = (text: string): void => {
  process.stderr.write(`${text}\n`);
};
