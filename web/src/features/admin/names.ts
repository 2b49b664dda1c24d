/** How the administration pages name things: role kinds, a group's access, holders, ends. */
import { formatInstant } from '../../lib/time.ts';
import type { GroupAccess } from './policy-api.ts';
import type { Holding, RoleKind } from './roles-api.ts';

export const KIND_LABEL: Record<RoleKind, string> = { directory: 'Directory role', resource: 'Resource role', custom: 'Custom role' };

/** PIM for Groups access, as Entra names it. */
export const ACCESS_LABEL: Record<GroupAccess, string> = { member: 'Member', owner: 'Owner' };

export function holderName(h: Holding): { name: string; detail: string | null; isGroup: boolean } {
  const isGroup = h.principal?.['@odata.type'] === '#microsoft.graph.group';
  const sp = h.principal?.['@odata.type'] === '#microsoft.graph.servicePrincipal';
  return {
    name: h.principal?.displayName ?? h.principalId,
    detail: isGroup ? 'Group' : sp ? 'Service principal' : (h.principal?.userPrincipalName ?? null),
    isGroup,
  };
}

export const endOf = (h: Holding): string | null => h.scheduleInfo.expiration.endDateTime;

export const startLabel = (h: Holding): string => formatInstant(h.scheduleInfo.startDateTime, '—');
export const endLabel = (h: Holding): string => formatInstant(endOf(h));

/** "Activated" / "Assigned" for active ones; how the holder has it for the rest. */
export function memberTypeLabel(h: Holding): string {
  return h.memberType === 'Group' ? 'Through a group' : h.memberType === 'Inherited' ? 'Inherited' : 'Direct';
}
