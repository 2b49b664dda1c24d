/**
 * Submitting one schedule request per target — what `activate`, `deactivate`, `extend`, `renew`,
 * `assign` and `unassign` share: every target is tried (a refusal is reported and the next one
 * tried), each outcome printed as it comes, `--wait` polls the pending ones to their end and says
 * who decided and why, and the exit code is that of the first failure (docs/guide.md lists them).
 */
import { parseDuration, parseInstant } from '../../domain/time.ts';
import { ApiError, type ApiClient } from './api-client.ts';
import { decisionText, type Decision } from './approvals.ts';
import { EXIT } from './cli-error.ts';
import { isJson, note, type OutputOptions } from './output.ts';
import type { ApiRequest, FoundRequest } from './request-view.ts';
import type { Session } from './session.ts';
import { printJson } from './table.ts';
import { describeTarget, requestsPath, targetBody, type Kind, type Target } from './targets.ts';
import { isFinal, succeeded, waitForRequest, type WaitOptions } from './wait.ts';

/** One target's outcome: the `--output json` shape of the request verbs (an array of these). */
export interface Outcome {
  readonly role: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly groupId: string | null;
  readonly groupName: string | null;
  readonly requestId: string | null;
  readonly action: string;
  readonly status: string | null;
  readonly endDateTime: string | null;
  readonly decisions: readonly Decision[];
  readonly reason: string | null;
  readonly error: { code: string; message: string } | null;
}

export interface SubmitPlan extends OutputOptions {
  readonly kind: Kind;
  readonly action: string;
  /** The request body for a target, without what names the target (added here). */
  readonly body: (target: Target) => object;
  /** Polls pending requests to their end when set. */
  readonly wait: WaitOptions | null;
}

const GROUP_INSTANCES = "/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')";
const ROLE_INSTANCES = "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')";
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * When a granted request's access ends: for one's own activation, from the instance now in effect;
 * else from what the request asked. Null for anything not granted (yet).
 */
async function endOf(client: ApiClient, target: Target, request: ApiRequest): Promise<string | null> {
  if (!['Provisioned', 'PendingProvisioning', 'Granted'].includes(request.status)) return null;
  if (request.status !== 'Granted' && request.action === 'selfActivate') {
    const filter =
      target.provider === 'directory'
        ? `${ROLE_INSTANCES}?$filter=${encodeURIComponent(`roleDefinitionId eq ${q(target.roleDefinitionId)} and directoryScopeId eq ${q(target.directoryScopeId)} and assignmentType eq 'Activated'`)}`
        : `${GROUP_INSTANCES}?$filter=${encodeURIComponent(`groupId eq ${q(target.groupId!)} and accessId eq ${q(target.roleDefinitionId)} and assignmentType eq 'activated'`)}`;
    // The request is done whatever this lookup says: if it fails, fall back to what was asked.
    const instance = await client.list<{ endDateTime: string | null }>(filter, 1).then(
      ([first]) => first,
      () => undefined,
    );
    if (instance) return instance.endDateTime;
  }
  const info = request.scheduleInfo;
  if (!info) return null;
  if (info.expiration.endDateTime) return info.expiration.endDateTime;
  if (!info.expiration.duration || !info.startDateTime) return null;
  try {
    return new Date(parseInstant(info.startDateTime) + parseDuration(info.expiration.duration)).toISOString();
  } catch {
    return null;
  }
}

const base = (t: Target, action: string) => ({
  role: t.role,
  roleDefinitionId: t.roleDefinitionId,
  directoryScopeId: t.directoryScopeId,
  groupId: t.groupId,
  groupName: t.groupName,
  action,
});

/** `User Administrator: Provisioned until … (request …)`. */
function line(o: Outcome): string {
  const until = o.endDateTime ? ` until ${o.endDateTime}` : o.status === 'Provisioned' ? ' (permanent)' : '';
  return `${describeTarget(o)}: ${o.status}${until} (request ${o.requestId})`;
}

