/** Graph's unifiedRoleDefinition. */
import { z } from 'zod';
import type { RoleDefinition } from '../../domain/model.ts';
import { singleLine } from '../validation.ts';

export const ROLE_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'isBuiltIn',
  'isEnabled',
  'isPrivileged',
  'resourceScopes',
  'templateId',
  'version',
  'rolePermissions',
] as const;
export const ROLE_FIELDS = ['id', 'templateId', 'displayName', 'isBuiltIn', 'isEnabled', 'isPrivileged'];

export const roleShape = (r: RoleDefinition) => ({
  id: r.id,
  displayName: r.displayName,
  description: r.description,
  isBuiltIn: r.isBuiltIn,
  isEnabled: r.isEnabled,
  isPrivileged: r.isPrivileged,
  resourceScopes: ['/'],
  templateId: r.templateId,
  version: r.version,
  rolePermissions: [{ allowedResourceActions: [...r.allowedActions], excludedResourceActions: [...r.excludedActions], condition: null }],
});

const displayName = z.string().trim().min(1).max(256).check(singleLine);
const description = z.string().max(1024);
const rolePermissions = z
  .array(
    z.strictObject({
      allowedResourceActions: z.array(z.string().max(256).check(singleLine)).min(1).max(500),
      excludedResourceActions: z.array(z.string().max(256).check(singleLine)).max(500).default([]),
      condition: z.null().optional(),
    }),
  )
  .length(1, 'exactly one rolePermissions entry is supported');
/** Accepted as Graph clients send them, and ignored: a custom role's template id is its id, its scope `/`. */
const ignored = {
  templateId: z.string().max(64).check(singleLine).nullish(),
  version: z.string().max(32).check(singleLine).nullish(),
  resourceScopes: z.array(z.literal('/')).max(1).optional(),
};

export const createRoleBody = z.strictObject({
  displayName,
  description: description.default(''),
  isEnabled: z.boolean().default(true),
  ...ignored,
  rolePermissions,
});

/**
 * PATCH: any of the mutable properties; `rolePermissions` replaces both action lists. A role read
 * and sent back may carry its read-only `id` (the URL's), `isBuiltIn` (false) and `isPrivileged`.
 */
export const updateRoleBody = z.strictObject({
  id: z.string().max(200).check(singleLine).optional(),
  isBuiltIn: z.literal(false).optional(),
  isPrivileged: z.boolean().optional(),
  displayName: displayName.optional(),
  description: description.optional(),
  isEnabled: z.boolean().optional(),
  ...ignored,
  rolePermissions: rolePermissions.optional(),
});
