/**
 * A QR code drawn with Unicode half blocks (two modules per character cell), light on a dark
 * terminal, with a light border — what an authenticator app scans during `openpim mfa enroll`.
 * The encoding is qrcode-terminal's (a small, dependency-free npm package).
 */
import qrcode from 'qrcode-terminal';

export function qrText(text: string): string {
  let drawn = '';
  qrcode.generate(text, { small: true }, (qr) => {
    drawn = qr;
  });
  return drawn.endsWith('\n') ? drawn : `${drawn}\n`;
}
