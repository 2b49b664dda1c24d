/**
 * Configuration, parsed once at start-up from command-line options and OPENPIM_* environment
 * variables (options win). Errors name the setting.
 */
import { z } from 'zod';
import { isDuration, parseDuration } from '../domain/time.ts';

const duration = z.string().refine(isDuration, 'must be an ISO-8601 duration such as PT1H').transform(parseDuration);

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  bootstrapAdmin: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'must be a user principal name like admin@example.com').default('admin@openpim.local'),
  tenantName: z.string().min(1).default('OpenPIM'),
  /** How long an MFA sign-in satisfies policies that require MFA. */
  mfaMaxAge: duration.default(parseDuration('PT1H')),
  bodyLimit: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.output<typeof configSchema>;

const ENV: Record<string, keyof z.input<typeof configSchema>> = {
  OPENPIM_DATA: 'dataDir',
  OPENPIM_DATABASE_URL: 'databaseUrl',
  OPENPIM_HOST: 'host',
  OPENPIM_PORT: 'port',
  OPENPIM_BOOTSTRAP_ADMIN: 'bootstrapAdmin',
  OPENPIM_TENANT_NAME: 'tenantName',
  OPENPIM_MFA_MAX_AGE: 'mfaMaxAge',
  OPENPIM_BODY_LIMIT: 'bodyLimit',
  OPENPIM_LOG_LEVEL: 'logLevel',
};

export class ConfigError extends Error {}

/** Parses options over environment; throws ConfigError naming each bad setting. */
export function loadConfig(options: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const result = configSchema.safeParse({ ...fromEnv, ...given });
  if (!result.success) {
    const envName = (key: string) => Object.entries(ENV).find(([, k]) => k === key)?.[0];
    throw new ConfigError(result.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${key}${envName(key) ? ` (${envName(key)})` : ''}: ${i.message}`;
    }).join('\n'));
  }
  return result.data;
}