/** The exit code of a request waited for: 0 when it got what it asked for. */
function exitCodeOf(action: string, status: string): number {
  if (!isFinal(status)) return EXIT.stillPending;
  return succeeded(action, status) ? EXIT.ok : EXIT.requestNotGranted;
}

/**
 * Submits one request per target, waits if asked, prints, and sets the exit code. Anything but a
 * refusal (sign-in, MFA not met, network) stops after reporting what was done.
 */
export async function submitEach(session: Session, targets: readonly Target[], plan: SubmitPlan): Promise<Outcome[]> {
  const json = isJson(plan);
  const outcomes: Outcome[] = [];
  const codes: number[] = [];
  const submitted: { index: number; target: Target; found: FoundRequest }[] = [];
  for (const target of targets) {
    try {
      const request = await session.client.call<ApiRequest>('POST', requestsPath(target.provider, plan.kind), { ...plan.body(target), ...targetBody(target) });
      const outcome: Outcome = {
        ...base(target, plan.action),
        requestId: request.id,
        status: request.status,
        endDateTime: await endOf(session.client, target, request),
        decisions: [],
        reason: null,
        error: null,
      };
      outcomes.push(outcome);
      codes.push(EXIT.ok);
      submitted.push({ index: outcomes.length - 1, target, found: { provider: target.provider, kind: plan.kind, request } });
      if (!json) process.stdout.write(`${line(outcome)}\n`);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        if (json && outcomes.length > 0) printJson(outcomes);
        throw error;
      }
      outcomes.push({
        ...base(target, plan.action),
        requestId: null,
        status: null,
        endDateTime: null,
        decisions: [],
        reason: null,
        error: { code: error.code, message: error.message },
      });
      codes.push(error.exitCode);
      process.stderr.write(`openpim: ${describeTarget(target)}: ${error.message}\n`);
    }
  }
  if (plan.wait) await waitAll(session.client, submitted, outcomes, codes, plan.wait, json);
  if (json) printJson(outcomes);
  const failed = codes.find((c) => c !== EXIT.ok);
  if (failed !== undefined) process.exitCode = failed;
  return outcomes;
}

/** Polls every submitted request that is not final yet, in parallel; updates outcomes and codes. */
async function waitAll(
  client: ApiClient,
  submitted: readonly { index: number; target: Target; found: FoundRequest }[],
  outcomes: Outcome[],
  codes: number[],
  wait: WaitOptions,
  json: boolean,
) {
  await Promise.all(
    submitted.map(async ({ index, target, found }) => {
      const label = describeTarget(target);
      const pending = !isFinal(found.request.status);
      if (pending && !json)
        note(
          `openpim: ${label}: ${found.request.status === 'PendingApproval' ? 'waiting for approval' : `waiting (${found.request.status})`} of request ${found.request.id}`,
        );
      const waited = await waitForRequest(client, found, {
        ...wait,
        onStatus: (f) => (json ? undefined : note(`openpim: ${label}: now ${f.request.status}`)),
      });
      const request = waited.found.request;
      const outcome: Outcome = {
        ...outcomes[index]!,
        status: request.status,
        endDateTime: await endOf(client, target, request),
        decisions: waited.decisions,
        reason: waited.reason,
      };
      outcomes[index] = outcome;
      codes[index] = exitCodeOf(outcome.action, request.status);
      if (json) return;
      // The decisions and the final status are news only for a request that was waiting.
      if (pending) {
        for (const d of waited.decisions) process.stdout.write(`${label}: ${decisionText(d)}\n`);
        process.stdout.write(`${line(outcome)}${waited.reason ? `: ${waited.reason}` : ''}\n`);
      }
      if (!waited.done) process.stderr.write(`openpim: ${label}: still ${request.status} when the wait timed out (openpim request show ${request.id})\n`);
      else if (codes[index] !== EXIT.ok) process.stderr.write(`openpim: ${label}: request ${request.id} ended ${request.status}\n`);
    }),
  );
}
