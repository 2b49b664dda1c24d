/** What a schedule request asks for, as the HTTP layer (or any client of the use case) gives it. */
import type { RequestAction, RequestSchedule, ScheduleKind, TicketInfo } from '../../domain/model.ts';

export interface SubmitRequestInput {
  readonly kind: ScheduleKind;
  readonly action: RequestAction;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly justification: string | null;
  readonly ticketInfo: TicketInfo;
  readonly scheduleInfo: RequestSchedule;
  readonly isValidationOnly: boolean;
  readonly targetScheduleId: string | null;
}
