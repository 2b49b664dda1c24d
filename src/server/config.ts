/**
 * Configuration, parsed once at start-up from a JSON config file (`--config` / OPENPIM_CONFIG),
 * OPENPIM_* environment variables and command-line options — options win over the environment,
 * which wins over the file. Errors name the setting.
 */
import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../app/notifications/events.ts';
import { CONTEXT_FACTORS, DEFAULT_AUTHENTICATION_CONTEXTS } from '../domain/identity/authentication-contexts.ts';
import { isLoopbackHostname } from '../domain/identity/sessions.ts';
import { isDuration, parseDuration } from '../domain/time.ts';
import type { RelyingParty } from '../app/ports/webauthn.ts';
import { ConfigFileError, mergeSources, readConfigFile, setPath } from './config-file.ts';

const duration = z.string().refine(isDuration, 'must be an ISO-8601 duration such as PT1H').transform(parseDuration);
/** true/false from JSON, or the strings an environment variable holds. */
const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
/** A JSON value given as text (an environment variable) or as itself (file, options). */
const jsonText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  }, schema);

const smtpSchema = z
  .strictObject({
    host: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535).default(587),
    /** TLS from the first byte; default: on for port 465, else STARTTLS when offered. */
    secure: flag.optional(),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    from: z.string().regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address like pim@example.com or "OpenPIM <pim@example.com>"'),
  })
  .transform((s) => ({ ...s, secure: s.secure ?? s.port === 465 }));

const webhookSchema = z.strictObject({
  /** Recorded with each delivery instead of the URL (webhook URLs are secrets). Default webhook-N. */
  name: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** `slack`: Slack blocks (Mattermost, Rocket.Chat); `teams`: an Adaptive Card for a Teams Workflows webhook. */
  format: z.enum(['slack', 'teams']).default('slack'),
  /** Only these notifications (default: all). */
  events: z.array(z.enum(NOTIFICATION_TYPES)).optional(),
});

const webhooksSchema = jsonText(z.array(webhookSchema))
  .default([])
  .transform((list, ctx) => {
    const named = list.map((w, i) => ({ ...w, name: w.name ?? `webhook-${i + 1}` }));
    const names = named.map((w) => w.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) ctx.addIssue({ code: 'custom', message: `two webhooks are named '${duplicate}'` });
    return named;
  });

