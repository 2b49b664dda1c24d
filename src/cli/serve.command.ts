import { Command } from 'commander';
import { configFrom, databaseOptions } from './options.ts';

export function serveCommand(): Command {
  return databaseOptions(new Command('serve'))
    .description('run the OpenPIM server (creates the tenant and a break-glass Global Administrator on an empty database)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 8080)')
    .option('--bootstrap-admin <upn>', 'user principal name of the bootstrap administrator (default admin@openpim.local)')
    .action(async (options) => {
      const config = await configFrom(options);
      const { startServer } = await import('../server/start.ts');
      const running = await startServer(config);
      // Handle signals before announcing readiness: whoever waits for the line may stop us at once.
      stopOnSignal(running.close);
      process.stdout.write(`OpenPIM listening on ${running.url} (${config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`})\n`);
      if (running.caughtUp > 0) process.stdout.write(`Caught up on ${running.caughtUp} overdue timeline item(s).\n`);
    });
}

export function stopOnSignal(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
