/**
 * `openpim notify test` as an operator runs it (a child process): a test email through the
 * configured SMTP server and a test chat message to a webhook, with the result or the error.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startSmtp, type TestSmtp } from './support/smtp.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLED = join(ROOT, '.openpim/node/bin/node');
const NODE = Number(process.versions.node.split('.')[0]) >= 24 || !existsSync(BUNDLED) ? process.execPath : BUNDLED;

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENPIM_')));
  const child = spawn(NODE, ['src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('openpim notify test', () => {
  let smtp: TestSmtp;
  let receiver: Receiver;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver();
    dir = await mkdtemp(join(tmpdir(), 'openpim-notify-cli-'));
    config = join(dir, 'openpim.json');
    await writeFile(
      config,
      JSON.stringify({
        smtp: { host: '127.0.0.1', port: smtp.port, from: 'pim@contoso.test', password: 'hunter2' },
        webhooks: [{ name: 'soc', url: `${receiver.url}/teams/secret`, format: 'teams' }],
      }),
    );
  });
  afterAll(async () => {
    await smtp.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a test email and a test chat message, and says so', async () => {
    const result = await run(['notify', 'test', '--config', config, '--to', 'ops@contoso.test', '--webhook', 'soc']);
    expect(result.stdout).toBe(`email to ops@contoso.test via 127.0.0.1:${smtp.port}: sent\nwebhook 'soc' (teams): sent\n`);
    expect(result.code).toBe(0);
    const mail = await smtp.waitFor((m) => m.to.includes('ops@contoso.test'), 'the test email');
    expect(mail.subject).toBe('OpenPIM: test notification');
    expect(mail.text).toContain('If you can read it, notifications reach you.');
    expect(receiver.received.map((r) => [r.path, r.body.type])).toEqual([['/teams/secret', 'message']]);
    expect(receiver.received[0]!.body.attachments).toMatchObject([
      { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
    ]);

    const byUrl = await run(['notify', 'test', '--config', config, '--webhook', `${receiver.url}/slack`, '--format', 'slack']);
    expect(byUrl).toMatchObject({ code: 0, stdout: `webhook at ${new URL(receiver.url).host} (slack): sent\n` });
    expect(receiver.received[1]!.body.blocks).toBeDefined();
  });

  it('reports the error and exits 1 when delivery fails; asks where to send when told nothing', async () => {
    await smtp.stop();
    receiver.answer['/teams/secret'] = 500;
    const result = await run(['notify', 'test', '--config', config, '--to', 'ops@contoso.test', '--webhook', 'soc']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^email to ops@contoso\.test via 127\.0\.0\.1:\d+: FAILED: SMTP 127\.0\.0\.1:\d+: .*ECONNREFUSED/m);
    expect(result.stdout).toContain(`webhook 'soc' (teams): FAILED: webhook at ${new URL(receiver.url).host} answered 500`);
    expect(result.stdout + result.stderr).not.toContain('hunter2');
    await smtp.start();

    const nothing = await run(['notify', 'test', '--config', config]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('say where to send the test: --to ADDRESS and/or --webhook URL|NAME');
    const noSmtp = await run(['notify', 'test', '--to', 'ops@contoso.test']);
    expect(noSmtp.stderr).toContain('no SMTP server is configured');
  });
});
