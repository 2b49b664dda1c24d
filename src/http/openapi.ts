/**
 * Route documentation for /openapi.json. A route's Fastify `schema` built here is documentation
 * only: the app's validator compiler is a no-op (see app.ts), so the zod schema in the handler stays
 * the single validator and its error codes and messages are unchanged (ADR 0004). Routes carry no
 * Fastify `response` schemas, because Fastify would serialize responses with them and could drop
 * fields: what each status code means is written into the operation's description, and put into
 * the document's `responses` (without body schemas) by a per-route swagger transform.
 */
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../app/query.ts';

export type Tag = 'directory' | 'roleManagement' | 'policies' | 'audit' | 'scopes' | 'groups' | 'identity';

/** The document's tag list, in display order. */
export const TAGS: readonly { name: Tag; description: string }[] = [
  { name: 'directory', description: 'Users, groups, group membership and administrative units.' },
  { name: 'roleManagement', description: 'Role definitions, assignment and eligibility requests, schedules and instances.' },
  { name: 'policies', description: 'Role management policies, their rules, and policy assignments.' },
  { name: 'scopes', description: 'Registered resource scopes: the tree resource roles are assigned in.' },
  { name: 'groups', description: 'PIM for Groups: eligible and active membership and ownership of groups.' },
  { name: 'identity', description: 'Sign-in, step-up, the OAuth token endpoint, authentication methods, passwords and service principal secrets.' },
  { name: 'audit', description: 'The tamper-evident audit trail.' },
];

type JsonSchema = Record<string, unknown>;

export type ODataOption = '$filter' | '$orderby' | '$top' | '$skip' | '$skiptoken' | '$count' | '$select' | '$expand';

export interface RouteDoc {
  readonly summary: string;
  readonly tags: readonly Tag[];
  /** What each status code means here, e.g. `{ 200: 'The user.', 404: '…' }`. Errors common to every route are added. */
  readonly responses: Readonly<Record<number, string>>;
  /** Prose put before the list of status codes. */
  readonly notes?: string;
  /** Path parameters: name → description. */
  readonly params?: Readonly<Record<string, string>>;
  /** OData query options this route reads: option → description (see listQuery, entityQuery). */
  readonly query?: Readonly<Partial<Record<ODataOption, string>>>;
  /** The request body: the zod schema the handler parses with, or a hand-written JSON schema. */
  readonly body?: z.ZodType | JsonSchema;
  /** Served without a bearer token (sign-in, the token endpoint): no security requirement, no generic 401/403. */
  readonly public?: boolean;
  /** Content types of the body, when not JSON (the token endpoint takes a form). */
  readonly consumes?: readonly string[];
  /** The error body's schema, when not Graph's (the token endpoint answers RFC 6749 errors). */
  readonly errorSchema?: 'GraphError' | 'OAuthError';
}

const COMMON_ERRORS =
  'Errors come in Graph\'s shape `{"error": {"code", "message", "innerError": {"date", "request-id"}}}`. ' +
  'A missing, expired or invalid bearer token (or session cookie, or a token whose session was signed out) is a 401 `InvalidAuthenticationToken`; ' +
  "a request made with the session cookie that changes something and lacks the session's `X-CSRF-Token` is a 403 `InvalidCsrfToken`; " +
  'a caller without the needed permission gets a 403 `Authorization_RequestDenied`.';
const PUBLIC_ERRORS = 'No bearer token is needed. Errors come in Graph\'s shape `{"error": {"code", "message", "innerError": {"date", "request-id"}}}`.';
const BODY_ERRORS =
  'the body is not valid JSON, not a JSON object, or does not match the schema (unknown properties are refused); a body over the size limit is `RequestBodyTooLarge`.';
const QUERY_ERRORS = 'A malformed OData option (`Request_BadRequest`) or an unsupported property or option (`Request_UnsupportedQuery`).';

const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** The OData options of a collection: `fields` may be filtered and ordered on, `expandable` expanded. */
export function listQuery(fields: readonly string[], expandable: readonly string[] = []): Partial<Record<ODataOption, string>> {
  return {
    $filter: `Comparisons (eq, ne, gt, ge, lt, le), in lists, and, or, not and parentheses over ${list(fields)}.`,
    $orderby: `Comma-separated properties, each optionally followed by asc or desc; any of ${list(fields)}.`,
    $top: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
    $skip: 'Items to skip (not with $skiptoken).',
    $skiptoken: 'Continuation token, as found in @odata.nextLink.',
    $count: 'true to include @odata.count.',
    $select: 'Comma-separated properties to return.',
    ...(expandable.length > 0 ? { $expand: `Navigation properties to include: ${list(expandable)}.` } : {}),
  };
}

