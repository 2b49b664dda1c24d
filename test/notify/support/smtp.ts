/**
 * A real SMTP server for tests (the `smtp-server` package) on a loopback port: it keeps every
 * message it receives, parsed just enough to read subject, text and HTML; it can be stopped and
 * started again on the same port, as a mail server going down and coming back.
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface TestSmtp {
  readonly port: number;
  readonly received: ReceivedMail[];
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Waits until a received mail matches (polling; fails after `timeoutMs`). */
  waitFor(match: (m: ReceivedMail) => boolean, what: string, timeoutMs?: number): Promise<ReceivedMail>;
}

const unfold = (headers: string) => headers.replace(/\r\n[ \t]+/g, ' ');
const header = (headers: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfold(headers))?.[1]?.trim() ?? '';

function decodeWords(text: string): string {
  return text.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return Buffer.from(body, 'latin1').toString('utf8');
}

/** Splits a message into its text/plain and text/html parts (nodemailer's multipart/alternative). */
export function parseMail(raw: string, to: readonly string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const parts: Record<string, string> = {};
  const boundary = /boundary="?([^";]+)"?/i.exec(header(headers, 'Content-Type'))?.[1];
  const chunks = boundary ? body.split(`--${boundary}`).slice(1, -1) : [`${unfold(headers)}\r\n\r\n${body}`];
  for (const chunk of chunks) {
    const at = chunk.indexOf('\r\n\r\n');
    const h = chunk.slice(0, at);
    const type = header(h, 'Content-Type').split(';')[0]!.toLowerCase();
    parts[type] = decodeBody(chunk.slice(at + 4).replace(/\r\n$/, ''), header(h, 'Content-Transfer-Encoding'));
  }
  return { to, subject: decodeWords(header(headers, 'Subject')), text: (parts['text/plain'] ?? '').replace(/\r\n/g, '\n'), html: parts['text/html'] ?? '' };
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['AUTH', 'STARTTLS'],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push(
              parseMail(
                Buffer.concat(chunks).toString('latin1'),
                session.envelope.rcptTo.map((r) => r.address),
              ),
            );
            callback();
          });
        },
      });
      server.on('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    received,
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start: listen,
    async waitFor(match, what, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > until)
          throw new Error(`no mail ${what} within ${timeoutMs} ms; received: ${received.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
