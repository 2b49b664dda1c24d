import { Option, type Command } from 'commander';
import type { Config } from '../server/config.ts';

/** --config FILE: the JSON configuration file (OPENPIM_CONFIG), read under environment and options. */
export const configOption = (command: Command): Command =>
  command.addOption(new Option('--config <file>', 'JSON configuration file (default: $OPENPIM_CONFIG)'));

/** --config / --data / --database-url, shared by every verb that opens the database. */
export const databaseOptions = (command: Command): Command =>
  configOption(command)
    .addOption(new Option('--data <dir>', 'data directory of the embedded database (default ./data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (postgres://…) instead of the embedded database'));

/**
 * The configuration from options and environment, or a clear message and exit code 2. The server's
 * modules are loaded here, when a verb needs them, so that the HTTP verbs start quickly.
 */
export async function configFrom(options: Record<string, unknown>): Promise<Config> {
  const { ConfigError, loadConfig } = await import('../server/config.ts');
  try {
    return loadConfig({ ...options, dataDir: options.data, configFile: options.config, config: undefined });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`openpim: invalid configuration:\n${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
