/**
 * Request bodies: near-valid ones (a valid seed with exactly one thing wrong, so the request gets
 * past the parts that are right and reaches the code behind them) and garbage (random JSON, text
 * that is not JSON, the wrong content type, too much of it).
 */
import fc from 'fast-check';
import { anyString, HOSTILE_DURATIONS, HOSTILE_INSTANTS, hostileString, hostileValue } from './hostile.ts';

/** Who calls: the bootstrap Global Administrator, an ordinary user, nobody, a bad token, a SCIM token. */
export type CallerName = 'admin' | 'user' | 'anonymous' | 'badToken' | 'scim';

/** A valid request for a route, as a starting point: a JSON body or a form, and what goes with it. */
export interface Seed {
  /** Who the request is valid for (default: the administrator; on /scim/v2 the SCIM token). */
  readonly as?: CallerName;
  /** Path parameters the body goes with (a rule's id for its type), by name. */
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  /** Default: application/json for a body, application/x-www-form-urlencoded for a form. */
  readonly contentType?: string;
  /** Without `?`. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What goes on the wire, and a line saying what was done to it. */
export interface WireBody {
  readonly as?: CallerName;
  readonly params?: Readonly<Record<string, string>>;
  readonly payload?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly what: string;
}

type Path = readonly (string | number)[];

/** Every place in a JSON value: the root, each property and each array item. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  return here;
}

const getAt = (value: unknown, path: Path): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);

/** A copy of `value` with the thing at `path` replaced by `f(thing)` (or removed when f returns `REMOVE`). */
const REMOVE = Symbol('remove');
function updateAt(value: unknown, path: Path, f: (old: unknown) => unknown): unknown {
  if (path.length === 0) return f(value);
  const [key, ...rest] = path;
  if (Array.isArray(value)) {
    const next = updateAt(value[key as number], rest, f);
    return next === REMOVE ? value.filter((_, i) => i !== key) : value.map((v, i) => (i === key ? next : v));
  }
  const copy = { ...(value as Record<string, unknown>) };
  const next = updateAt(copy[key as string], rest, f);
  if (next === REMOVE) delete copy[key as string];
  else copy[key as string] = next;
  return copy;
}

const show = (v: unknown): string => {
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 80 ? `${text.slice(0, 77)}…(${text.length})` : text;
};

const DATE_LIKE = /^\d{4}-\d\d-\d\d/;
const DURATION_LIKE = /^P(?:\d|T\d)/;
const isLeaf = (v: unknown) => v === null || typeof v !== 'object';
const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{ ...o, [k]: v }`, built by JSON.parse so that "__proto__" is an own property, as in a client's body (a spread would set the prototype). */
const withKey = (o: object, k: string, v: unknown): unknown =>
  JSON.parse(`{${[...Object.entries(o), [k, v]].map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`);

const extraKey = fc.constantFrom('extra', '__proto__', 'constructor', '@odata.type', '@odata.id', '', ' ', 'id', 'ID', '\u0000', 'x'.repeat(300));

type Mutation = { body: unknown; what: string };

/**
 * Kinds of mutation, each applying to some places of a body. The kind is chosen first, among those
 * the seed has a place for, so a seed's one duration gets a far-future duration as often as its ten
 * strings together get control characters — the rare fields are where the arithmetic is.
 */
const KINDS: readonly { applies: (v: unknown) => boolean; mutate: (body: unknown, path: Path, name: string) => fc.Arbitrary<Mutation> }[] = [
  // An instant where an instant goes: far future, far past, malformed.
  {
    applies: (v) => typeof v === 'string' && DATE_LIKE.test(v),
    mutate: (b, p, n) => fc.constantFrom(...HOSTILE_INSTANTS).map((v) => ({ body: updateAt(b, p, () => v), what: `${n} := ${show(v)}` })),
  },
  // A duration where a duration goes: beyond any date, negative, fractional, malformed.
  {
    applies: (v) => typeof v === 'string' && DURATION_LIKE.test(v),
    mutate: (b, p, n) => fc.constantFrom(...HOSTILE_DURATIONS).map((v) => ({ body: updateAt(b, p, () => v), what: `${n} := ${show(v)}` })),
  },
  // A hostile string where a string goes: control characters, odd Unicode, great length.
  { applies: (v) => typeof v === 'string', mutate: (b, p, n) => hostileString.map((v) => ({ body: updateAt(b, p, () => v), what: `${n} := ${show(v)}` })) },
  // Anything where a value goes: wrong types, edge numbers, null, nesting.
  { applies: isLeaf, mutate: (b, p, n) => hostileValue.map((v) => ({ body: updateAt(b, p, () => v), what: `${n} := ${show(v)}` })) },
  // The shape: a property removed, a value nulled or wrapped in an array, an extra property.
  {
    applies: () => true,
    mutate: (b, p, n) =>
      fc.oneof(
        ...(p.length > 0 ? [fc.constant({ body: updateAt(b, p, () => REMOVE), what: `${n} removed` })] : []),
        fc.constant({ body: updateAt(b, p, () => null), what: `${n} := null` }),
        fc.constant({ body: updateAt(b, p, (v) => [v]), what: `${n} wrapped in an array` }),
        ...(isObject(getAt(b, p))
          ? [
              fc
                .tuple(extraKey, hostileValue)
                .map(([k, v]) => ({ body: updateAt(b, p, (o) => withKey(o as object, k, v)), what: `${n}.${JSON.stringify(k)} added := ${show(v)}` })),
            ]
          : []),
      ),
  },
];

/** A seed's JSON body with one thing changed (KINDS). */
export function mutateJson(body: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(body);
  const kinds = KINDS.map((kind) => ({ kind, at: paths.filter((p) => kind.applies(getAt(body, p))) })).filter((k) => k.at.length > 0);
  return fc
    .constantFrom(...kinds)
    .chain(({ kind, at }) => fc.constantFrom(...at).chain((path) => kind.mutate(body, path, path.length === 0 ? 'body' : path.join('.'))));
}

/** A form with one field changed, removed, repeated, or one added. */
export function mutateForm(form: Readonly<Record<string, string>>): fc.Arbitrary<{ entries: [string, string][]; what: string }> {
  const entries = Object.entries(form);
  const keys = entries.map(([k]) => k);
  const withValue = (key: string, v: string): [string, string][] => entries.map(([k, old]) => [k, k === key ? v : old]);
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...keys), fc.oneof(hostileString, fc.constantFrom(...HOSTILE_INSTANTS)))
      .map(([k, v]) => ({ entries: withValue(k, v), what: `${k} := ${show(v)}` })),
    fc.constantFrom(...keys).map((k) => ({ entries: entries.filter(([key]) => key !== k), what: `${k} removed` })),
    fc.constantFrom(...keys).map((k) => ({ entries: [...entries, [k, form[k]!] as [string, string]], what: `${k} repeated` })),
    fc
      .tuple(fc.constantFrom('extra', 'grant_type', 'client_assertion', 'client_assertion_type', 'code', 'scope', ''), hostileString)
      .map(([k, v]) => ({ entries: [...entries, [k, v] as [string, string]], what: `${JSON.stringify(k)} added := ${show(v)}` })),
  );
}

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/scim+json',
  'APPLICATION/JSON',
  'application/json;;',
  'application/jsonx',
  '*/*',
  '',
] as const;

const NOT_JSON = [
  '{',
  '{"a":',
  '[',
  'nul',
  "{'a':1}",
  '{"a":1,}',
  '\u0000',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '{"a":1,"a":2}',
  '1e999',
  '-',
  '""',
  'true',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  '{"__proto__":{"polluted":true}}',
  'a=1&b=2',
] as const;

/** Bodies that are not what any route wants. */
export const garbageBody: fc.Arbitrary<WireBody> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json', what: 'random JSON' })),
  fc.constantFrom(...NOT_JSON).map((text) => ({ payload: text, contentType: 'application/json', what: `not JSON: ${show(text)}` })),
  anyString(60).map((text) => ({ payload: text, contentType: 'application/json', what: `random text: ${show(text)}` })),
  fc.constantFrom(...CONTENT_TYPES).map((type) => ({ payload: '{"a":1}', contentType: type, what: `content type ${show(type)}` })),
  fc.constant({ payload: '', contentType: 'application/json', what: 'empty body' }),
  // Over the harness's 64 KiB limit.
  fc.constant({ payload: JSON.stringify({ displayName: 'x'.repeat(70_000) }), contentType: 'application/json', what: 'a body over the size limit' }),
);

/** A seed as sent, unchanged. */
export function wireOf(seed: Seed, what = 'valid seed'): WireBody {
  const keep = { as: seed.as, params: seed.params, headers: seed.headers, query: seed.query, what };
  if (seed.form)
    return {
      ...keep,
      payload: new URLSearchParams(Object.entries(seed.form)).toString(),
      contentType: seed.contentType ?? 'application/x-www-form-urlencoded',
    };
  if (seed.body !== undefined) return { ...keep, payload: JSON.stringify(seed.body), contentType: seed.contentType ?? 'application/json' };
  return keep;
}

/** A seed sent as it is, with one thing wrong, or in the wrong content type. */
export function nearValid(seed: Seed): fc.Arbitrary<WireBody> {
  const keep = { as: seed.as, params: seed.params, headers: seed.headers, query: seed.query };
  if (seed.form) {
    return mutateForm(seed.form).map(({ entries, what }) => ({
      ...keep,
      payload: new URLSearchParams(entries).toString(),
      contentType: seed.contentType ?? 'application/x-www-form-urlencoded',
      what,
    }));
  }
  if (seed.body === undefined) return fc.constant(wireOf(seed));
  return mutateJson(seed.body).map(({ body, what }) => ({
    ...keep,
    payload: JSON.stringify(body) ?? 'null',
    contentType: seed.contentType ?? 'application/json',
    what,
  }));
}
