/**
 * The inbox's requests, twice: a table on wide screens, cards on phones (a table of seven columns
 * cannot be read at 375 px). Only one is displayed; the other is `display: none`, hidden from
 * screen readers too. Both share the selection and the decide actions.
 */
import {
  Button,
  Card,
  Checkbox,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkRegular, DismissRegular } from '@fluentui/react-icons';
import { formatInstant, useNow } from '../../lib/time.ts';
import type { ApprovableRequest, Decision } from './api.ts';
import { RouteLink } from '../../components/route-link.tsx';
import { recentGrants, type History } from './context.ts';
import { actionLabel, type Names } from './names.ts';
import { requestedWindow, ticketOf } from './window.ts';

const PHONE = '@media (max-width: 700px)';

const useStyles = makeStyles({
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, [PHONE]: { display: 'none' } },
  table: { minWidth: '900px' },
  cell: { overflowWrap: 'anywhere', paddingTop: '8px', paddingBottom: '8px' },
  clamp: { display: '-webkit-box', WebkitLineClamp: 3, WebkitBoxOrient: 'vertical', overflow: 'hidden' },
  actions: { display: 'flex', gap: '4px' },
  muted: { color: tokens.colorNeutralForeground3 },
  narrow: { display: 'none', flexDirection: 'column', gap: '12px', margin: 0, padding: 0, listStyle: 'none', [PHONE]: { display: 'flex' } },
  card: { display: 'flex', flexDirection: 'column', gap: '6px', overflowWrap: 'anywhere' },
  cardHead: { display: 'flex', gap: '4px', alignItems: 'flex-start' },
  cardTitle: { display: 'flex', flexDirection: 'column', paddingTop: '6px', minWidth: 0 },
  cardActions: { display: 'flex', gap: '8px', marginTop: '4px' },
});

export interface RowsProps {
  readonly requests: readonly ApprovableRequest[];
  readonly names: Names;
  readonly histories: ReadonlyMap<string, History>;
  readonly selected: ReadonlySet<string>;
  toggle(id: string, on: boolean): void;
  toggleAll(on: boolean): void;
  decide(request: ApprovableRequest, decision: Decision): void;
}

const detailPath = (r: ApprovableRequest) => `/approvals/${encodeURIComponent(r.approvalId ?? '')}`;

function Requester({ request, names }: { request: ApprovableRequest; names: Names }) {
  const who = names.requester(request);
  return request.approvalId ? <RouteLink to={detailPath(request)}>{who.displayName}</RouteLink> : <>{who.displayName}</>;
}

const roleLine = (r: ApprovableRequest, names: Names) => {
  const action = actionLabel(r.action, r.kind);
  return action === 'Activate' ? names.scope(r) : `${action} · ${names.scope(r)}`;
};

