/** An error the CLI reports as one line (`openpim: …`) with its own exit code: 1 for failures, 2 for usage. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A mistake in how the command was called (exit code 2). */
export const usageError = (message: string): CliError => new CliError(message, 2);
