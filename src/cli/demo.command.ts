import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { HOUR } from '../domain/time.ts';
import { configFrom } from './options.ts';
import { stopOnSignal } from './serve.command.ts';

export function demoCommand(): Command {
  return new Command('demo')
    .description('serve a demo organisation on a fresh embedded database and print ready-to-use tokens')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 8080)')
    .option('--data <dir>', 'keep the demo database here (default: a new temporary directory)')
    .action(async (options) => {
      const dataDir = options.data ?? mkdtempSync(join(tmpdir(), 'openpim-demo-'));
      const config = await configFrom({ ...options, data: dataDir, bootstrapAdmin: 'admin@contoso.example', tenantName: 'Contoso (demo)' });
      // The server's modules load when a verb needs them, so that the HTTP verbs start quickly.
      const [{ resolveCaller }, { argon2Passwords }, { cryptoRandom }, { giveDemoCredentials, seedDemo }, { startServer }, { randomIds, systemClock }] =
        await Promise.all([
          import('../app/caller.ts'),
          import('../adapters/argon2-passwords.ts'),
          import('../adapters/crypto-random.ts'),
          import('../server/demo-seed.ts'),
          import('../server/start.ts'),
          import('../adapters/system-clock.ts'),
        ]);
      const running = await startServer({ ...config, logLevel: 'warn' });
      stopOnSignal(running.close); // before anything is printed: a caller may stop us as soon as it reads the URL
      const deps = { uow: running.store, clock: systemClock, ids: randomIds };
      const now = systemClock.now();
      const admin = await resolveCaller(
        running.store.read,
        {
          tenantId: running.tenant.id,
          principalId: running.admin.id,
          amr: ['pwd', 'mfa'],
          authTime: now,
          acrs: [],
          correlationId: randomIds.uuid(),
        },
        now,
        config.mfaMaxAge,
      );
      const existing = await running.store.read.principals.getByUpn(running.tenant.id, 'alice@contoso.example');
      const users = existing ? [] : (await seedDemo(deps, admin)).users;
      const credentials = users.length > 0 ? await giveDemoCredentials({ ...deps, random: cryptoRandom, passwords: argon2Passwords() }, admin, users) : null;
      const token = (principalId: string, mfa: boolean) =>
        running.tokens.issue(
          {
            tenantId: running.tenant.id,
            principalId,
            amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
            authTime: now,
            acrs: [],
          },
          8 * HOUR,
        );
      const out: string[] = [
        `OpenPIM demo listening on ${running.url}  (database: ${dataDir})`,
        '',
        'Tokens (valid 8 hours; MFA counts for the first hour). Try:',
        `  curl -H "Authorization: Bearer $TOKEN" ${running.url}/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser\\(on=\\'principal\\'\\)`,
        '',
        `admin@contoso.example (Global Administrator, break-glass):\n  ${await token(running.admin.id, true)}`,
      ];
      for (const user of users) out.push(`${user.userPrincipalName} (MFA):\n  ${await token(user.id, true)}`);
      if (users.length > 0) out.push(`${users[0]!.userPrincipalName} (password only, no MFA):\n  ${await token(users[0]!.id, false)}`);
      if (credentials) {
        out.push(
          '',
          `The portal: open ${running.url}/ in a browser. Every demo user's password is "${credentials.password}".`,
          "  alice@contoso.example  requester, with an authenticator app (secret below); Helpdesk Administrator needs Bob's approval",
          "  bob@contoso.example    approver of Alice's Helpdesk Administrator (Approve requests)",
          '  dave@contoso.example   administrator (permanent Privileged Role Administrator: Roles, Role settings, Audit log)',
          '',
          `Or sign in with the CLI: every demo user's password is "${credentials.password}", and Alice has an authenticator app`,
          `(TOTP secret ${credentials.aliceTotpSecret}: add it to an app, or \`oathtool --totp -b ${credentials.aliceTotpSecret}\`):`,
          `  ./openpim login --server ${running.url} --username alice@contoso.example`,
          '  ./openpim activate "User Administrator" --reason "Reset a locked account"   # asks for a code when the role needs MFA',
        );
      }
      out.push('', 'Press Ctrl+C to stop.');
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
