/** Graph's role assignment / eligibility schedules and instances, and unifiedRoleAssignment. */
import type { Schedule } from '../../domain/model.ts';
import { toIso } from '../../domain/time.ts';

export const SCHEDULE_FIELDS = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'assignmentType',
  'memberType',
  'createdDateTime',
  'modifiedDateTime',
];
export const INSTANCE_FIELDS = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'assignmentType',
  'memberType',
  'startDateTime',
  'endDateTime',
  'roleAssignmentScheduleId',
  'roleEligibilityScheduleId',
];
export const ASSIGNMENT_FIELDS = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId'];

const scheduleInfo = (s: Schedule) => ({
  startDateTime: toIso(s.startAt),
  recurrence: null,
  expiration:
    s.endAt === null ? { type: 'noExpiration', endDateTime: null, duration: null } : { type: 'afterDateTime', endDateTime: toIso(s.endAt), duration: null },
});

const common = (s: Schedule) => ({
  id: s.id,
  principalId: s.principalId,
  roleDefinitionId: s.roleDefinitionId,
  directoryScopeId: s.directoryScopeId,
  appScopeId: null,
});

export const scheduleShape = (s: Schedule) => ({
  ...common(s),
  createdUsing: s.createdUsing,
  createdDateTime: toIso(s.createdAt),
  modifiedDateTime: toIso(s.modifiedAt),
  status: 'Provisioned',
  ...(s.kind === 'assignment' ? { assignmentType: s.assignmentType } : {}),
  memberType: s.memberType,
  scheduleInfo: scheduleInfo(s),
});

export const instanceShape = (s: Schedule) =>
  s.kind === 'assignment'
    ? {
        ...common(s),
        startDateTime: toIso(s.startAt),
        endDateTime: s.endAt === null ? null : toIso(s.endAt),
        assignmentType: s.assignmentType,
        memberType: s.memberType,
        roleAssignmentOriginId: s.sourceScheduleId ?? s.id,
        roleAssignmentScheduleId: s.id,
      }
    : {
        ...common(s),
        startDateTime: toIso(s.startAt),
        endDateTime: s.endAt === null ? null : toIso(s.endAt),
        memberType: s.memberType,
        roleEligibilityScheduleId: s.id,
      };

export const roleAssignmentShape = (s: Schedule) => ({ ...common(s), condition: null });

export const SCHEDULE_PROPERTIES = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'createdUsing',
  'createdDateTime',
  'modifiedDateTime',
  'status',
  'assignmentType',
  'memberType',
  'scheduleInfo',
  'principal',
  'roleDefinition',
];
export const INSTANCE_PROPERTIES = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'startDateTime',
  'endDateTime',
  'assignmentType',
  'memberType',
  'roleAssignmentOriginId',
  'roleAssignmentScheduleId',
  'roleEligibilityScheduleId',
  'principal',
  'roleDefinition',
];
