/**
 * Graph's navigation properties of PIM requests, schedules, instances and role assignments, read
 * the same way whether addressed as a path (`…/{id}/principal`) or expanded (`$expand=principal`):
 * `principal`, `roleDefinition`, `directoryScope` (an administrative unit, else null), `appScope`
 * (always null: OpenPIM has no app scopes), `activatedUsing` (the eligibility an activation came
 * from), `targetSchedule` (the schedule a request created or acted on) and, for PIM for Groups, `group`.
 * Linked entities are read by id within the caller's tenant: whoever may see the item sees what it names.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../../app/caller.ts';
import type { Provider } from '../../app/queries/provider.ts';
import { DomainError } from '../../domain/errors.ts';
import { groupOfScope } from '../../domain/group-access.ts';
import type { Schedule, ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import { entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, type Tag } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import { groupInstanceShape, groupScheduleShape } from '../shapes/group-access.ts';
import { directoryObjectShape, groupShape } from '../shapes/principals.ts';
import { roleShape } from '../shapes/roles.ts';
import { instanceShape, scheduleShape } from '../shapes/schedules.ts';

/** The read side of the store, as the routes have it. */
type Read = HttpDeps['uow']['read'];

export type Navigation = 'principal' | 'roleDefinition' | 'directoryScope' | 'appScope' | 'activatedUsing' | 'targetSchedule' | 'group';

/** What an item is: its navigations depend on it. `assignment` is Graph's unifiedRoleAssignment. */
export type ItemView = 'schedules' | 'instances' | 'expired' | 'requests' | 'roleAssignments';

/** The navigation properties Graph gives an item of this collection. */
export function navigationsOf(provider: Provider, kind: ScheduleKind, view: ItemView): Navigation[] {
  const activated: Navigation[] = kind === 'assignment' && view !== 'roleAssignments' ? ['activatedUsing'] : [];
  const target: Navigation[] = view === 'requests' ? ['targetSchedule'] : [];
  return provider === 'group'
    ? ['principal', 'group', ...activated, ...target]
    : ['principal', 'roleDefinition', 'directoryScope', 'appScope', ...activated, ...target];
}

const DESCRIPTIONS: Readonly<Record<Navigation, string>> = {
  principal: 'the user, group or service principal it is for',
  roleDefinition: 'the role definition',
  directoryScope: 'the administrative unit it is scoped to (404 at `/` and at resource scopes, which are no directory objects)',
  appScope: 'its app scope (always 404: OpenPIM has no app scopes)',
  activatedUsing: 'the eligibility it was activated from (404 when it was not activated)',
  targetSchedule: 'the schedule the request created or acted on (404 when there is none)',
  group: 'the group',
};

type Item = Schedule | ScheduleRequest;
const isRequest = (item: Item): item is ScheduleRequest => 'action' in item;

/**
 * Reads navigations for one caller; linked rows are read once per resolver (one list page or one
 * entity), whatever the number of items that name them.
 */
export function navigator(read: Read, caller: Caller, provider: Provider, view: ItemView) {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key) as Promise<T>;
  };
  const tenantId = caller.tenantId;
  const principal = (id: string) => once(`p:${id}`, () => read.principals.get(tenantId, id));
  const schedule = (id: string | null) => (id === null ? Promise.resolve(null) : once(`s:${id}`, () => read.schedules.get(tenantId, id)));
  const shapeSchedule = (s: Schedule | null, asInstance: boolean): object | null => {
    if (!s) return null;
    if (provider === 'group') return asInstance ? groupInstanceShape(s) : groupScheduleShape(s);
    return asInstance ? instanceShape(s) : scheduleShape(s);
  };

  return async function resolve(item: Item, name: Navigation): Promise<object | null> {
    switch (name) {
      case 'principal': {
        const p = await principal(item.principalId);
        return p ? directoryObjectShape(p) : null;
      }
      case 'roleDefinition': {
        const r = await once(`r:${item.roleDefinitionId}`, () => read.roles.get(tenantId, item.roleDefinitionId));
        return r ? roleShape(r) : null;
      }
      case 'group': {
        const id = groupOfScope(item.directoryScopeId);
        const g = id ? await principal(id) : null;
        return g && g.type === 'group' ? groupShape(g) : null;
      }
      case 'directoryScope': {
        if (!item.directoryScopeId.startsWith('/administrativeUnits/')) return null;
        const s = await once(`d:${item.directoryScopeId}`, () => read.scopes.get(tenantId, item.directoryScopeId));
        return s
          ? {
              '@odata.type': '#microsoft.graph.administrativeUnit',
              id: s.id.split('/').pop()!,
              displayName: s.displayName,
              description: null,
              visibility: null,
            }
          : null;
      }
      case 'appScope':
        return null;
      case 'targetSchedule':
        return isRequest(item) ? shapeSchedule(await schedule(item.targetScheduleId), false) : null;
      case 'activatedUsing': {
        const activation = isRequest(item) ? await schedule(item.targetScheduleId) : item;
        if (!activation || activation.kind !== 'assignment') return null;
        return shapeSchedule(await schedule(activation.sourceScheduleId), view === 'instances');
      }
    }
  };
}

/** `$expand` of navigations: the expanded properties of each item, in order. */
export function expander(read: Read, caller: Caller, provider: Provider, view: ItemView) {
  return async (items: readonly Item[], names: readonly string[]): Promise<Record<string, unknown>[]> => {
    const resolve = navigator(read, caller, provider, view);
    const out: Record<string, unknown>[] = [];
    for (const item of items) {
      const extra: Record<string, unknown> = {};
      for (const name of names) extra[name] = await resolve(item, name as Navigation);
      out.push(extra);
    }
    return out;
  };
}

export interface NavigationRoutes<T extends Item> {
  readonly base: string;
  readonly set: string;
  readonly noun: string;
  readonly tags: readonly Tag[];
  readonly provider: Provider;
  readonly view: ItemView;
  readonly navigations: readonly Navigation[];
  /** The item as the caller may see it (404 otherwise). */
  readonly get: (req: FastifyRequest<{ Params: { id: string } }>) => Promise<T>;
}

/** `GET {base}/{id}/{navigation}` for each navigation: the linked entity, or 404 when there is none. */
export function navigationRoutes<T extends Item>(app: FastifyInstance, deps: Pick<HttpDeps, 'uow'>, r: NavigationRoutes<T>): void {
  for (const name of r.navigations) {
    app.get<{ Params: { id: string } }>(
      `${r.base}/:id/${name}`,
      doc({
        summary: `Get the ${name} of a ${r.noun}`,
        tags: r.tags,
        params: { id: `The ${r.noun} id.` },
        query: { $select: 'Comma-separated properties to return.' },
        responses: {
          200: `The ${name}: ${DESCRIPTIONS[name]}.`,
          404: `\`Request_ResourceNotFound\`: no ${r.noun} the caller may see has this id, or it has no ${name}.`,
        },
      }),
      async (req) => {
        const q = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
        const item = await r.get(req);
        const value = await navigator(deps.uow.read, req.caller, r.provider, r.view)(item, name);
        if (!value) throw new DomainError('Request_ResourceNotFound', `The ${r.noun} '${req.params.id}' has no ${name}.`);
        return entity(req, `${r.set}('${req.params.id}')/${name}`, value, q.select);
      },
    );
  }
}
