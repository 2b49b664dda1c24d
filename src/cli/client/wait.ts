/**
 * `--wait`: polls a request until it leaves PendingApproval, Granted (a start in the future) and
 * the provisioning states, then says who decided and why (the approval's decisions) and, for a
 * request that failed or timed out, the reason the audit log gives. Polls every
 * `$OPENPIM_WAIT_POLL_MS` milliseconds (default 2000); `--timeout` bounds the wait.
 */
import { parseDuration } from '../../domain/time.ts';
import type { ApiClient } from './api-client.ts';
import { approvalSteps, decisionsOf, type Decision } from './approvals.ts';
import { requestTimeline } from './audit-log.ts';
import { usageError } from './cli-error.ts';
import { readRequest, type FoundRequest } from './request-view.ts';

/** Statuses a request never leaves. */
const FINAL = new Set(['Provisioned', 'Denied', 'Canceled', 'Revoked', 'Failed', 'TimedOut']);
/** Actions whose success is a Revoked request: they end something. */
const ENDING = new Set(['selfDeactivate', 'adminRemove']);

/** True when the request ended with what was asked for. */
export const succeeded = (action: string, status: string): boolean => status === 'Provisioned' || (status === 'Revoked' && ENDING.has(action));
export const isFinal = (status: string): boolean => FINAL.has(status);

export interface WaitOptions {
  /** Milliseconds, or null to wait as long as it takes. */
  readonly timeoutMs: number | null;
  readonly pollMs: number;
  /** Called with each new status seen while waiting. */
  readonly onStatus?: (found: FoundRequest) => void;
}

export interface Waited {
  readonly found: FoundRequest;
  /** False when the time-out came first. */
  readonly done: boolean;
  readonly decisions: Decision[];
  /** Why it failed, timed out or was canceled, from the audit log (null when it says nothing). */
  readonly reason: string | null;
}

/** The `--timeout` option in milliseconds (an ISO-8601 duration), or null. */
export function timeoutOption(value: string | undefined): number | null {
  if (value === undefined) return null;
  try {
    return parseDuration(value);
  } catch {
    throw usageError(`--timeout '${value}' is not an ISO-8601 duration such as PT30M`);
  }
}

export const pollMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const n = Number(env.OPENPIM_WAIT_POLL_MS);
  return Number.isFinite(n) && n >= 50 ? n : 2000;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The decisions on a request's approval (none when it has none, or they cannot be read). */
export async function decisionsFor(client: ApiClient, found: FoundRequest): Promise<Decision[]> {
  if (!found.request.approvalId) return [];
  return approvalSteps(client, found.provider, found.request.approvalId).then(decisionsOf, () => []);
}

/** Why a request ended without its access: the latest audit event about it that gives a reason. */
async function reasonFor(client: ApiClient, found: FoundRequest): Promise<string | null> {
  if (!['Failed', 'TimedOut', 'Canceled'].includes(found.request.status)) return null;
  const events = await requestTimeline(client, found.request.id).catch(() => []);
  const last = events.filter((e) => e.resultReason).at(-1) ?? events.at(-1);
  return last ? last.resultReason || last.activity : null;
}

/** Polls until the request is final (or the time-out), then gathers its decisions and reason. */
export async function waitForRequest(client: ApiClient, start: FoundRequest, options: WaitOptions): Promise<Waited> {
  const deadline = options.timeoutMs === null ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  let found = start;
  let seen = found.request.status;
  while (!isFinal(found.request.status) && Date.now() < deadline) {
    await sleep(Math.min(options.pollMs, Math.max(0, deadline - Date.now())));
    found = await readRequest(client, found);
    if (found.request.status !== seen) {
      seen = found.request.status;
      options.onStatus?.(found);
    }
  }
  const done = isFinal(found.request.status);
  return { found, done, decisions: await decisionsFor(client, found), reason: done ? await reasonFor(client, found) : null };
}
