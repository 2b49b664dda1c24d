import { Command } from 'commander';
import { openDatabase } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { targetOf } from '../server/start.ts';
import { configFrom, databaseOptions } from './options.ts';

export function migrateCommand(): Command {
  return databaseOptions(new Command('migrate'))
    .description('bring the database schema up to date')
    .action(async (options) => {
      const { db } = openDatabase(targetOf(configFrom(options)));
      try {
        const applied = await migrateToLatest(db as never);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is up to date.\n');
      } finally {
        await db.destroy();
      }
    });
}
