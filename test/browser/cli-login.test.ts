/**
 * `openpim login --browser` through the portal, in Chromium: the CLI (a child process) prints its
 * authorize link; the browser, not signed in, is sent to the portal's sign-in page, signs in with
 * the password and an authenticator code, comes back to the confirmation page and allows; the CLI
 * stores a token that carries the browser session's MFA.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPage, useChromium } from '../support/browser.ts';
import { spawnCli } from '../support/cli-process.ts';
import { openPortal, type Portal } from '../support/portal-server.ts';
import { signIn, visible } from '../support/portal-ui.ts';

let portal: Portal | undefined;
let configDir: string | undefined;
afterAll(async () => {
  await portal?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});
const chromium = useChromium();

describe('openpim login --browser through the portal', () => {
  it('signs in on the portal page, confirms, and the CLI gets a token with the MFA of that sign-in', async () => {
    portal = await openPortal();
    const alice = await portal.user('alice@contoso.test', { totp: true });
    configDir = await mkdtemp(join(tmpdir(), 'openpim-cli-login-'));
    const login = spawnCli(['login', '--browser', '--server', portal.url], { env: { OPENPIM_CONFIG_DIR: configDir, OPENPIM_BROWSER: 'none' } });
    try {
      const link = (await login.stderrMatching(/^ {2}(http:\/\/\S+\/openpim\/auth\/authorize\?\S+)$/m))[1]!;

      const page = await chromium.page(portal.url);
      await page.goto(link);
      // Not signed in: the portal's sign-in page, which will come back here.
      await page.waitForURL((url) => url.pathname === '/signin');
      expect(new URL(page.url()).searchParams.get('returnTo')).toBe(new URL(link).pathname + new URL(link).search);
      await signIn(page, alice, { totp: () => portal!.nextTotp(alice) });

      await page.waitForURL((url) => url.pathname === '/openpim/auth/authorize');
      await checkPage(page, 'cli-login-confirm');
      const allow = await visible(page.getByRole('button', { name: 'Sign in the CLI' }));
      await allow.click();
      await visible(page.getByText('You can close this tab', { exact: false }));

      const result = await login.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Signed in to ${portal.url} as alice@contoso.test with multi-factor authentication`);
      const stored = JSON.parse(await readFile(join(configDir, 'credentials.json'), 'utf8')) as { servers: Record<string, { accessToken: string }> };
      const token = stored.servers[portal.url]!.accessToken;
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { amr: string[]; sub?: string; oid?: string };
      expect(claims.amr).toContain('mfa');
    } finally {
      login.child.kill();
    }
  });
});
