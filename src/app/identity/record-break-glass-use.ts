/**
 * Records a use of a break-glass account (docs/guide.md, "Break-glass accounts"). The first time a
 * token or session of one is seen, one transaction writes the use, an audit event and a
 * `breakGlass.used` change-feed row — which alerts every Global and Privileged Role Administrator
 * (notifications/interpret.ts). Later calls with the same key do nothing.
 *
 * Seeing a key again is cheap: a bounded in-process memo answers a busy session without I/O; a
 * node that has not seen it reads before it writes; and the primary key of `break_glass_uses`
 * makes several nodes record each use once (docs/decisions/0006, "Break-glass uses").
 *
 * @example
 *   // once per authenticated request or sign-in (a token's `jti`, a session's id):
 *   await recordBreakGlassUse({ uow, clock, memo }, caller, { useKey: jti, how: 'bearer token', method: 'GET', path: '/v1.0/me', sourceIp: '192.0.2.7' });
 */
import { createHash } from 'node:crypto';
import { ACTIVITY } from '../../domain/audit/activities.ts';
import type { AuditActor } from '../../domain/audit/event.ts';
import { auditRecord, principalTarget } from '../audit/record.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';

/** The feed topic the alert is planned from. */
export const BREAK_GLASS_USED = 'breakGlass.used';

export interface BreakGlassUseInput {
  /** Names one use: the token id (`jti`) of a bearer token, or the session id. Never stored as given. */
  readonly useKey: string;
  /** How the account was used: 'password sign-in', 'bearer token', 'session', … */
  readonly how: string;
  readonly method: string | null;
  /** The request path; a query string is dropped (it can carry a token). */
  readonly path: string | null;
  readonly sourceIp: string | null;
}

/** Uses this node has recorded (or is recording), most recent last. */
export interface BreakGlassMemo {
  /**
   * Runs `record` for a key the first time it is seen here; later calls share its outcome and
   * return false. A failed recording is forgotten, so the next call tries again.
   */
  once(key: string, record: () => Promise<boolean>): Promise<boolean>;
  readonly size: number;
}

/** A memo that keeps the `capacity` most recently used keys. */
export function breakGlassMemo(capacity = 10_000): BreakGlassMemo {
  const entries = new Map<string, Promise<boolean>>();
  return {
    once(key, record) {
      const known = entries.get(key);
      if (known) {
        entries.delete(key);
        entries.set(key, known);
        return known.then(() => false);
      }
      const recording = record();
      entries.set(key, recording);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
      recording.catch(() => {
        if (entries.get(key) === recording) entries.delete(key);
      });
      return recording;
    },
    get size() {
      return entries.size;
    },
  };
}

/** What is stored and shown for a use key: a digest, as a session id can be a credential. */
export const breakGlassUseId = (useKey: string): string => createHash('sha256').update(`openpim-break-glass-use:${useKey}`).digest('hex');

const clip = (value: string | null, max: number): string | null => (value === null ? null : value.slice(0, max));

/**
 * Audits and alerts the first use of a break-glass principal's token or session. Returns whether
 * this call recorded it. Anyone else returns at once, without I/O. Throws when the use cannot be
 * recorded: the caller should then refuse the request rather than serve an unaudited use.
 */
export async function recordBreakGlassUse(
  deps: { readonly uow: UnitOfWork<'breakGlassUses' | 'audit' | 'feed'>; readonly clock: Clock; readonly memo: BreakGlassMemo },
  caller: Pick<Caller, 'tenantId' | 'principal' | 'correlationId'>,
  use: BreakGlassUseInput,
): Promise<boolean> {
  const principal = caller.principal;
  if (!principal.isBreakGlass) return false;
  const useId = breakGlassUseId(use.useKey);
  return deps.memo.once(`${caller.tenantId}:${useId}`, async () => {
    if (await deps.uow.read.breakGlassUses.isRecorded(caller.tenantId, useId)) return false;
    const now = deps.clock.now();
    const how = clip(use.how, 100) ?? '';
    const method = clip(use.method, 16);
    const path = clip(use.path?.split('?')[0] ?? null, 500);
    const sourceIp = clip(use.sourceIp, 64);
    return deps.uow.run(async (tx) => {
      if (!(await tx.breakGlassUses.record({ tenantId: caller.tenantId, useKey: useId, principalId: principal.id, at: now }))) return false;
      const details: Record<string, string> = { How: how, UseId: useId.slice(0, 16) };
      if (method) details.Method = method;
      if (path) details.Path = path;
      if (sourceIp) details.SourceIp = sourceIp;
      const actor: AuditActor = {
        id: principal.id,
        displayName: principal.displayName,
        userPrincipalName: principal.userPrincipalName,
        type: principal.type === 'servicePrincipal' ? 'servicePrincipal' : 'user',
      };
      const event = await tx.audit.append(
        auditRecord(caller.tenantId, actor, caller.correlationId, now, {
          activity: ACTIVITY.breakGlassUsed,
          category: 'UserManagement',
          operationType: 'Other',
          targets: [principalTarget(principal)],
          details,
        }),
      );
      await tx.feed.append(caller.tenantId, BREAK_GLASS_USED, principal.id, { useId, how, method, path, sourceIp, at: now, auditEventId: event.id });
      return true;
    });
  });
}
