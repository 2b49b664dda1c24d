/**
 * `openpim audit`: `verify` walks the hash chain — in the database (`--data`, `--database-url`), or
 * asking a server (`--remote`, `--server URL`: `GET /openpim/audit/verify`) — and `list` / `export`
 * read the log over HTTP (audit-log.command.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { VerifyResult } from '../app/audit/verify-audit.ts';
import { auditExportCommand, auditListCommand } from './audit-log.command.ts';
import { usageError } from './client/cli-error.ts';
import { isJson, outputOption, type OutputOptions } from './client/output.ts';
import { openSession } from './client/session.ts';
import { printJson } from './client/table.ts';
import { configFrom, databaseOptions } from './options.ts';

/** The chain in this process's database. */
async function verifyDatabase(options: Record<string, unknown>): Promise<VerifyResult> {
  const config = await configFrom(options);
  // Verifying must not create an empty database where there was none (a mistyped --data).
  if (!config.databaseUrl && config.dataDir !== ':memory:' && !existsSync(join(config.dataDir, 'openpim.db'))) {
    throw new Error(`no OpenPIM database in ${config.dataDir}`);
  }
  // The server's modules load when a verb needs them, so that the HTTP verbs start quickly.
  const [{ verifyAudit }, { openStore }, { targetOf }, { randomIds, systemClock }] = await Promise.all([
    import('../app/audit/verify-audit.ts'),
    import('../store/store.ts'),
    import('../server/start.ts'),
    import('../adapters/system-clock.ts'),
  ]);
  const store = await openStore(targetOf(config), { clock: systemClock, ids: randomIds, migrate: false });
  try {
    return await verifyAudit(store.read.audit);
  } finally {
    await store.close();
  }
}

/** The chain as the server verifies it. */
async function verifyRemote(options: { server?: string }): Promise<VerifyResult> {
  const { client } = await openSession(options);
  const answer = await client.call<{ ok: boolean; events: number; firstBrokenEvent: VerifyResult['break'] }>('GET', '/openpim/audit/verify');
  return { ok: answer.ok, events: answer.events, break: answer.firstBrokenEvent };
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('the tamper-evident audit log');
  audit.addCommand(
    outputOption(
      databaseOptions(new Command('verify'))
        .description('check the hash chain of the audit log; exit 1 and name the first broken link if any')
        .addOption(new Option('--remote', 'ask the server you signed in to (GET /openpim/audit/verify) instead of opening the database'))
        .addOption(new Option('--server <url>', 'with --remote: the OpenPIM server URL (implies --remote)')),
    ).action(async (options: OutputOptions & { remote?: boolean; server?: string; data?: string; databaseUrl?: string }) => {
      const remote = Boolean(options.remote || options.server);
      if (remote && (options.data || options.databaseUrl)) throw usageError('--remote asks the server: leave out --data and --database-url');
      const result = remote ? await verifyRemote(options) : await verifyDatabase({ ...options });
      if (isJson(options)) {
        printJson({ ok: result.ok, events: result.events, firstBrokenEvent: result.break });
      } else if (result.ok) {
        process.stdout.write(`Audit chain verified: ${result.events} event(s), no broken link.\n`);
      } else {
        const at = result.break!.seq === null ? 'at the end of the chain' : `at event #${result.break!.seq} (${result.break!.eventId})`;
        process.stdout.write(`Audit chain BROKEN ${at}: ${result.break!.reason}.\n`);
      }
      if (!result.ok) process.exitCode = 1;
    }),
  );
  audit.addCommand(auditListCommand());
  audit.addCommand(auditExportCommand());
  return audit;
}
