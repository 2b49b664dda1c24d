/**
 * Register a resource scope (POST /openpim/scopes): a node of the resource tree at which resource
 * roles (Owner, Contributor, Reader, User Access Administrator, custom) are assigned. The path is
 * `type/name` pairs (`/subscriptions/s1/resourceGroups/rg1`, `/databases/pg-prod`; Azure paths as
 * they are); its parent is the path minus its last pair unless `parentId` names another registered
 * scope (a management group above a subscription). A parent that would make a cycle is refused.
 */
import { ACTIVITY } from '../../domain/audit/activities.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Scope } from '../../domain/model.ts';
import { isCanonicalScope, parentPath } from '../../domain/scope-path.ts';
import { actorOf, auditRecord } from '../audit/record.ts';
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { Clock } from '../ports/clock.ts';
import type { UnitOfWork } from '../ports/repositories.ts';
import { scopeAncestors } from './ancestry.ts';

/** First segments that name directory scopes, not resources. */
const RESERVED = new Set(['administrativeUnits', 'groups']);
const MAX_PATH = 400;

export interface RegisterScopeInput {
  readonly id: string;
  readonly displayName?: string | null;
  readonly parentId?: string | null;
}

/** Why a path can't be a resource scope, or null when it can. */
export function resourcePathProblem(path: string): string | null {
  if (path.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  if (path === '/' || !isCanonicalScope(path)) return "must be a path of 'type/name' pairs such as '/subscriptions/s1/resourceGroups/rg1'";
  const segments = path.split('/').slice(1);
  if (segments.length % 2 !== 0) return "must be made of 'type/name' pairs (an even number of segments)";
  if (RESERVED.has(segments[0]!)) return `can't start with '/${segments[0]}' (a directory scope)`;
  return null;
}

export async function registerScope(
  deps: { uow: UnitOfWork<'scopes' | 'audit' | 'feed'>; clock: Clock },
  caller: Caller,
  input: RegisterScopeInput,
): Promise<Scope> {
  authorize(caller, PERMISSION.scopesCreate);
  const problem = resourcePathProblem(input.id);
  if (problem) throw new DomainError('Request_BadRequest', `Scope id '${input.id}' ${problem}.`);
  const now = deps.clock.now();
  const segments = input.id.split('/');
  return deps.uow.run(async (tx) => {
    const parentId = input.parentId ?? parentPath(input.id)!;
    if (input.parentId != null && input.parentId !== '/') {
      const parent = await tx.scopes.get(caller.tenantId, input.parentId);
      if (!parent || parent.type !== 'resource')
        throw new DomainError('Request_BadRequest', `parentId '${input.parentId}' is not a registered resource scope.`);
      if ((await scopeAncestors(tx, caller.tenantId, parent.id)).includes(input.id)) {
        throw new DomainError('Request_BadRequest', `parentId '${input.parentId}' is below '${input.id}': the scope would be its own ancestor.`);
      }
    }
    const scope: Scope = {
      tenantId: caller.tenantId,
      id: input.id,
      type: 'resource',
      displayName: input.displayName ?? segments[segments.length - 1]!,
      parentId,
    };
    await tx.scopes.insert(scope);
    await tx.audit.append(
      auditRecord(caller.tenantId, actorOf(caller), caller.correlationId, now, {
        activity: ACTIVITY.resourceScopeAdded,
        category: 'Other',
        operationType: 'Add',
        targets: [{ id: scope.id, displayName: scope.displayName, type: 'Other' }],
        details: { ParentId: parentId },
      }),
    );
    await tx.feed.append(caller.tenantId, 'scope.created', scope.id, { scope });
    return scope;
  });
}