export function InboxTable({ requests, names, histories, selected, toggle, toggleAll, decide }: RowsProps) {
  const styles = useStyles();
  const count = requests.filter((r) => selected.has(r.id)).length;
  return (
    <div className={styles.wide} role="region" aria-label="Requests waiting for your decision (scrolls sideways)" tabIndex={0}>
      <Table aria-label="Requests waiting for your decision" size="small" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell style={{ width: 44 }}>
              <Checkbox
                aria-label="Select every request"
                checked={count === 0 ? false : count === requests.length ? true : 'mixed'}
                onChange={(_e, d) => toggleAll(d.checked === true)}
              />
            </TableHeaderCell>
            <TableHeaderCell style={{ width: '20%' }}>Requester</TableHeaderCell>
            <TableHeaderCell style={{ width: '19%' }}>Role and scope</TableHeaderCell>
            <TableHeaderCell style={{ width: '25%' }}>Justification and ticket</TableHeaderCell>
            <TableHeaderCell style={{ width: '14%' }}>Requested window</TableHeaderCell>
            <TableHeaderCell style={{ width: '12%' }}>Requested</TableHeaderCell>
            <TableHeaderCell style={{ width: '10%' }}>Activations (30 days)</TableHeaderCell>
            <TableHeaderCell style={{ width: 84 }}>
              <span className="visually-hidden">Decide</span>
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {requests.map((r) => {
            const who = names.requester(r);
            const window = requestedWindow(r);
            const ticket = ticketOf(r);
            const about = `${who.displayName}'s request for ${names.role(r)}`;
            return (
              <TableRow key={r.id}>
                <TableCell>
                  <Checkbox aria-label={`Select ${about}`} checked={selected.has(r.id)} onChange={(_e, d) => toggle(r.id, d.checked === true)} />
                </TableCell>
                <TableCell className={styles.cell}>
                  <TableCellLayout description={who.detail ?? undefined}>
                    <Requester request={r} names={names} />
                  </TableCellLayout>
                </TableCell>
                <TableCell className={styles.cell}>
                  <TableCellLayout description={roleLine(r, names)}>{names.role(r)}</TableCellLayout>
                </TableCell>
                <TableCell className={styles.cell}>
                  <TableCellLayout description={ticket ? `Ticket: ${ticket}` : undefined}>
                    {r.justification ? (
                      <span className={styles.clamp} title={r.justification}>
                        {r.justification}
                      </span>
                    ) : (
                      <span className={styles.muted}>None given</span>
                    )}
                  </TableCellLayout>
                </TableCell>
                <TableCell className={styles.cell}>
                  <TableCellLayout description={window.length}>{window.start}</TableCellLayout>
                </TableCell>
                <TableCell className={styles.cell}>{formatInstant(r.createdDateTime)}</TableCell>
                <TableCell className={styles.cell}>
                  <HistorySummary history={histories.get(r.id)} />
                </TableCell>
                <TableCell>
                  <span className={styles.actions}>
                    <Tooltip content="Approve" relationship="description">
                      <Button
                        size="small"
                        appearance="subtle"
                        icon={<CheckmarkRegular />}
                        aria-label={`Approve ${about}`}
                        onClick={() => decide(r, 'Approve')}
                      />
                    </Tooltip>
                    <Tooltip content="Deny" relationship="description">
                      <Button size="small" appearance="subtle" icon={<DismissRegular />} aria-label={`Deny ${about}`} onClick={() => decide(r, 'Deny')} />
                    </Tooltip>
                  </span>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

export function InboxCards({ requests, names, histories, selected, toggle, decide }: RowsProps) {
  const styles = useStyles();
  return (
    <ul className={styles.narrow} aria-label="Requests waiting for your decision">
      {requests.map((r) => {
        const who = names.requester(r);
        const window = requestedWindow(r);
        const ticket = ticketOf(r);
        const about = `${who.displayName}'s request for ${names.role(r)}`;
        return (
          <li key={r.id}>
            <Card className={styles.card}>
              <div className={styles.cardHead}>
                <Checkbox aria-label={`Select ${about}`} checked={selected.has(r.id)} onChange={(_e, d) => toggle(r.id, d.checked === true)} />
                <span className={styles.cardTitle}>
                  <Text weight="semibold">
                    <Requester request={r} names={names} />
                  </Text>
                  <Text>
                    {names.role(r)} <span className={styles.muted}>· {roleLine(r, names)}</span>
                  </Text>
                </span>
              </div>
              <Text>{r.justification ?? <span className={styles.muted}>No justification given</span>}</Text>
              {ticket && <Text size={200}>Ticket: {ticket}</Text>}
              <Text size={200}>
                {window.start}, {window.length} · requested {formatInstant(r.createdDateTime)}
              </Text>
              <Text size={200}>
                Activations in 30 days: <HistorySummary history={histories.get(r.id)} inline />
              </Text>
              <div className={styles.cardActions}>
                <Button size="small" icon={<CheckmarkRegular />} aria-label={`Approve ${about}`} onClick={() => decide(r, 'Approve')}>
                  Approve
                </Button>
                <Button size="small" icon={<DismissRegular />} aria-label={`Deny ${about}`} onClick={() => decide(r, 'Deny')}>
                  Deny
                </Button>
              </div>
            </Card>
          </li>
        );
      })}
    </ul>
  );
}

/** "2 · last 3 Dec 2026, 14:00", or why there is nothing to show. */
function HistorySummary({ history, inline = false }: { history: History | undefined; inline?: boolean }) {
  const styles = useStyles();
  const now = useNow(60_000);
  if (!history) return <span className={styles.muted}>…</span>;
  const recent = recentGrants(history, now);
  if (recent === null) return <span className={styles.muted}>{inline ? 'not visible to you' : <span aria-label="Not visible to you">—</span>}</span>;
  if (recent.length === 0) return <>None</>;
  const last = `last ${formatInstant(recent[0]!.createdDateTime)}`;
  return inline ? (
    <>
      {recent.length} ({last})
    </>
  ) : (
    <TableCellLayout description={last}>{recent.length}</TableCellLayout>
  );
}