/** Sign-in with the organisation's OpenID provider (docs/decisions/0012); without it the routes answer 404. */
const oidcSchema = z.strictObject({
  /** The provider's issuer identifier, exactly as its discovery document says it (trailing slash included). */
  issuer: z.url({ protocol: /^https?$/, error: "must be the provider's issuer URL, such as https://login.example.com/realms/corp" }),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** What the portal's sign-in button calls the provider ("Sign in with …"); default: the issuer's host name. */
  displayName: z.string().trim().min(1).max(60).optional(),
  clientAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  scopes: z
    .string()
    .regex(/(^|\s)openid(\s|$)/, 'must include openid')
    .default('openid email profile'),
  /** Take the provider's `mfa` (amr) or an acr of mfaAcrValues as MFA; otherwise users step up locally. */
  trustAmr: flag.default(false),
  mfaAcrValues: z
    .union([
      z.array(z.string().min(1)),
      z.string().transform((v) =>
        v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ])
    .default([]),
  /** How a provider account without a link finds its user: by verified email (default), or only by an existing link. */
  matchBy: z.enum(['sub', 'email']).default('email'),
  /** Create users on their first sign-in when none matches. */
  jitProvisioning: flag.default(false),
  /** Plain http to a provider that is not on this machine (loopback is always allowed): tests only. */
  allowInsecureHttp: flag.default(false),
});

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  bootstrapAdmin: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be a user principal name like admin@example.com')
    .default('admin@openpim.local'),
  tenantName: z.string().min(1).default('OpenPIM'),
  /** How long an MFA sign-in satisfies policies that require MFA. */
  mfaMaxAge: duration.default(parseDuration('PT1H')),
  bodyLimit: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How people reach OpenPIM; links in notifications start with it. Default: the address the server listens on. */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Email notifications; without it no email is sent. */
  smtp: smtpSchema.optional(),
  webhooks: webhooksSchema,
  /** How long one-click approve/deny links work after they are sent. */
  approvalLinkTtl: duration.default(parseDuration('PT1H')),
  /** The weekly digest to privileged administrators. */
  weeklyDigest: flag.default(true),
  /** Lifetime of bearer tokens from sign-in, step-up and the token endpoint. */
  tokenTtl: duration.refine((ms) => ms >= 60_000 && ms <= 86_400_000, 'must be between PT1M and PT24H').default(parseDuration('PT1H')),
  /** A browser session ends after this long without a request. */
  sessionIdleTimeout: duration.refine((ms) => ms >= 60_000 && ms <= 86_400_000, 'must be between PT1M and PT24H').default(parseDuration('PT30M')),
  /** Every sign-in session (browser, CLI) ends this long after sign-in, however busy. */
  sessionAbsoluteTimeout: duration.refine((ms) => ms >= 300_000 && ms <= 30 * 86_400_000, 'must be between PT5M and P30D').default(parseDuration('PT12H')),
  /** Mark the session cookie Secure (name __Host-openpim-session). Default: on, unless publicUrl is plain http on a host other than localhost. */
  sessionCookieSecure: flag.optional(),
  /** Sign-in, step-up and token attempts per minute from one address, and on one account (per node). */
  authRateLimitPerIp: z.coerce.number().int().min(1).max(100_000).default(30),
  authRateLimitPerAccount: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Believe X-Forwarded-For from: true (any proxy), or addresses/CIDRs such as "127.0.0.1,10.0.0.0/8". */
  trustProxy: z
    .union([
      flag,
      z
        .string()
        .regex(/^[\w.:/, -]+$/, 'must be true, false, or proxy addresses such as 127.0.0.1,10.0.0.0/8')
        .transform((v) => v.replace(/\s+/g, '')),
    ])
    .default(false),
  /** WebAuthn relying party id: the domain passkeys are made for. Default: publicUrl's host name, else localhost. */
  webauthnRpId: z
    .string()
    .regex(/^[a-z0-9.-]{1,253}$/i, 'must be a domain name such as pim.example.com')
    .optional(),
  /** The name authenticators show. Default: tenantName. */
  webauthnRpName: z.string().min(1).max(100).optional(),
  /** Origins the browser may sign from, comma-separated. Default: publicUrl, else http://localhost:PORT. */
  webauthnOrigins: z
    .union([
      z.array(z.string()),
      z.string().transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be origins such as https://pim.example.com' }).transform((u) => new URL(u).origin)).min(1))
    .optional(),
  /** Authentication context (a policy's claimValue) → the factors that satisfy it: webauthn, hwk (device-bound key only), otp. */
  authenticationContexts: jsonText(
    z.record(z.string().regex(/^[\w.:-]{1,128}$/, 'context names are letters, digits, ".", ":", "_" and "-"'), z.array(z.enum(CONTEXT_FACTORS)).min(1)),
  ).default({ ...DEFAULT_AUTHENTICATION_CONTEXTS } as Record<string, ('webauthn' | 'hwk' | 'otp')[]>),
  oidc: oidcSchema.optional(),
});

export type Config = z.output<typeof configSchema>;
export type SmtpConfig = NonNullable<Config['smtp']>;

const ENV: Record<string, string> = {
  OPENPIM_DATA: 'dataDir',
  OPENPIM_DATABASE_URL: 'databaseUrl',
  OPENPIM_HOST: 'host',
  OPENPIM_PORT: 'port',
  OPENPIM_BOOTSTRAP_ADMIN: 'bootstrapAdmin',
  OPENPIM_TENANT_NAME: 'tenantName',
  OPENPIM_MFA_MAX_AGE: 'mfaMaxAge',
  OPENPIM_BODY_LIMIT: 'bodyLimit',
  OPENPIM_LOG_LEVEL: 'logLevel',
  OPENPIM_PUBLIC_URL: 'publicUrl',
  OPENPIM_SMTP_HOST: 'smtp.host',
  OPENPIM_SMTP_PORT: 'smtp.port',
  OPENPIM_SMTP_SECURE: 'smtp.secure',
  OPENPIM_SMTP_USER: 'smtp.user',
  OPENPIM_SMTP_PASSWORD: 'smtp.password',
  OPENPIM_SMTP_FROM: 'smtp.from',
  OPENPIM_WEBHOOKS: 'webhooks',
  OPENPIM_APPROVAL_LINK_TTL: 'approvalLinkTtl',
  OPENPIM_WEEKLY_DIGEST: 'weeklyDigest',
  OPENPIM_TOKEN_TTL: 'tokenTtl',
  OPENPIM_SESSION_IDLE_TIMEOUT: 'sessionIdleTimeout',
  OPENPIM_SESSION_ABSOLUTE_TIMEOUT: 'sessionAbsoluteTimeout',
  OPENPIM_SESSION_COOKIE_SECURE: 'sessionCookieSecure',
  OPENPIM_AUTH_RATE_LIMIT_PER_IP: 'authRateLimitPerIp',
  OPENPIM_AUTH_RATE_LIMIT_PER_ACCOUNT: 'authRateLimitPerAccount',
  OPENPIM_TRUST_PROXY: 'trustProxy',
  OPENPIM_WEBAUTHN_RP_ID: 'webauthnRpId',
  OPENPIM_WEBAUTHN_RP_NAME: 'webauthnRpName',
  OPENPIM_WEBAUTHN_ORIGINS: 'webauthnOrigins',
  OPENPIM_AUTHENTICATION_CONTEXTS: 'authenticationContexts',
  OPENPIM_OIDC_ISSUER: 'oidc.issuer',
  OPENPIM_OIDC_CLIENT_ID: 'oidc.clientId',
  OPENPIM_OIDC_CLIENT_SECRET: 'oidc.clientSecret',
  OPENPIM_OIDC_DISPLAY_NAME: 'oidc.displayName',
  OPENPIM_OIDC_CLIENT_AUTH_METHOD: 'oidc.clientAuthMethod',
  OPENPIM_OIDC_SCOPES: 'oidc.scopes',
  OPENPIM_OIDC_TRUST_AMR: 'oidc.trustAmr',
  OPENPIM_OIDC_MFA_ACR_VALUES: 'oidc.mfaAcrValues',
  OPENPIM_OIDC_MATCH_BY: 'oidc.matchBy',
  OPENPIM_OIDC_JIT_PROVISIONING: 'oidc.jitProvisioning',
  OPENPIM_OIDC_ALLOW_INSECURE_HTTP: 'oidc.allowInsecureHttp',
};

/** The WebAuthn relying party: configured, or derived from publicUrl (else localhost and the port). */
export function relyingPartyOf(config: Config): RelyingParty {
  const base = new URL(config.publicUrl ?? `http://localhost:${config.port}`);
  return {
    id: config.webauthnRpId ?? base.hostname,
    name: config.webauthnRpName ?? config.tenantName,
    origins: config.webauthnOrigins ?? [base.origin],
  };
}

/** Browsers keep Secure cookies only from https pages and from localhost (a secure context even over http). */
export function sessionSettingsOf(config: Config): { idleTimeout: number; absoluteTimeout: number; secure: boolean } {
  const base = config.publicUrl ? new URL(config.publicUrl) : null;
  // `*.localhost` too: browsers treat it as a secure context like localhost (here it only decides a
  // cookie flag; nothing connects to it, so it needs no resolver's help).
  const local = (host: string) => isLoopbackHostname(host) || host.endsWith('.localhost');
  const secure = config.sessionCookieSecure ?? (!base || base.protocol === 'https:' || local(base.hostname));
  return { idleTimeout: config.sessionIdleTimeout, absoluteTimeout: config.sessionAbsoluteTimeout, secure };
}

export class ConfigError extends Error {}

/**
 * Parses options over environment over the config file; throws ConfigError naming each bad
 * setting. The file is `options.configFile`, else OPENPIM_CONFIG.
 */
export function loadConfig(options: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') setPath(fromEnv, path, env[name]);
  const { configFile, ...given } = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const file = typeof configFile === 'string' ? configFile : env.OPENPIM_CONFIG || undefined;
  let fromFile: Record<string, unknown> = {};
  try {
    if (file) fromFile = readConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigFileError) throw new ConfigError(error.message);
    throw error;
  }
  const result = configSchema.safeParse(mergeSources(fromFile, fromEnv, given));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues
        .map((i) => {
          const key = i.path.map(String).join('.') || '(config)';
          const envName = Object.entries(ENV).find(([, p]) => p === key || p === String(i.path[0]))?.[0];
          return `${key}${envName ? ` (${envName})` : ''}: ${i.message}`;
        })
        .join('\n'),
    );
  }
  return result.data;
}

const REDACTED = '[redacted]';

/** The configuration with its secrets hidden: fit for logs and `notify test` output. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const url = (u: string) => {
    try {
      const parsed = new URL(u);
      return parsed.password || parsed.pathname.length > 1 || parsed.search ? `${parsed.protocol}//${parsed.host}/${REDACTED}` : u;
    } catch {
      return REDACTED;
    }
  };
  return {
    ...config,
    ...(config.databaseUrl ? { databaseUrl: url(config.databaseUrl) } : {}),
    ...(config.smtp ? { smtp: { ...config.smtp, ...(config.smtp.password !== undefined ? { password: REDACTED } : {}) } } : {}),
    webhooks: config.webhooks.map((w) => ({ ...w, url: url(w.url) })),
    ...(config.oidc ? { oidc: { ...config.oidc, clientSecret: REDACTED } } : {}),
  };
}
