/**
 * An error the CLI reports as one line (`openpim: …`) with its own exit code. The codes are part of
 * the CLI's contract with scripts (docs/guide.md, "Using the CLI", lists them).
 */
export const EXIT = {
  ok: 0,
  /** The server refused (validation, policy, conflict), or some of several items failed. */
  failure: 1,
  /** A mistake in how the command was called. */
  usage: 2,
  /** Sign in again: not signed in, a token that expired or was revoked, MFA not met, an authentication context the CLI cannot provide. */
  authentication: 3,
  /** The caller lacks the right (HTTP 403). */
  forbidden: 4,
  /** Nothing by that id or name (HTTP 404, or no such role, user, group, request or profile). */
  notFound: 5,
  /** A request ended without the access asked for: Denied, TimedOut, Failed, Canceled or Revoked. */
  requestNotGranted: 6,
  /** The server failed or could not be reached (5xx, 429, network, time-out): try again later. */
  unavailable: 7,
  /** `--wait` gave up (`--timeout`) while the request was still pending. */
  stillPending: 8,
  /** `config plan`: the server differs from the file. */
  planHasChanges: 9,
} as const;

export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A mistake in how the command was called (exit code 2). */
export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);

/** Something named on the command line does not exist (exit code 5). */
export const notFoundError = (message: string): CliError => new CliError(message, EXIT.notFound);

/** The exit code for an HTTP status the server refused with. */
export function exitCodeOfStatus(status: number): number {
  if (status === 401) return EXIT.authentication;
  if (status === 403) return EXIT.forbidden;
  if (status === 404) return EXIT.notFound;
  if (status === 429 || status >= 500) return EXIT.unavailable;
  return EXIT.failure;
}
