/**
 * The otpauth:// URI an authenticator app scans (Google Authenticator's Key Uri Format):
 * `otpauth://totp/{issuer}:{account}?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
 */
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from './totp.ts';

/** @example otpauthUri('OpenPIM', 'alice@contoso.com', 'JBSWY3DPEHPK3PXP') */
export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}
