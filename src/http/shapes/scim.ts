/**
 * SCIM 2.0 wire shapes (RFC 7643): request bodies as zod schemas — unknown attributes are ignored,
 * not refused, because an IdP sends whatever its attribute mapping names (docs/decisions/0009) —
 * and the User, Group, ListResponse and Error resources OpenPIM answers with.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ProvisionedPrincipal } from '../../app/ports/provisioning.ts';
import { DomainError } from '../../domain/errors.ts';
import type { PrincipalType } from '../../domain/model.ts';
import { primaryEmail, scimBoolean, type PatchOperation, type ScimGroupState, type ScimUserState } from '../../domain/scim/patch.ts';
import { instant, singleLine } from '../validation.ts';

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM attribute OpenPIM keeps is one line. */
const text = (max: number) => z.string().max(max).check(singleLine);
const booleanish = z.union([z.boolean(), z.string()]);

export const scimUserBody = z.object({
  schemas: z.array(z.string()).optional(),
  userName: z.string().trim().min(1).max(256).check(singleLine),
  externalId: text(1024).nullish(),
  displayName: text(256).nullish(),
  name: z.object({ givenName: text(256).nullish(), familyName: text(256).nullish(), formatted: text(512).nullish() }).nullish(),
  emails: z
    .array(z.object({ value: text(320), type: text(64).nullish(), primary: booleanish.nullish() }))
    .max(20)
    .nullish(),
  active: booleanish.optional(),
});

export const scimGroupBody = z.object({
  schemas: z.array(z.string()).optional(),
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  externalId: text(1024).nullish(),
  members: z
    .array(z.object({ value: z.string().min(1).max(200).check(singleLine) }))
    .max(10_000)
    .nullish(),
});

export const scimPatchBody = z.object({
  schemas: z.array(z.string()).optional(),
  Operations: z
    .array(
      z.object({ op: z.string().min(1).max(16).check(singleLine), path: z.string().max(1000).check(singleLine).optional(), value: z.unknown().optional() }),
    )
    .min(1)
    .max(1000),
});

export const scimTokenBody = z.strictObject({
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  endDateTime: instant.nullish(),
});

export const scimListQuery = z.object({
  filter: z.string().max(2000).optional(),
  startIndex: z.coerce.number().int().optional(),
  count: z.coerce.number().int().optional(),
  attributes: z.string().optional(),
  excludedAttributes: z.string().optional(),
});

/** Parses a SCIM body or query; a mismatch is a 400 `invalidValue` naming the attribute. */
export function parseScim<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DomainError('Request_BadRequest', 'The request body must be a JSON object.', { scimType: 'invalidSyntax' });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new DomainError('Request_BadRequest', `Invalid request. ${problems.join('; ')}.`, { scimType: 'invalidValue' });
}

export function userStateFromBody(body: z.output<typeof scimUserBody>): ScimUserState {
  return {
    userName: body.userName,
    displayName: body.displayName ?? body.name?.formatted ?? null,
    givenName: body.name?.givenName ?? null,
    familyName: body.name?.familyName ?? null,
    email: primaryEmail(body.emails ?? null),
    active: body.active === undefined ? true : scimBoolean(body.active, 'active'),
    externalId: body.externalId ?? null,
  };
}

export const groupStateFromBody = (body: z.output<typeof scimGroupBody>): ScimGroupState => ({
  displayName: body.displayName,
  externalId: body.externalId ?? null,
  members: [...new Set((body.members ?? []).map((m) => m.value))],
});

export const patchOperations = (body: z.output<typeof scimPatchBody>): PatchOperation[] => body.Operations;

/** The absolute base of the SCIM endpoints as the client reached them. */
export const scimBase = (req: FastifyRequest): string => `${req.protocol}://${req.host}/scim/v2`;

const meta = (req: FastifyRequest, type: 'User' | 'Group', p: ProvisionedPrincipal) => ({
  resourceType: type,
  created: new Date(p.principal.createdAt).toISOString(),
  location: `${scimBase(req)}/${type}s/${p.principal.id}`,
});

export function scimUser(req: FastifyRequest, p: ProvisionedPrincipal) {
  const { principal, scim } = p;
  return {
    schemas: [SCHEMA.user],
    id: principal.id,
    ...(scim.externalId !== null ? { externalId: scim.externalId } : {}),
    userName: principal.userPrincipalName,
    name: {
      formatted: principal.displayName,
      ...(scim.givenName !== null ? { givenName: scim.givenName } : {}),
      ...(scim.familyName !== null ? { familyName: scim.familyName } : {}),
    },
    displayName: principal.displayName,
    emails: principal.mail ? [{ value: principal.mail, type: 'work', primary: true }] : [],
    active: principal.accountEnabled,
    meta: meta(req, 'User', p),
  };
}

export function scimGroup(req: FastifyRequest, p: ProvisionedPrincipal, members: readonly { id: string; displayName: string; type: PrincipalType }[] | null) {
  return {
    schemas: [SCHEMA.group],
    id: p.principal.id,
    ...(p.scim.externalId !== null ? { externalId: p.scim.externalId } : {}),
    displayName: p.principal.displayName,
    ...(members === null
      ? {}
      : {
          members: members.map((m) => ({
            value: m.id,
            display: m.displayName,
            type: m.type === 'group' ? 'Group' : 'User',
            $ref: `${scimBase(req)}/${m.type === 'group' ? 'Groups' : 'Users'}/${m.id}`,
          })),
        }),
    meta: meta(req, 'Group', p),
  };
}

export const scimList = <T>(resources: readonly T[], total: number, startIndex: number) => ({
  schemas: [SCHEMA.list],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

export interface ScimErrorBody {
  readonly schemas: readonly [typeof SCHEMA.error];
  /** The HTTP status as a string, as RFC 7644 §3.12 has it. */
  readonly status: string;
  readonly scimType?: string;
  readonly detail: string;
}
