/**
 * One fuzzed request for a route: a caller, a URL (real or hostile path parameters, sometimes a
 * hostile query string) and a body (a seed as is, a seed with one thing wrong, or garbage).
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { garbageBody, nearValid, wireOf, type CallerName, type WireBody } from './bodies.ts';
import { hostileQuery, hostileSegment, hostileString } from './hostile.ts';
import { paramsOf, type Route } from './routes.ts';
import type { FuzzWorld } from './world.ts';

export interface FuzzRequest {
  readonly route: string;
  readonly caller: CallerName;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string;
  /** What was done to the body. */
  readonly what: string;
}

/** Bad bearer tokens: garbage, unsigned, a valid signature for nobody, wrong schemes. */
const badAuthorization = (world: FuzzWorld): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      'Bearer not.a.jwt',
      'Bearer ',
      'Bearer',
      'Basic YWRtaW46YWRtaW4=',
      `Bearer ${world.bearer.nobody}`,
      `Bearer ${world.bearer.admin}x`,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
      `Bearer ${'A'.repeat(9000)}`,
      `Bearer ${world.bearer.user.split('.').slice(0, 2).join('.')}.`,
      'Negotiate abc',
    ),
    hostileString.map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
  );

type Who = { caller: CallerName; authorization?: string };

/**
 * Mostly the caller the body was made for (a seed's `as`; by default the administrator, on SCIM
 * routes the SCIM token, which alone gets past their authentication), so near-valid requests get
 * past authorization to the code behind it; otherwise anyone.
 */
function callerArbitrary(world: FuzzWorld, route: Route, intended: CallerName | undefined): fc.Arbitrary<Who> {
  const bearer = (caller: 'admin' | 'user' | 'scim'): fc.Arbitrary<Who> => fc.constant({ caller, authorization: `Bearer ${world.bearer[caller]}` });
  const any: fc.Arbitrary<Who> = fc.oneof(
    bearer('admin'),
    bearer('user'),
    fc.constant({ caller: 'anonymous' as const }),
    badAuthorization(world).map((authorization) => ({ caller: 'badToken' as const, authorization })),
    bearer('scim'),
  );
  const mine = intended ?? (route.path.startsWith('/scim/') ? 'scim' : 'admin');
  const preferred = mine === 'admin' || mine === 'user' || mine === 'scim' ? bearer(mine) : mine === 'anonymous' ? fc.constant<Who>({ caller: mine }) : any;
  return fc.oneof({ weight: 2, arbitrary: preferred }, { weight: 1, arbitrary: any });
}

/** The route's path with each parameter a real value (the body's own, if it names one; mostly) or a hostile segment. */
function urlArbitrary(world: FuzzWorld, route: Route, own: Readonly<Record<string, string>> = {}): fc.Arbitrary<string> {
  const parts = paramsOf(route.path).map((name) =>
    fc.oneof(
      { weight: 4, arbitrary: own[name] !== undefined ? fc.constant(own[name]) : fc.constantFrom(...world.paramValues(route, name)) },
      { weight: 1, arbitrary: hostileSegment },
    ),
  );
  return fc.tuple(...parts).map((values) => {
    let i = 0;
    return route.path.replace(/:(\w+)|\*/g, () => values[i++]!);
  });
}

function bodyArbitrary(world: FuzzWorld, route: Route): fc.Arbitrary<WireBody> {
  const seeds = world.seedsFor(route);
  if (seeds.length === 0) return fc.oneof({ weight: 3, arbitrary: fc.constant<WireBody>({ what: 'no body' }) }, { weight: 2, arbitrary: garbageBody });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...seeds).map((s) => wireOf(s)) },
    { weight: 6, arbitrary: fc.constantFrom(...seeds).chain(nearValid) },
    { weight: 2, arbitrary: garbageBody },
  );
}

export function requestArbitrary(world: FuzzWorld, route: Route): fc.Arbitrary<FuzzRequest> {
  const bodies = route.method === 'GET' ? fc.constant<WireBody>({ what: 'no body' }) : bodyArbitrary(world, route);
  return bodies
    .chain((body) =>
      fc.record({
        body: fc.constant(body),
        who: callerArbitrary(world, route, body.as),
        path: urlArbitrary(world, route, body.params),
        query: fc.option(hostileQuery, { freq: 4 }),
      }),
    )
    .map(({ who, path, query, body }): FuzzRequest => {
      const q = [body.query, query].filter((p) => p !== null && p !== undefined).join('&');
      const request = {
        route: `${route.method} ${route.path}`,
        caller: who.caller,
        method: route.method,
        url: q ? `${path}?${q}` : path,
        headers: {
          ...(who.authorization !== undefined ? { authorization: who.authorization } : {}),
          ...(body.contentType !== undefined && body.payload !== undefined ? { 'content-type': body.contentType } : {}),
          ...body.headers,
        },
        ...(body.payload !== undefined ? { payload: body.payload } : {}),
        what: body.what,
      };
      // How fast-check shows a failing request: a line, not the 40 kB body it may carry.
      return Object.assign(request, { [fc.toStringMethod]: () => `${request.method} ${clip(request.url)} as ${request.caller} (${request.what})` });
    });
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** As app.inject() takes it. */
export const injectOptions = (r: FuzzRequest): InjectOptions => ({
  method: r.method as InjectOptions['method'],
  url: r.url,
  headers: { ...r.headers },
  ...(r.payload !== undefined ? { payload: r.payload } : {}),
});
