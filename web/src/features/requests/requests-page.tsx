/**
 * My requests: everything the signed-in person asked for — roles and groups, activations,
 * deactivations, extensions — newest first, with what happened to each. Pending ones can be
 * canceled; the list refreshes itself while something waits.
 */
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  Tooltip,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { useNarrow } from '../../lib/media.ts';
import { formatInstant } from '../../lib/time.ts';
import { useMyRequestPage, WAITING, type MyRequest, type StatusFilter } from './api.ts';
import { CancelDialog } from './cancel-dialog.tsx';
import { actionLabel, CANCELABLE, outcomeLabel, statusColor, ticketLabel, windowLabel } from './labels.ts';
import { useRequestNames, type RequestNames } from './names.ts';

const PAGE = 25;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  tableWrap: { overflowX: 'auto' },
  muted: { color: tokens.colorNeutralForeground3 },
  reason: { overflowWrap: 'break-word' },
  cell: { paddingTop: '6px', paddingBottom: '6px' },
  badge: { whiteSpace: 'nowrap', flexShrink: 0 },
  more: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
  cards: { display: 'flex', flexDirection: 'column', gap: '8px', margin: 0, padding: 0, listStyle: 'none' },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: '6px',
    padding: '12px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  cardHead: { display: 'flex', gap: '8px', alignItems: 'flex-start', justifyContent: 'space-between' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: '12px', rowGap: '2px', margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere' },
});

const FILTERS: readonly { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'completed', label: 'Completed' },
];

const EMPTY: Readonly<Record<StatusFilter, string>> = {
  all: 'You have not made any requests yet. Activate a role from My roles and its request appears here.',
  pending: 'Nothing is waiting: no request of yours is pending approval or scheduled to start.',
  completed: 'No request of yours has completed yet.',
};

export function MyRequestsPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const status: StatusFilter = params.get('status') === 'pending' ? 'pending' : params.get('status') === 'completed' ? 'completed' : 'all';
  const [limit, setLimit] = useState(PAGE);
  const page = useMyRequestPage(status, limit);
  const items = page.data?.items ?? [];
  const names = useRequestNames(items);
  const narrow = useNarrow();
  const [canceling, setCanceling] = useState<MyRequest | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const waiting = items.some((r) => WAITING.has(r.status));

  const choose = (value: StatusFilter) => {
    setLimit(PAGE);
    setParams(value === 'all' ? {} : { status: value }, { replace: true });
  };

  return (
    <section className={styles.page} aria-labelledby="my-requests-title">
      <Title2 as="h1" id="my-requests-title">
        My requests
      </Title2>
      <TabList selectedValue={status} onTabSelect={(_e, d) => choose(d.value as StatusFilter)} aria-label="Show requests">
        {FILTERS.map((f) => (
          <Tab key={f.value} value={f.value}>
            {f.label}
          </Tab>
        ))}
      </TabList>
      <div role="status" aria-live="polite">
        {notice && (
          <MessageBar intent="success">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        )}
      </div>
      {waiting && (
        <Text className={styles.muted} size={200}>
          Some requests are waiting: this list updates by itself.
        </Text>
      )}
      {page.isPending && <Spinner label="Loading your requests…" />}
      <ErrorMessage error={page.error} title="Your requests could not be loaded" />
      {page.data && items.length === 0 && <Text>{EMPTY[status]}</Text>}
      {items.length > 0 &&
        (narrow ? (
          <RequestCards requests={items} names={names} onCancel={setCanceling} />
        ) : (
          <RequestTable requests={items} names={names} onCancel={setCanceling} />
        ))}
      {page.data?.hasMore && (
        <div className={styles.more}>
          <Button onClick={() => setLimit(limit + PAGE)} disabled={page.isFetching}>
            {page.isFetching ? 'Loading…' : 'Show older requests'}
          </Button>
          <Text className={styles.muted} size={200}>
            Showing the newest {items.length}.
          </Text>
        </div>
      )}
      {canceling && (
        <CancelDialog
          request={canceling}
          name={names.role(canceling)}
          onClose={() => setCanceling(null)}
          onCanceled={() => {
            setNotice(`Your request for ${names.role(canceling)} was canceled.`);
            setCanceling(null);
          }}
        />
      )}
    </section>
  );
}

