/** A request's facts as an approver reads them, one term per line (stacked at phone width). */
import { Badge, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { formatInstant } from '../../lib/time.ts';
import type { ApprovableRequest } from './api.ts';
import { actionLabel, type Names } from './names.ts';
import { requestedWindow, ticketOf } from './window.ts';

const useStyles = makeStyles({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: '24px',
    rowGap: '8px',
    margin: 0,
    '@media (max-width: 600px)': { gridTemplateColumns: 'minmax(0, 1fr)', rowGap: '2px' },
  },
  term: {
    color: tokens.colorNeutralForeground3,
    fontWeight: tokens.fontWeightSemibold,
    '@media (max-width: 600px)': { marginTop: '8px' },
  },
  value: { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

function Fact({ term, children }: { term: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <>
      <dt className={styles.term}>{term}</dt>
      <dd className={styles.value}>{children}</dd>
    </>
  );
}

/**
 * Every fact of the request, and its status when given. `schedule: false` leaves out the window and
 * the request time (a one-click link describes the request without them).
 */
export function RequestFacts({
  request,
  names,
  status,
  schedule = true,
}: {
  request: ApprovableRequest;
  names: Names;
  status?: ReactNode;
  schedule?: boolean;
}) {
  const styles = useStyles();
  const who = names.requester(request);
  const window = requestedWindow(request);
  const ticket = ticketOf(request);
  return (
    <dl className={styles.list}>
      <Fact term="Requester">
        {who.displayName}
        {who.detail && <Text className={styles.muted}> ({who.detail})</Text>}
      </Fact>
      <Fact term="Asks to">{actionLabel(request.action, request.kind)}</Fact>
      <Fact term={request.provider === 'group' ? 'Group access' : 'Role'}>{names.role(request)}</Fact>
      <Fact term="Scope">{names.scope(request)}</Fact>
      <Fact term="Justification">{request.justification ?? <span className={styles.muted}>None given</span>}</Fact>
      <Fact term="Ticket">{ticket ?? <span className={styles.muted}>None</span>}</Fact>
      {schedule && (
        <>
          <Fact term="Starts">{window.start}</Fact>
          <Fact term="Lasts">{window.length}</Fact>
          <Fact term="Requested">{formatInstant(request.createdDateTime)}</Fact>
        </>
      )}
      {status !== undefined && <Fact term="Status">{status}</Fact>}
    </dl>
  );
}

/** Request statuses in words, as a badge. */
export function StatusBadge({ status }: { status: string }) {
  const [label, color] = STATUS[status] ?? [status.replace(/([a-z])([A-Z])/g, '$1 $2'), 'informative'];
  return (
    <Badge appearance="tint" color={color}>
      {label}
    </Badge>
  );
}

type BadgeColor = 'brand' | 'danger' | 'important' | 'informative' | 'severe' | 'subtle' | 'success' | 'warning';

const STATUS: Readonly<Record<string, readonly [string, BadgeColor]>> = {
  PendingApproval: ['Waiting for approval', 'warning'],
  Provisioned: ['Access given', 'success'],
  Granted: ['Approved, starts later', 'success'],
  PendingProvisioning: ['Approved, being provisioned', 'success'],
  PendingScheduleCreation: ['Approved, being scheduled', 'success'],
  Denied: ['Denied', 'danger'],
  Canceled: ['Canceled', 'subtle'],
  Revoked: ['Ended', 'subtle'],
  TimedOut: ['Timed out', 'severe'],
  Failed: ['Failed', 'danger'],
};
