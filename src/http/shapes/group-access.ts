/**
 * PIM for Groups in Graph's shapes (privilegedAccessGroup{Assignment,Eligibility}Schedule{Request,,
 * Instance}): `groupId` + `accessId` outside, scope `/groups/{groupId}` + role `member`/`owner`
 * inside (docs/decisions/0007). Enum values are Graph's: lower-case memberType and assignmentType.
 */
import { z } from 'zod';
import type { ParsedListQuery } from '../odata/parse-query.ts';
import type { FilterExpr, FilterValue, OrderBy } from '../../app/query.ts';
import type { SubmitRequestInput } from '../../app/requests/request-input.ts';
import { GROUP_ACCESS_IDS, groupOfScope, groupScope } from '../../domain/group-access.ts';
import type { Schedule, ScheduleKind, ScheduleRequest } from '../../domain/model.ts';
import { toIso } from '../../domain/time.ts';
import { idString } from '../validation.ts';
import { checkExpiration, requestCommon, requestShape, toSubmitInput } from './requests.ts';
import { instanceShape, scheduleShape } from './schedules.ts';

export const GROUP_REQUEST_FIELDS = [
  'id',
  'action',
  'status',
  'principalId',
  'accessId',
  'groupId',
  'approvalId',
  'targetScheduleId',
  'createdDateTime',
  'completedDateTime',
];
export const GROUP_REQUEST_PROPERTIES = [
  'id',
  'status',
  'action',
  'principalId',
  'accessId',
  'groupId',
  'isValidationOnly',
  'targetScheduleId',
  'justification',
  'scheduleInfo',
  'ticketInfo',
  'createdBy',
  'createdDateTime',
  'completedDateTime',
  'approvalId',
  'customData',
];
export const GROUP_SCHEDULE_FIELDS = ['id', 'principalId', 'accessId', 'groupId', 'assignmentType', 'memberType', 'createdDateTime', 'modifiedDateTime'];
export const GROUP_SCHEDULE_PROPERTIES = [
  'id',
  'principalId',
  'accessId',
  'groupId',
  'createdUsing',
  'createdDateTime',
  'modifiedDateTime',
  'status',
  'assignmentType',
  'memberType',
  'scheduleInfo',
];
export const GROUP_INSTANCE_FIELDS = [
  'id',
  'principalId',
  'accessId',
  'groupId',
  'assignmentType',
  'memberType',
  'startDateTime',
  'endDateTime',
  'assignmentScheduleId',
  'eligibilityScheduleId',
];
export const GROUP_INSTANCE_PROPERTIES = [
  'id',
  'principalId',
  'accessId',
  'groupId',
  'startDateTime',
  'endDateTime',
  'assignmentType',
  'memberType',
  'assignmentScheduleId',
  'eligibilityScheduleId',
];

const lower = <T extends string>(value: T | null): Lowercase<T> | null => (value === null ? null : (value.toLowerCase() as Lowercase<T>));

const groupPart = (x: { roleDefinitionId: string; directoryScopeId: string }) => ({
  accessId: x.roleDefinitionId,
  groupId: groupOfScope(x.directoryScopeId),
});

export function groupRequestShape(q: ScheduleRequest) {
  const { roleDefinitionId: _r, directoryScopeId: _d, appScopeId: _a, ...rest } = requestShape(q);
  return { ...rest, ...groupPart(q) };
}

export function groupScheduleShape(s: Schedule) {
  const { roleDefinitionId: _r, directoryScopeId: _d, appScopeId: _a, ...rest } = scheduleShape(s);
  return {
    ...rest,
    ...groupPart(s),
    memberType: lower(s.memberType),
    ...(s.kind === 'assignment' ? { assignmentType: lower(s.assignmentType) } : {}),
  };
}

export function groupInstanceShape(s: Schedule) {
  const base = instanceShape(s);
  return {
    id: base.id,
    principalId: s.principalId,
    ...groupPart(s),
    startDateTime: base.startDateTime,
    endDateTime: s.endAt === null ? null : toIso(s.endAt),
    memberType: lower(s.memberType),
    ...(s.kind === 'assignment' ? { assignmentType: lower(s.assignmentType), assignmentScheduleId: s.id } : { eligibilityScheduleId: s.id }),
  };
}

export const groupRequestBody = z
  .strictObject({
    ...requestCommon,
    accessId: z.enum(GROUP_ACCESS_IDS),
    groupId: idString,
  })
  .superRefine(checkExpiration);

export function toGroupSubmitInput(kind: ScheduleKind, body: z.output<typeof groupRequestBody>): SubmitRequestInput {
  const { accessId, groupId, ...rest } = body;
  return toSubmitInput(kind, { ...rest, roleDefinitionId: accessId, directoryScopeId: groupScope(groupId) });
}

/** Graph's group property names → the store's (and `groupId` values → group scopes). */
const STORE_FIELD: Record<string, string> = {
  accessId: 'roleDefinitionId',
  groupId: 'directoryScopeId',
  assignmentScheduleId: 'id',
  eligibilityScheduleId: 'id',
};

function translate(expr: FilterExpr): FilterExpr {
  switch (expr.op) {
    case 'and':
    case 'or':
      return { ...expr, left: translate(expr.left), right: translate(expr.right) };
    case 'not':
      return { ...expr, expr: translate(expr.expr) };
    case 'in':
      return { ...expr, field: STORE_FIELD[expr.field] ?? expr.field, values: expr.values.map((v) => storeValue(expr.field, v)) };
    default:
      return { ...expr, field: STORE_FIELD[expr.field] ?? expr.field, value: storeValue(expr.field, expr.value) };
  }
}

function storeValue(field: string, value: FilterValue): FilterValue {
  if (typeof value !== 'string') return value;
  if (field === 'groupId') return groupScope(value);
  // memberType and assignmentType are stored as the role API spells them (Direct, Activated).
  if (field === 'memberType' || field === 'assignmentType') return value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}

/** A list query in Graph's group terms, as the store reads it. */
export function groupListQuery(q: ParsedListQuery): ParsedListQuery {
  return {
    ...q,
    filter: q.filter ? translate(q.filter) : undefined,
    orderBy: q.orderBy.map((o): OrderBy => ({ ...o, field: STORE_FIELD[o.field] ?? o.field })),
  };
}
