/**
 * What a password set by an administrator must be (NIST SP 800-63B §5.1.1): at least 8
 * characters, at most 256 (hashing cost stays bounded), not only spaces, no control characters.
 * No composition rules: length is what makes a password strong.
 */
import { DomainError } from '../errors.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Throws Request_BadRequest naming what is wrong with the password (never the password). */
export function assertAcceptablePassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new DomainError('Request_BadRequest', `The password is too short: use at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new DomainError('Request_BadRequest', `The password is too long: use at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (password.trim() === '') throw new DomainError('Request_BadRequest', 'The password must not be only spaces.');
  if (/[\u0000-\u001f\u007f]/.test(password)) throw new DomainError('Request_BadRequest', 'The password must not contain control characters.');
}
