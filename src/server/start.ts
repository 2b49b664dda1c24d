/**
 * The composition root: opens the store, makes sure a tenant exists, catches up on everything the
 * timeline missed while the server was down — before /healthz says ready — then serves HTTP.
 */
import type { FastifyInstance } from 'fastify';
import { processDue } from '../app/jobs/process-due.ts';
import type { Principal } from '../domain/model.ts';
import { bootstrapTenant } from '../app/tenancy/bootstrap-tenant.ts';
import type { Tenant } from '../app/ports/repositories.ts';
import { buildApp } from '../http/app.ts';
import { OIDC_CALLBACK_PATH } from '../http/routes/oidc.routes.ts';
import { sqliteTarget, type DatabaseTarget } from '../store/database.ts';
import { signingKeyStore } from '../store/signing-keys.ts';
import { accessFacts } from '../store/access-facts.ts';
import { accessService } from '../access/access-service.ts';
import { openStore, type Store } from '../store/store.ts';
import { redactedConfig, relyingPartyOf, sessionSettingsOf, type Config } from './config.ts';
import { simpleWebAuthnCeremonies } from '../adapters/simplewebauthn-ceremonies.ts';
import { federationOf } from './federation.ts';
import { jwtTokens, signingKeyring, type JwtTokens } from '../adapters/jwt-tokens.ts';
import { randomIds, systemClock } from '../adapters/system-clock.ts';
import { startTimelineRunner } from './timeline-runner.ts';
import type { Clock, Ids } from '../app/ports/clock.ts';
import { chatWebhooks } from '../notify/chat-webhook.ts';
import { smtpMailer } from '../notify/smtp-mailer.ts';
import { approvalLinkTokens } from '../adapters/approval-link-tokens.ts';
import { argon2Passwords } from '../adapters/argon2-passwords.ts';
import { cryptoRandom } from '../adapters/crypto-random.ts';
import { joseClientAssertions } from '../adapters/jose-client-assertions.ts';
import { memoryRateLimiter } from '../http/rate-limit.ts';
import { startNotificationRunner, type NotificationRunner } from './notification-runner.ts';

export interface Running {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly tokens: JwtTokens;
  readonly tenant: Tenant;
  readonly admin: Principal;
  /** Overdue items processed at start-up. */
  readonly caughtUp: number;
  /** The notification job's runner (tests wake it after moving a fake clock). */
  readonly notifier: NotificationRunner;
  close(): Promise<void>;
}

const withFederation = (federation: ReturnType<typeof federationOf>) => (federation ? { federation } : {});

/**
 * Secrets that travel in query strings stay out of request logs: approval links' `token`, and the
 * `code` and `state` of the OIDC callback and of the CLI's browser sign-in.
 */
