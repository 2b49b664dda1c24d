/** Graph's unifiedRoleAssignmentScheduleRequest / unifiedRoleEligibilityScheduleRequest, in and out. */
import { z } from 'zod';
import type { SubmitRequestInput } from '../../app/requests/request-input.ts';
import { REQUEST_ACTIONS, type Expiration, type RequestSchedule, type ScheduleKind, type ScheduleRequest } from '../../domain/model.ts';
import { toIso } from '../../domain/time.ts';
import { duration, idString, instant, singleLine } from '../validation.ts';

export const REQUEST_PROPERTIES = [
  'id',
  'status',
  'action',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
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
  'principal',
  'roleDefinition',
] as const;
export const REQUEST_FIELDS = [
  'id',
  'action',
  'status',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'approvalId',
  'targetScheduleId',
  'createdDateTime',
  'completedDateTime',
];

export function expirationShape(e: Expiration) {
  return {
    type: e.type,
    endDateTime: e.type === 'afterDateTime' ? toIso(e.endDateTime) : null,
    duration: e.type === 'afterDuration' ? e.duration : null,
  };
}

export function scheduleInfoShape(s: RequestSchedule, fallbackStart?: number) {
  const start = s.startDateTime ?? fallbackStart ?? null;
  return { startDateTime: start === null ? null : toIso(start), recurrence: null, expiration: expirationShape(s.expiration) };
}

export const requestShape = (q: ScheduleRequest) => ({
  id: q.id,
  status: q.status,
  createdDateTime: toIso(q.createdAt),
  completedDateTime: q.completedAt === null ? null : toIso(q.completedAt),
  approvalId: q.approvalId,
  customData: null,
  action: q.action,
  principalId: q.principalId,
  roleDefinitionId: q.roleDefinitionId,
  directoryScopeId: q.directoryScopeId,
  appScopeId: null,
  isValidationOnly: q.isValidationOnly,
  targetScheduleId: q.targetScheduleId,
  justification: q.justification,
  createdBy: { application: null, device: null, user: { displayName: null, id: q.createdById } },
  scheduleInfo: scheduleInfoShape(q.scheduleInfo, q.createdAt),
  ticketInfo: { ticketNumber: q.ticketInfo.ticketNumber, ticketSystem: q.ticketInfo.ticketSystem },
});

const expirationBody = z.strictObject({
  '@odata.type': z.string().optional(),
  type: z.enum(['notSpecified', 'noExpiration', 'afterDateTime', 'afterDuration']),
  endDateTime: instant.nullish(),
  duration: duration.nullish(),
});

/** What every schedule request body has, whatever it targets (a role at a scope, or a group). */
export const requestCommon = {
  action: z.enum(REQUEST_ACTIONS),
  principalId: idString,
  justification: z.string().max(500).nullish(),
  isValidationOnly: z.boolean().default(false),
  targetScheduleId: idString.nullish(),
  customData: z.string().max(1000).nullish(),
  scheduleInfo: z
    .strictObject({
      '@odata.type': z.string().optional(),
      startDateTime: instant.nullish(),
      recurrence: z.null().optional(),
      expiration: expirationBody.optional(),
    })
    .optional(),
  ticketInfo: z
    .strictObject({
      '@odata.type': z.string().optional(),
      ticketNumber: z.string().max(100).check(singleLine).nullish(),
      ticketSystem: z.string().max(100).check(singleLine).nullish(),
    })
    .optional(),
};

/** An expiration must carry the value its type names. */
export function checkExpiration(
  body: { scheduleInfo?: { expiration?: { type: string; endDateTime?: unknown; duration?: unknown } } },
  ctx: z.RefinementCtx,
): void {
  const e = body.scheduleInfo?.expiration;
  if (e?.type === 'afterDateTime' && !e.endDateTime)
    ctx.addIssue({ code: 'custom', path: ['scheduleInfo', 'expiration', 'endDateTime'], message: "is required when type is 'afterDateTime'" });
  if (e?.type === 'afterDuration' && !e.duration)
    ctx.addIssue({ code: 'custom', path: ['scheduleInfo', 'expiration', 'duration'], message: "is required when type is 'afterDuration'" });
}

export const requestBody = z
  .strictObject({
    ...requestCommon,
    roleDefinitionId: idString,
    directoryScopeId: z.string().min(1).max(400).check(singleLine).default('/'),
    appScopeId: z.string().max(400).check(singleLine).nullish(),
  })
  .superRefine((body, ctx) => {
    checkExpiration(body, ctx);
    if (body.appScopeId && body.appScopeId !== '/') ctx.addIssue({ code: 'custom', path: ['appScopeId'], message: 'app scopes are not supported' });
  });

function expirationOf(e: z.output<typeof expirationBody> | undefined): Expiration {
  switch (e?.type) {
    case 'noExpiration':
      return { type: 'noExpiration' };
    case 'afterDateTime':
      return { type: 'afterDateTime', endDateTime: e.endDateTime! };
    case 'afterDuration':
      return { type: 'afterDuration', duration: e.duration! };
    default:
      return { type: 'notSpecified' };
  }
}

export function toSubmitInput(kind: ScheduleKind, body: Omit<z.output<typeof requestBody>, 'appScopeId'>): SubmitRequestInput {
  return {
    kind,
    action: body.action,
    principalId: body.principalId,
    roleDefinitionId: body.roleDefinitionId,
    directoryScopeId: body.directoryScopeId,
    justification: body.justification ?? null,
    ticketInfo: { ticketNumber: body.ticketInfo?.ticketNumber ?? null, ticketSystem: body.ticketInfo?.ticketSystem ?? null },
    scheduleInfo: { startDateTime: body.scheduleInfo?.startDateTime ?? null, expiration: expirationOf(body.scheduleInfo?.expiration) },
    isValidationOnly: body.isValidationOnly,
    targetScheduleId: body.targetScheduleId ?? null,
  };
}
