/**
 * What /openapi.json says about a route's body, turned into a seed: a write route nobody wrote a
 * seed for (fuzz/seeds.ts) still gets near-valid bodies of the right shape.
 *
 * @example
 *   exampleOf({ type: 'object', properties: { code: { type: 'string', pattern: '^\\d{6}$' } }, required: ['code'] })
 *   // → { code: '123456' }
 */
import type { Seed } from './bodies.ts';

type Schema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  default?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
};

/** A plausible value for a JSON schema: enum's first, the default, a string of the minimum length, an object with every property. */
export function exampleOf(schema: Schema | undefined): unknown {
  if (!schema) return null;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const first = schema.oneOf?.[0] ?? schema.anyOf?.find((s) => s.type !== 'null') ?? schema.allOf?.[0];
  if (first && schema.type === undefined) return exampleOf(first);
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? (first?.properties as Record<string, Schema> | undefined) ?? {};
      return Object.fromEntries(Object.entries(props).map(([name, s]) => [name, exampleOf(s)]));
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => exampleOf(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'date-time') return '2026-02-01T00:00:00Z';
      if (schema.pattern === '^\\d{6}$') return '123456';
      if (schema.pattern?.startsWith('^\\/')) return '/fuzz';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

interface Operation {
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: Schema }> };
}

/** A seed per documented operation with a body, by `METHOD /pattern` (`{id}` written `:id`, as Fastify does). */
export function documentedSeeds(paths: Record<string, Record<string, Operation>>): Record<string, Seed> {
  const seeds: Record<string, Seed> = {};
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      if (!type || !media) continue;
      const example = exampleOf(media.schema);
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      seeds[key] =
        type === 'application/x-www-form-urlencoded'
          ? { form: Object.fromEntries(Object.entries(example as Record<string, unknown>).map(([k, v]) => [k, String(v)])), contentType: type }
          : { body: example, contentType: type };
    }
  }
  return seeds;
}