export const redactUrl = (url: string) => url.replace(/([?&](?:token|code|state)=)[^&#]*/g, '$1[redacted]');

export const targetOf = (config: Pick<Config, 'dataDir' | 'databaseUrl'>): DatabaseTarget =>
  config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : sqliteTarget(config.dataDir);

/** Opens the store and the token service over it, bootstrapping the tenant on an empty database. */
export async function openServices(config: Config, clock: Clock = systemClock, ids: Ids = randomIds) {
  const store = await openStore(targetOf(config), { clock, ids });
  try {
    const boot = await bootstrapTenant({ uow: store, clock, ids }, { tenantName: config.tenantName, adminUpn: config.bootstrapAdmin });
    const tenant = boot?.tenant ?? (await store.read.tenants.first());
    if (!tenant) throw new Error('the database has no tenant');
    const admin = boot?.admin ?? null;
    const tokens = jwtTokens(signingKeyStore(store.db), clock, ids);
    return { store, tokens, tenant, admin, created: boot?.created ?? false };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export interface StartOptions {
  /** Serve the portal from this folder instead of web/dist (the bench serves a snapshot of a build). */
  readonly portalDir?: string;
}

export async function startServer(config: Config, clock: Clock = systemClock, ids: Ids = randomIds, options: StartOptions = {}): Promise<Running> {
  const { store, tokens, tenant, admin } = await openServices(config, clock, ids);
  const links = approvalLinkTokens(signingKeyring(signingKeyStore(store.db), clock, ids), clock, ids);
  // The access index is built before serving; it follows the change feed after every commit.
  const access = accessService(accessFacts(store.db), store.read);
  await access.start();
  const stopAccess = store.onCommit(() => access.markDirty());
  // Other nodes' writes reach the index through this poll (and the next check after any local commit).
  const accessPoll = setInterval(() => access.markDirty(), 1000);
  accessPoll.unref();
  let ready = false;
  const app = await buildApp({
    ...(options.portalDir ? { portalDir: options.portalDir } : {}),
    access,
    uow: store,
    clock,
    ids,
    tokens,
    mfaMaxAge: config.mfaMaxAge,
    bodyLimit: config.bodyLimit,
    isReady: () => ready,
    approvalLinks: links,
    identity: {
      passwords: argon2Passwords(),
      random: cryptoRandom,
      issuer: tokens,
      tokenTtl: config.tokenTtl,
      rateLimiter: memoryRateLimiter(clock, { perIpPerMinute: config.authRateLimitPerIp, perAccountPerMinute: config.authRateLimitPerAccount }),
      webauthn: { ceremonies: simpleWebAuthnCeremonies, rp: relyingPartyOf(config), contexts: config.authenticationContexts },
      clientAssertions: { verifier: joseClientAssertions, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) },
      ...withFederation(federationOf(config, (error, during) => app.log.warn({ err: error }, `identity provider ${during} failed`))),
    },
    trustProxy: config.trustProxy,
    sessions: sessionSettingsOf(config),
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: {
              req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
                method: req.method,
                url: redactUrl(req.url),
                hostname: req.hostname,
                remoteAddress: req.ip,
              }),
            },
          },
  });
  const deps = { uow: store, clock, ids, onError: (item: { id: number }, error: unknown) => app.log.error({ err: error, item }, 'timeline item failed') };
  // Catch up before serving: nothing overdue is left unrecorded when the first request arrives.
  const caughtUp = await processDue(deps);
  const runner = startTimelineRunner(deps);
  const unsubscribe = store.onCommit((info) => runner.wake(info.earliestDue));
  const address = await app.listen({ host: config.host, port: config.port });
  // After commit, never inside: the notification job reads the change feed
  // (docs/architecture.md, "Audit chain and change feed").
  const notifier = startNotificationRunner({
    uow: store,
    clock,
    links,
    mailer: config.smtp ? smtpMailer(config.smtp) : null,
    chat: chatWebhooks(),
    settings: { publicUrl: config.publicUrl ?? address, webhooks: config.webhooks, linkTtlMs: config.approvalLinkTtl, digest: config.weeklyDigest },
    onError: (error, context) => app.log.warn({ err: error }, `${context} failed`),
  });
  const stopNotifying = store.onCommit(() => notifier.wake());
  app.log.debug({ config: redactedConfig(config) }, 'configuration');
  app.log.info(
    `notifications: ${config.smtp ? `email via ${config.smtp.host}:${config.smtp.port}` : 'no email (smtp not set)'}, ` +
      `${config.webhooks.length ? `webhooks ${config.webhooks.map((w) => w.name).join(', ')}` : 'no webhooks'}`,
  );
  if (!config.publicUrl && (config.smtp || config.webhooks.length > 0)) {
    app.log.warn(`publicUrl is not set: links in notifications point at ${address}; set OPENPIM_PUBLIC_URL to the address people use`);
  }
  if (config.oidc && !config.publicUrl) {
    app.log.warn(
      `publicUrl is not set: the identity provider sends browsers back to http://localhost:${config.port}${OIDC_CALLBACK_PATH}; set OPENPIM_PUBLIC_URL`,
    );
  }
  ready = true;
  const bootstrapAdmin = admin ?? (await store.read.principals.getByUpn(tenant.id, config.bootstrapAdmin));
  return {
    url: address,
    app,
    store,
    tokens,
    tenant,
    admin: bootstrapAdmin!,
    caughtUp,
    notifier,
    async close() {
      unsubscribe();
      stopNotifying();
      stopAccess();
      clearInterval(accessPoll);
      runner.stop();
      await notifier.stop();
      await app.close();
      await store.close();
    },
  };
}
