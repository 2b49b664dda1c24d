/** Graph's directoryAudit. */
import type { AuditEvent } from '../../domain/audit/event.ts';
import { toIso } from '../../domain/time.ts';

export const AUDIT_PROPERTIES = [
  'id',
  'category',
  'correlationId',
  'result',
  'resultReason',
  'activityDisplayName',
  'activityDateTime',
  'loggedByService',
  'operationType',
  'initiatedBy',
  'targetResources',
  'additionalDetails',
] as const;
export const AUDIT_FIELDS = ['id', 'activityDateTime', 'activityDisplayName', 'category', 'operationType', 'result', 'correlationId', 'initiatedBy/user/id'];

export const auditShape = (e: AuditEvent) => ({
  id: e.id,
  category: e.category,
  correlationId: e.correlationId,
  result: e.result,
  resultReason: e.resultReason ?? '',
  activityDisplayName: e.activity,
  activityDateTime: toIso(e.activityAt),
  loggedByService: e.category === 'RoleManagement' || e.category === 'Policy' ? 'PIM' : 'Core Directory',
  operationType: e.operationType,
  initiatedBy:
    e.initiatedBy.type === 'user'
      ? {
          app: null,
          user: {
            id: e.initiatedBy.id,
            displayName: e.initiatedBy.displayName,
            userPrincipalName: e.initiatedBy.userPrincipalName,
            ipAddress: e.initiatedBy.ipAddress ?? null,
          },
        }
      : { user: null, app: { appId: null, displayName: e.initiatedBy.displayName, servicePrincipalId: e.initiatedBy.id, servicePrincipalName: null } },
  targetResources: e.targets.map((t) => ({
    id: t.id,
    displayName: t.displayName,
    type: t.type,
    userPrincipalName: t.userPrincipalName ?? null,
    groupType: null,
    modifiedProperties: t.modifiedProperties ?? [],
  })),
  // Graph's appIdentity has no address: an application's is an additional detail (docs/api.md).
  additionalDetails: [
    ...Object.entries(e.details).map(([key, value]) => ({ key, value })),
    ...(e.initiatedBy.type !== 'user' && e.initiatedBy.ipAddress ? [{ key: 'ipAddress', value: e.initiatedBy.ipAddress }] : []),
  ],
});
