import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { verifyAudit } from '../app/audit/verify-audit.ts';
import { openStore } from '../store/store.ts';
import { targetOf } from '../server/start.ts';
import { randomIds, systemClock } from '../adapters/system-clock.ts';
import { configFrom, databaseOptions } from './options.ts';

export function auditCommand(): Command {
  const audit = new Command('audit').description('the tamper-evident audit log');
  audit.addCommand(databaseOptions(new Command('verify'))
    .description('check the hash chain of the audit log; exit 1 and name the first broken link if any')
    .action(async (options) => {
      const config = configFrom(options);
      // Verifying must not create an empty database where there was none (a mistyped --data).
      if (!config.databaseUrl && config.dataDir !== ':memory:' && !existsSync(join(config.dataDir, 'openpim.db'))) {
        throw new Error(`no OpenPIM database in ${config.dataDir}`);
      }
      const store = await openStore(targetOf(config), { clock: systemClock, ids: randomIds, migrate: false });
      try {
        const result = await verifyAudit(store.read.audit);
        if (result.ok) {
          process.stdout.write(`Audit chain verified: ${result.events} event(s), no broken link.\n`);
        } else {
          const at = result.break!.seq === null ? 'at the end of the chain' : `at event #${result.break!.seq} (${result.break!.eventId})`;
          process.stdout.write(`Audit chain BROKEN ${at}: ${result.break!.reason}.\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    }));
  return audit;
}
