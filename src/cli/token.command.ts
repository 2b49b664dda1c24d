import { Command } from 'commander';
import type { DomainError } from '../domain/errors.ts';
import { parseDuration } from '../domain/time.ts';
import { configFrom, databaseOptions } from './options.ts';

export function tokenCommand(): Command {
  const token = new Command('token').description('bearer tokens');
  token.addCommand(
    databaseOptions(new Command('issue'))
      .description('print a bearer token for a principal (and nothing else)')
      .requiredOption('--principal <upn|id>', 'user principal name or object id')
      .option('--mfa', 'mark the token as signed in with multi-factor authentication just now')
      .option('--ttl <duration>', 'lifetime as an ISO-8601 duration', 'PT1H')
      .action(async (options) => {
        let ttl: number;
        try {
          ttl = parseDuration(options.ttl);
        } catch (error) {
          throw new Error(`--ttl: ${(error as DomainError).message}`);
        }
        const config = await configFrom(options);
        const [{ openServices }, { systemClock }] = await Promise.all([import('../server/start.ts'), import('../adapters/system-clock.ts')]);
        const { store, tokens, tenant } = await openServices(config);
        try {
          const principal =
            (await store.read.principals.get(tenant.id, options.principal)) ?? (await store.read.principals.getByUpn(tenant.id, options.principal));
          if (!principal || principal.type === 'group') throw new Error(`no user or service principal '${options.principal}' in tenant ${tenant.displayName}`);
          const now = systemClock.now();
          process.stdout.write(
            `${await tokens.issue({ tenantId: tenant.id, principalId: principal.id, amr: options.mfa ? ['pwd', 'mfa'] : ['pwd'], authTime: now, acrs: [] }, ttl)}\n`,
          );
        } finally {
          await store.close();
        }
      }),
  );
  return token;
}
