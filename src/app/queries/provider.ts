/**
 * Graph serves directory (and resource) roles and PIM for Groups from separate collections over
 * one store (docs/decisions/0007): a provider narrows a listing to its own roles.
 */
import { GROUP_ACCESS_IDS, isGroupRole } from '../../domain/group-access.ts';
import { narrowed, type FilterExpr, type ListQuery } from '../query.ts';

export type Provider = 'directory' | 'group';

const groupRoles: FilterExpr = { op: 'in', field: 'roleDefinitionId', values: GROUP_ACCESS_IDS };

export const ofProvider = (query: ListQuery, provider: Provider): ListQuery =>
  narrowed(query, provider === 'group' ? groupRoles : { op: 'not', expr: groupRoles });

export const isOfProvider = (roleDefinitionId: string, provider: Provider): boolean => isGroupRole(roleDefinitionId) === (provider === 'group');