/** The OData options of a single entity. */
export function entityQuery(expandable: readonly string[] = []): Partial<Record<ODataOption, string>> {
  return {
    $select: 'Comma-separated properties to return.',
    ...(expandable.length > 0 ? { $expand: `Navigation properties to include: ${list(expandable)}.` } : {}),
  };
}

/** A zod schema as the JSON schema of what a client may send (refinements and transforms are not represented). */
export function bodySchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
}

const strings = (entries: Readonly<Record<string, string>>, required: boolean): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(entries).map(([name, description]) => [name, { type: 'string', description }])),
  ...(required ? { required: Object.keys(entries) } : {}),
});

/** Graph's error body, registered once with the app (see app.ts) and referenced by every error response. */
export const GRAPH_ERROR_SCHEMA = {
  $id: 'GraphError',
  title: 'GraphError',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        innerError: { type: 'object', properties: { date: { type: 'string' }, 'request-id': { type: 'string' } } },
      },
    },
  },
};
/** RFC 6749 §5.2's error body, used by the token endpoint. */
export const OAUTH_ERROR_SCHEMA = {
  $id: 'OAuthError',
  title: 'OAuthError',
  type: 'object',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  required: ['error'],
};
const GENERIC: Readonly<Record<number, string>> = {
  401: '`InvalidAuthenticationToken`: the bearer token is missing, expired or invalid.',
  403: '`Authorization_RequestDenied`: the caller lacks the needed permission.',
};

/** The document's `responses`, one per status code: descriptions and, for errors, Graph's error shape. */
function responsesOf(codes: readonly (readonly [number, string])[], generic = true, errorSchema = 'GraphError'): Record<string, JsonSchema> {
  const texts = new Map<number, string[]>();
  for (const [code, text] of [...codes, ...(generic ? Object.entries(GENERIC) : []).map(([c, t]) => [Number(c), t] as const)]) {
    if (code in GENERIC && texts.has(code) && text === GENERIC[code]) continue;
    texts.set(code, [...(texts.get(code) ?? []), text]);
  }
  return Object.fromEntries(
    [...texts]
      .sort(([a], [b]) => a - b)
      .map(([code, lines]) => {
        const description = lines.join(' ');
        if (code >= 400) return [String(code), { $ref: `${errorSchema}#`, description }];
        return [String(code), code === 204 ? { type: 'null', description } : { type: 'object', 'x-response-description': description }];
      }),
  );
}

type SwaggerRoute = { schema: FastifySchema; url: string };
export interface DocOptions {
  readonly schema: FastifySchema;
  readonly config: { readonly swaggerTransform: (route: SwaggerRoute) => SwaggerRoute };
}

/**
 * Route options carrying the documentation: `app.get(path, doc({ … }), handler)`. The status codes
 * reach the document's `responses` through a swagger transform, never Fastify's `schema.response`.
 */
export function doc(d: RouteDoc): DocOptions {
  const codes: [number, string][] = Object.entries(d.responses).map(([code, text]) => [Number(code), text]);
  if (d.body && !d.consumes)
    codes.push([400, `\`Request_BadRequest\`: ${BODY_ERRORS}`], [415, '`Request_BadRequest`: the body is not sent as application/json.']);
  if (d.query) codes.push([400, QUERY_ERRORS]);
  // A stable sort: a route's own text for a code comes before the generic ones.
  codes.sort(([a], [b]) => a - b);
  const lines = codes.map(([code, text]) => `- **${code}** ${text}`);
  const common = d.errorSchema === 'OAuthError' ? null : d.public ? PUBLIC_ERRORS : COMMON_ERRORS;
  const description = [d.notes, lines.join('\n'), common].filter(Boolean).join('\n\n');

  const schema: FastifySchema & Record<string, unknown> = { summary: d.summary, tags: [...d.tags], description };
  if (d.params) schema.params = strings(d.params, true);
  if (d.query) schema.querystring = strings(d.query as Record<string, string>, false);
  if (d.body) schema.body = d.body instanceof z.ZodType ? bodySchema(d.body) : d.body;
  if (d.consumes) schema.consumes = [...d.consumes];
  if (d.public) schema.security = [];
  const response = responsesOf(codes, !d.public, d.errorSchema ?? 'GraphError');
  return { schema, config: { swaggerTransform: (route) => ({ schema: { ...route.schema, response }, url: route.url }) } };
}

/** Documentation-only schemas: every request part passes, and is left exactly as it was parsed. */
export const noValidation = () => () => true;

/**
 * Route options for a wildcard route (`/openpim/scopes/*`) documented under a named parameter
 * (`/openpim/scopes/{path}`): Fastify matches the wildcard, the document shows the name.
 */
export function documentedAs(d: DocOptions, url: string): DocOptions {
  const transform = d.config.swaggerTransform;
  return { ...d, config: { swaggerTransform: (route) => ({ ...transform(route), url }) } };
}
