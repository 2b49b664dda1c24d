/** Graph's unifiedRoleDefinition. */
import { z } from 'zod';
import type { RoleDefinition } from '../../domain/model.ts';
import { singleLine } from '../validation.ts';

export const ROLE_PROPERTIES = ['id', 'displayName', 'description', 'isBuiltIn', 'isEnabled', 'isPrivileged', 'resourceScopes', 'templateId', 'version', 'rolePermissions'] as const;
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

export const createRoleBody = z.strictObject({
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  description: z.string().max(1024).default(''),
  isEnabled: z.boolean().default(true),
  templateId: z.string().max(64).check(singleLine).nullish(),
  version: z.string().max(32).check(singleLine).nullish(),
  resourceScopes: z.array(z.literal('/')).max(1).optional(),
  rolePermissions: z.array(z.strictObject({
    allowedResourceActions: z.array(z.string().max(256).check(singleLine)).min(1).max(500),
    excludedResourceActions: z.array(z.string().max(256).check(singleLine)).max(500).default([]),
    condition: z.null().optional(),
  })).length(1, 'exactly one rolePermissions entry is supported'),
});