interface ListProps {
  readonly requests: readonly MyRequest[];
  readonly names: RequestNames;
  onCancel(r: MyRequest): void;
}

const detailPath = (r: MyRequest) => `/requests/${encodeURIComponent(r.id)}`;

function StatusBadge({ request }: { request: MyRequest }) {
  const styles = useStyles();
  return (
    <Badge appearance="tint" color={statusColor(request.status)} className={styles.badge}>
      {outcomeLabel(request)}
    </Badge>
  );
}

function RoleLink({ request, names }: { request: MyRequest; names: RequestNames }) {
  return <RouteLink to={detailPath(request)}>{names.role(request)}</RouteLink>;
}

function RequestTable({ requests, names, onCancel }: ListProps) {
  const styles = useStyles();
  return (
    <div className={styles.tableWrap}>
      <Table aria-label="My requests, newest first" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell style={{ width: '19%' }}>Role</TableHeaderCell>
            <TableHeaderCell style={{ width: '12%' }}>Action</TableHeaderCell>
            <TableHeaderCell style={{ width: '15%' }}>Status</TableHeaderCell>
            <TableHeaderCell style={{ width: '12%' }}>Requested</TableHeaderCell>
            <TableHeaderCell style={{ width: '14%' }}>Window</TableHeaderCell>
            <TableHeaderCell style={{ width: '20%' }}>Justification</TableHeaderCell>
            <TableHeaderCell style={{ width: '8%' }}>
              <span className="visually-hidden">Actions</span>
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {requests.map((r) => {
            const ticket = ticketLabel(r);
            return (
              <TableRow key={`${r.provider}|${r.kind}|${r.id}`}>
                <TableCell className={styles.cell}>
                  <TableCellLayout description={names.scope(r)}>
                    <RoleLink request={r} names={names} />
                  </TableCellLayout>
                </TableCell>
                <TableCell className={styles.cell}>{actionLabel(r)}</TableCell>
                <TableCell className={styles.cell}>
                  <StatusBadge request={r} />
                </TableCell>
                <TableCell className={styles.cell}>{formatInstant(r.createdDateTime)}</TableCell>
                <TableCell className={styles.cell}>{windowLabel(r)}</TableCell>
                <TableCell className={styles.cell}>
                  <div className={styles.reason}>{r.justification ?? <span className={styles.muted}>None given</span>}</div>
                  {ticket && (
                    <Text size={200} className={styles.muted}>
                      Ticket {ticket}
                    </Text>
                  )}
                </TableCell>
                <TableCell>
                  {CANCELABLE.has(r.status) && (
                    <Tooltip content={`Cancel the request for ${names.role(r)}`} relationship="description">
                      <Button size="small" onClick={() => onCancel(r)}>
                        Cancel
                      </Button>
                    </Tooltip>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

function RequestCards({ requests, names, onCancel }: ListProps) {
  const styles = useStyles();
  return (
    <ul className={styles.cards} aria-label="My requests, newest first">
      {requests.map((r) => {
        const ticket = ticketLabel(r);
        return (
          <li key={`${r.provider}|${r.kind}|${r.id}`} className={styles.card}>
            <div className={styles.cardHead}>
              <Text weight="semibold">
                <RoleLink request={r} names={names} />
              </Text>
              <StatusBadge request={r} />
            </div>
            <dl className={styles.facts}>
              <dt className={styles.term}>Action</dt>
              <dd className={styles.value}>{actionLabel(r)}</dd>
              <dt className={styles.term}>Scope</dt>
              <dd className={styles.value}>{names.scope(r)}</dd>
              <dt className={styles.term}>Requested</dt>
              <dd className={styles.value}>{formatInstant(r.createdDateTime)}</dd>
              <dt className={styles.term}>Window</dt>
              <dd className={styles.value}>{windowLabel(r)}</dd>
              {r.justification && (
                <>
                  <dt className={styles.term}>Reason</dt>
                  <dd className={styles.value}>{r.justification}</dd>
                </>
              )}
              {ticket && (
                <>
                  <dt className={styles.term}>Ticket</dt>
                  <dd className={styles.value}>{ticket}</dd>
                </>
              )}
            </dl>
            {CANCELABLE.has(r.status) && (
              <div>
                <Button size="small" onClick={() => onCancel(r)} aria-label={`Cancel the request for ${names.role(r)}`}>
                  Cancel request
                </Button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
