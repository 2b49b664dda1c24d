/** Graph's user and group shapes. */
import { z } from 'zod';
import type { Principal } from '../../domain/model.ts';
import { toIso } from '../../domain/time.ts';
import { singleLine } from '../validation.ts';

export const USER_PROPERTIES = ['id', 'displayName', 'userPrincipalName', 'mail', 'accountEnabled', 'createdDateTime'] as const;
export const GROUP_PROPERTIES = [
  'id',
  'displayName',
  'description',
  'mailNickname',
  'securityEnabled',
  'mailEnabled',
  'groupTypes',
  'isAssignableToRole',
  'createdDateTime',
] as const;
export const DIRECTORY_OBJECT_FIELDS = ['id', 'displayName', 'userPrincipalName', 'mail', 'accountEnabled', 'isAssignableToRole', 'createdDateTime'];

export const userShape = (p: Principal) => ({
  '@odata.type': '#microsoft.graph.user',
  id: p.id,
  displayName: p.displayName,
  userPrincipalName: p.userPrincipalName,
  mail: p.mail,
  accountEnabled: p.accountEnabled,
  createdDateTime: toIso(p.createdAt),
});

export const groupShape = (p: Principal) => ({
  '@odata.type': '#microsoft.graph.group',
  id: p.id,
  displayName: p.displayName,
  description: p.description,
  mailNickname: null,
  securityEnabled: true,
  mailEnabled: false,
  groupTypes: [] as string[],
  isAssignableToRole: p.isAssignableToRole,
  createdDateTime: toIso(p.createdAt),
});

const servicePrincipalShape = (p: Principal) => ({ '@odata.type': '#microsoft.graph.servicePrincipal', id: p.id, displayName: p.displayName });

export const directoryObjectShape = (p: Principal) => (p.type === 'user' ? userShape(p) : p.type === 'group' ? groupShape(p) : servicePrincipalShape(p));

export const createUserBody = z.strictObject({
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  userPrincipalName: z.string().trim().min(3).max(113).check(singleLine),
  mail: z.string().trim().max(256).check(singleLine).nullish(),
  accountEnabled: z.boolean().default(true),
  mailNickname: z.string().max(64).check(singleLine).nullish(),
  passwordProfile: z.object({ password: z.string().optional(), forceChangePasswordNextSignIn: z.boolean().optional() }).nullish(),
  givenName: z.string().max(64).check(singleLine).nullish(),
  surname: z.string().max(64).check(singleLine).nullish(),
  jobTitle: z.string().max(128).check(singleLine).nullish(),
});

export const createGroupBody = z.strictObject({
  displayName: z.string().trim().min(1).max(256).check(singleLine),
  description: z.string().max(1024).nullish(),
  mailNickname: z.string().max(64).check(singleLine).nullish(),
  mailEnabled: z.literal(false).default(false),
  securityEnabled: z.literal(true).default(true),
  groupTypes: z.array(z.string()).max(0, 'only security groups are supported').default([]),
  isAssignableToRole: z.boolean().default(false),
});

/** `{"@odata.id": "https://…/directoryObjects/{id}"}` → the id. */
export const memberRefBody = z.strictObject({ '@odata.id': z.string().min(1).max(1000).check(singleLine) });
export const refId = (odataId: string): string =>
  odataId
    .replace(/\/+$/, '')
    .split('/')
    .pop()!
    .replace(/^.*\('?([^')]+)'?\)$/, '$1');
