/** Parsers for option values that commander checks before the command runs (a bad value is a usage error, exit code 2). */
import { InvalidArgumentError } from 'commander';

/** `--top N`: a whole number from 1 to 999 (the API's page limit). */
export const count = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new InvalidArgumentError('a whole number from 1 to 999');
  return n;
};
