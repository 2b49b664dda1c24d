/**
 * Keeps one AccessIndex per tenant current: built from the database at start-up, then kept up by
 * following the change feed. Every check first applies what has committed since (in this process
 * the store says so after each commit), so a grant is allowed from the moment its request returned
 * — and end times are compared with the clock inside the index, so nothing expired is allowed even
 * if no event has arrived. Schedules of `member` assignments at `/groups/{id}` (PIM for Groups) go
 * through the same putGrant/removeGrant and become timed group memberships in the index.
 */
import type { AccessChecker, AccessFacts, AccessHolder, AccessReason } from '../app/ports/access.ts';
import { unhandled, type FeedEvent } from '../app/ports/change-feed.ts';
import type { Repositories } from '../app/ports/repositories.ts';
import { AccessIndex, grantFromSchedule } from './index.ts';

const BATCH = 1000;

export interface AccessService extends AccessChecker {
  /** Builds every tenant's index. */
  start(): Promise<void>;
  /** Something committed: apply the feed before the next answer. */
  markDirty(): void;
  /** Applies everything committed so far (also used by a poll for other nodes' writes). */
  catchUp(): Promise<void>;
}

export function accessService(facts: AccessFacts, read: Pick<Repositories, 'feedReader'>): AccessService {
  const indexes = new Map<string, AccessIndex>();
  /** Per tenant, principals whose account is disabled: asked about, they hold nothing (grants stay, for when they are enabled again). */
  const disabled = new Map<string, Set<string>>();
  const isDisabled = (tenantId: string, principalId: string) => disabled.get(tenantId)?.has(principalId) ?? false;
  let position = 0;
  let dirty = true;
  let catching: Promise<void> | null = null;

  async function build(tenantId: string): Promise<void> {
    const s = await facts.snapshot(tenantId);
    const index = new AccessIndex();
    index.load({ roles: s.roles, scopes: s.scopes, memberships: s.memberships, grants: s.grants });
    indexes.set(tenantId, index);
    disabled.set(tenantId, new Set(s.disabled));
  }

  /** Applies one committed change from what its row carries (change-feed.ts): no database read. */
  async function apply(e: FeedEvent): Promise<void> {
    if (e.topic === 'tenant.created') return build(e.tenantId);
    const index = indexes.get(e.tenantId);
    if (!index) return build(e.tenantId);
    switch (e.topic) {
      case 'schedule.created':
      case 'schedule.updated':
      case 'schedule.started':
      case 'schedule.closed':
      case 'schedule.expiring': {
        const grant = grantFromSchedule(e.payload.schedule);
        if (grant) index.putGrant(grant);
        else index.removeGrant(e.entityId);
        return;
      }
      case 'group.memberAdded':
        return index.addMember(e.entityId, e.payload.memberId);
      case 'group.memberRemoved':
        return index.removeMember(e.entityId, e.payload.memberId);
      case 'principal.created':
      case 'principal.updated': {
        const set = disabled.get(e.tenantId) ?? new Set<string>();
        if (e.payload.principal.accountEnabled) set.delete(e.entityId);
        else set.add(e.entityId);
        disabled.set(e.tenantId, set);
        return;
      }
      case 'role.created':
      case 'role.updated':
        return index.putRole(e.payload.role);
      case 'role.deleted':
        return index.removeRole(e.entityId);
      case 'scope.created':
        return index.putScope(e.payload.scope);
      // Requests, approvals, policies and alerts change no grant: their effects arrive as the rows above.
      case 'policy.created':
      case 'policy.updated':
      case 'request.created':
      case 'request.approved':
      case 'request.denied':
      case 'request.timedOut':
      case 'request.canceled':
      case 'request.failed':
      case 'approval.pending':
      case 'breakGlass.used':
        return;
      default:
        unhandled(e);
    }
  }

  async function follow(): Promise<void> {
    dirty = false;
    for (;;) {
      const events = await read.feedReader.after(position, BATCH);
      for (const e of events) {
        await apply(e);
        position = e.seq;
      }
      if (events.length < BATCH) return;
    }
  }

  const catchUp = (): Promise<void> => {
    // One follower at a time; callers arriving meanwhile wait for it and then re-check dirtiness.
    catching ??= follow().finally(() => {
      catching = null;
    });
    return catching;
  };

  async function fresh(tenantId: string): Promise<AccessIndex | null> {
    while (dirty || catching) await catchUp();
    return indexes.get(tenantId) ?? null;
  }

  const plain = (r: AccessReason): AccessReason => ({
    grantId: r.grantId,
    roleDefinitionId: r.roleDefinitionId,
    roleDisplayName: r.roleDisplayName,
    scopeId: r.scopeId,
    inherited: r.inherited,
    via: r.via,
    groupId: r.groupId,
    groupPath: r.groupPath,
    memberType: r.memberType,
    startAt: r.startAt,
    endAt: r.endAt,
  });
  const plainHolder = (h: AccessHolder): AccessHolder => ({ principalId: h.principalId, ...plain(h) });

  return {
    async start() {
      // The position is taken before the snapshot: events in between are applied twice, harmlessly.
      position = await read.feedReader.head();
      for (const tenantId of await facts.tenantIds()) await build(tenantId);
      dirty = true;
    },
    markDirty() {
      dirty = true;
    },
    catchUp,
    async check(tenantId, principalId, action, scope, at) {
      const index = await fresh(tenantId);
      if (!index || isDisabled(tenantId, principalId)) return { allowed: false, reasons: [] };
      const decision = index.check(principalId, action, scope, at);
      return { allowed: decision.allowed, reasons: decision.reasons.map(plain) };
    },
    async holdings(tenantId, principalId, at, scope) {
      const index = await fresh(tenantId);
      return index && !isDisabled(tenantId, principalId) ? index.holdings(principalId, at, scope).map(plain) : [];
    },
    async holders(tenantId, scope, at) {
      const index = await fresh(tenantId);
      return index
        ? index
            .holders(scope, at)
            .filter((h) => !isDisabled(tenantId, h.principalId))
            .map(plainHolder)
        : [];
    },
  };
}
