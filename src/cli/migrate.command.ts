import { Command } from 'commander';
import { configFrom, databaseOptions } from './options.ts';

export function migrateCommand(): Command {
  return databaseOptions(new Command('migrate'))
    .description('bring the database schema up to date')
    .action(async (options) => {
      const config = await configFrom(options);
      const [{ openDatabase }, { migrateToLatest }, { targetOf }] = await Promise.all([
        import('../store/database.ts'),
        import('../store/migrate.ts'),
        import('../server/start.ts'),
      ]);
      const { db } = openDatabase(targetOf(config));
      try {
        const applied = await migrateToLatest(db as never);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is up to date.\n');
      } finally {
        await db.destroy();
      }
    });
}
