/**
 * The HTTP app with one-click approval links enabled, over a Harness store with its fake clock:
 * real bearer tokens and real signed links, called with app.inject().
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ApprovalLinks } from '../../../src/app/ports/notifier.ts';
import type { Principal } from '../../../src/domain/model.ts';
import { HOUR } from '../../../src/domain/time.ts';
import { buildApp } from '../../../src/http/app.ts';
import { approvalLinkTokens } from '../../../src/adapters/approval-link-tokens.ts';
import { jwtTokens, signingKeyring, type JwtTokens } from '../../../src/adapters/jwt-tokens.ts';
import { signingKeyStore } from '../../../src/store/signing-keys.ts';
import { testIds } from '../../support/fake-clock.ts';
import type { Harness } from '../../support/harness.ts';

export interface LinkApp {
  readonly app: FastifyInstance;
  readonly tokens: JwtTokens;
  readonly links: ApprovalLinks;
  bearer(who: Principal): Promise<string>;
  /** GET or POST /openpim/approvals/act?token=… as `who` (null: no Authorization header). */
  act(who: Principal | string | null, method: 'GET' | 'POST', token: string | null, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function openLinkApp(h: Harness): Promise<LinkApp> {
  const tokens = jwtTokens(signingKeyStore(h.store.db), h.clock, testIds);
  const links = approvalLinkTokens(signingKeyring(signingKeyStore(h.store.db), h.clock, testIds), h.clock, testIds);
  const app = await buildApp({
    uow: h.store,
    clock: h.clock,
    ids: testIds,
    tokens,
    mfaMaxAge: HOUR,
    bodyLimit: 65_536,
    isReady: () => true,
    approvalLinks: links,
    logger: false,
  });
  await app.ready();
  const bearer = (who: Principal) => tokens.issue({ tenantId: h.tenantId, principalId: who.id, amr: ['pwd', 'mfa'], authTime: h.clock.now(), acrs: [] }, HOUR);
  return {
    app,
    tokens,
    links,
    bearer,
    async act(who, method, token, body) {
      const headers: Record<string, string> = {};
      if (who !== null) headers.authorization = `Bearer ${typeof who === 'string' ? who : await bearer(who)}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const url = token === null ? '/openpim/approvals/act' : `/openpim/approvals/act?token=${encodeURIComponent(token)}`;
      return app.inject({ method, url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    },
    close: () => app.close(),
  };
}

/** Status and Graph error code of a response. */
export const outcome = (res: LightMyRequestResponse) => ({
  status: res.statusCode,
  code: res.statusCode >= 400 ? (JSON.parse(res.body) as { error: { code: string } }).error.code : null,
});
