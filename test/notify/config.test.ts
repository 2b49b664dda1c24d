/**
 * Notification settings: a JSON config file under environment variables under options, SMTP and
 * webhooks from each, errors that name the setting, and secrets redacted for printing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, redactedConfig } from '../../src/server/config.ts';

describe('notification configuration', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openpim-config-'));
    file = join(dir, 'openpim.json');
    await writeFile(
      file,
      JSON.stringify({
        port: 9000,
        publicUrl: 'https://pim.contoso.test/',
        smtp: { host: 'smtp.contoso.test', port: 465, user: 'pim', password: 'from-file', from: 'OpenPIM <pim@contoso.test>' },
        webhooks: [
          { url: 'https://hooks.slack.test/services/T/B/secret' },
          { name: 'soc', url: 'https://teams.test/webhookb2/secret', format: 'teams', events: ['approvalNeeded', 'digest'] },
        ],
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file, under the environment, under options', () => {
    const config = loadConfig({ configFile: file, publicUrl: 'https://override.contoso.test' }, { OPENPIM_SMTP_PASSWORD: 'from-env', OPENPIM_PORT: '9100' });
    expect(config.port).toBe(9100);
    expect(config.publicUrl).toBe('https://override.contoso.test');
    expect(config.smtp).toEqual({ host: 'smtp.contoso.test', port: 465, secure: true, user: 'pim', password: 'from-env', from: 'OpenPIM <pim@contoso.test>' });
    expect(config.webhooks).toEqual([
      { name: 'webhook-1', url: 'https://hooks.slack.test/services/T/B/secret', format: 'slack' },
      { name: 'soc', url: 'https://teams.test/webhookb2/secret', format: 'teams', events: ['approvalNeeded', 'digest'] },
    ]);
    expect(loadConfig({}, { OPENPIM_CONFIG: file }).publicUrl).toBe('https://pim.contoso.test');
  });

  it('takes SMTP and webhooks from the environment alone; without SMTP, no email', () => {
    const config = loadConfig(
      {},
      {
        OPENPIM_SMTP_HOST: 'mail',
        OPENPIM_SMTP_FROM: 'pim@contoso.test',
        OPENPIM_SMTP_SECURE: 'false',
        OPENPIM_APPROVAL_LINK_TTL: 'PT15M',
        OPENPIM_WEEKLY_DIGEST: 'false',
        OPENPIM_WEBHOOKS: '[{"name":"ops","url":"http://127.0.0.1:9/hook","format":"teams"}]',
      },
    );
    expect(config.smtp).toMatchObject({ host: 'mail', port: 587, secure: false, from: 'pim@contoso.test' });
    expect(config.webhooks).toEqual([{ name: 'ops', url: 'http://127.0.0.1:9/hook', format: 'teams' }]);
    expect(config.approvalLinkTtl).toBe(15 * 60_000);
    expect(config.weeklyDigest).toBe(false);
    const plain = loadConfig({}, {});
    expect(plain.smtp).toBeUndefined();
    expect(plain.webhooks).toEqual([]);
    expect(plain.publicUrl).toBeUndefined();
  });

  it('names the bad setting and its variable', () => {
    const bad = (options: Record<string, unknown>, env: Record<string, string> = {}) => {
      try {
        loadConfig(options, env);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(bad({}, { OPENPIM_SMTP_HOST: 'mail', OPENPIM_SMTP_FROM: 'not an address' })).toMatch(/^smtp\.from \(OPENPIM_SMTP_FROM\): must be an address/);
    expect(bad({}, { OPENPIM_SMTP_PASSWORD: 'x' })).toMatch(/smtp\.host \(OPENPIM_SMTP_HOST\)/);
    expect(bad({}, { OPENPIM_WEBHOOKS: '[{"url":"ftp://x"}]' })).toMatch(/^webhooks\.0\.url \(OPENPIM_WEBHOOKS\): must be an http\(s\) URL/);
    expect(bad({}, { OPENPIM_WEBHOOKS: 'nope' })).toMatch(/^webhooks \(OPENPIM_WEBHOOKS\): must be JSON/);
    expect(
      bad({
        webhooks: [
          { url: 'http://a/1', name: 'x' },
          { url: 'http://a/2', name: 'x' },
        ],
      }),
    ).toMatch(/two webhooks are named 'x'/);
    expect(bad({ webhooks: [{ url: 'http://a/1', events: ['lunch'] }] })).toMatch(/^webhooks\.0\.events\.0/);
    expect(bad({ publicUrl: 'pim.contoso.test' })).toMatch(/^publicUrl \(OPENPIM_PUBLIC_URL\)/);
    expect(bad({ configFile: join(dir, 'missing.json') })).toMatch(/missing\.json: not found/);
  });

  it('hides secrets when printed', () => {
    const shown = JSON.stringify(redactedConfig(loadConfig({ configFile: file, databaseUrl: 'postgres://openpim:dbpass@db/openpim' }, {})));
    for (const secret of ['from-file', 'dbpass', 'secret']) expect(shown).not.toContain(secret);
    expect(shown).toContain('https://hooks.slack.test/[redacted]');
    expect(shown).toContain('"password":"[redacted]"');
  });
});
