/**
 * A list of audit events, newest first, for My audit and the Audit log alike: when (the viewer's
 * time zone), activity, who did it, what it touched, the result — and on demand every detail the
 * event carries. A table on wide screens, cards on a phone; older events a page at a time.
 */
import {
  Badge,
  Button,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { ChevronDownRegular, ChevronUpRegular } from '@fluentui/react-icons';
import { Fragment, useState, type ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { useNarrow } from '../../lib/media.ts';
import { formatInstant } from '../../lib/time.ts';
import type { RoleDefinition } from '../my-roles/api.ts';
import type { AuditEvent, AuditTarget } from './api.ts';

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column', gap: '12px' },
  tableWrap: { overflowX: 'auto' },
  muted: { color: tokens.colorNeutralForeground3 },
  activity: { overflowWrap: 'anywhere' },
  targets: { display: 'flex', flexWrap: 'wrap', columnGap: '4px' },
  cell: { paddingTop: '6px', paddingBottom: '6px', overflowWrap: 'break-word' },
  detailCell: { backgroundColor: tokens.colorNeutralBackground2, padding: '12px 16px' },
  detail: { display: 'grid', gap: '16px', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))' },
  detailHeading: { margin: '0 0 4px', fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: '12px', rowGap: '2px', margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
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
  cardHead: { display: 'flex', gap: '8px', justifyContent: 'space-between', alignItems: 'flex-start' },
  cardDetail: { borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: '8px' },
  badge: { whiteSpace: 'nowrap', flexShrink: 0 },
  more: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
});

const SYSTEM_ID = '00000000-0000-0000-0000-000000000000';

/** How the list names people and roles. */
export interface EventNames {
  /** The signed-in person's id: shown as "You". */
  readonly meId: string | null;
  readonly roles: ReadonlyMap<string, RoleDefinition> | undefined;
  /** Users and groups by id, for targets the event names by id only (the whole log loads them). */
  readonly people?: ReadonlyMap<string, string>;
}

export function actorOf(e: AuditEvent, names: EventNames): { name: string; detail: string | null } {
  const { user, app } = e.initiatedBy;
  if (user)
    return {
      name: user.id === names.meId ? 'You' : (user.displayName ?? user.userPrincipalName ?? user.id),
      detail: user.id === names.meId ? null : user.userPrincipalName,
    };
  if (app?.servicePrincipalId === SYSTEM_ID) return { name: app.displayName ?? 'OpenPIM', detail: 'the system' };
  return { name: app?.displayName ?? app?.servicePrincipalId ?? 'Unknown', detail: 'application' };
}

function targetName(t: AuditTarget, names: EventNames): string {
  if (t.id === names.meId && (t.type === 'User' || t.type === 'ServicePrincipal')) return 'You';
  if (t.type === 'Role') return t.displayName ?? names.roles?.get(t.id)?.displayName ?? `Role ${t.id}`;
  if (t.type === 'Request') return 'Request';
  return t.displayName ?? t.userPrincipalName ?? names.people?.get(t.id) ?? `${t.type} ${t.id}`;
}

/** A target by name; a request links to its page. */
function TargetName({ target, names }: { target: AuditTarget; names: EventNames }) {
  const name = targetName(target, names);
  if (target.type === 'Request')
    return (
      <RouteLink to={`/requests/${encodeURIComponent(target.id)}`} aria-label={`Request ${target.id}`}>
        Request
      </RouteLink>
    );
  return <>{name}</>;
}

function Targets({ event, names }: { event: AuditEvent; names: EventNames }) {
  const styles = useStyles();
  if (event.targetResources.length === 0) return <span className={styles.muted}>—</span>;
  return (
    <span className={styles.targets}>
      {event.targetResources.map((t, i) => (
        <span key={`${t.id}-${i}`}>
          <TargetName target={t} names={names} />
          {i < event.targetResources.length - 1 ? ',' : ''}
        </span>
      ))}
    </span>
  );
}

function Result({ event }: { event: AuditEvent }) {
  const styles = useStyles();
  return event.result === 'success' ? (
    <Badge appearance="tint" color="success" className={styles.badge}>
      Succeeded
    </Badge>
  ) : (
    <Badge appearance="tint" color="danger" className={styles.badge}>
      {event.result === 'failure' ? 'Failed' : event.result}
    </Badge>
  );
}

function When({ event }: { event: AuditEvent }) {
  return <time dateTime={event.activityDateTime}>{formatInstant(event.activityDateTime)}</time>;
}

/** Everything the event carries: its details, each target with what changed, and its ids. */
function EventDetail({ event, names, id }: { event: AuditEvent; names: EventNames; id: string }) {
  const styles = useStyles();
  const actor = actorOf(event, names);
  return (
    <div className={styles.detail} id={id}>
      <div>
        <h3 className={styles.detailHeading}>Details</h3>
        {event.additionalDetails.length === 0 && !event.resultReason ? (
          <Text className={styles.muted}>None recorded.</Text>
        ) : (
          <dl className={styles.facts}>
            {event.resultReason && (
              <>
                <dt className={styles.term}>Reason</dt>
                <dd className={styles.value}>{event.resultReason}</dd>
              </>
            )}
            {event.additionalDetails.map((d) => (
              <Fragment key={d.key}>
                <dt className={styles.term}>{keyLabel(d.key)}</dt>
                <dd className={styles.value}>
                  <DetailValue value={d.value} />
                </dd>
              </Fragment>
            ))}
          </dl>
        )}
      </div>
      <div>
        <h3 className={styles.detailHeading}>Targets</h3>
        {event.targetResources.length === 0 ? (
          <Text className={styles.muted}>None.</Text>
        ) : (
          <dl className={styles.facts}>
            {event.targetResources.map((t, i) => (
              <Fragment key={`${t.id}-${i}`}>
                <dt className={styles.term}>{t.type}</dt>
                <dd className={styles.value}>
                  <TargetName target={t} names={names} />
                  {t.userPrincipalName && <> ({t.userPrincipalName})</>}
                  <br />
                  <span className={styles.mono}>{t.id}</span>
                  {t.modifiedProperties.map((m) => (
                    <span key={m.displayName}>
                      <br />
                      {m.displayName}: {m.oldValue ?? '(none)'} → {m.newValue ?? '(none)'}
                    </span>
                  ))}
                </dd>
              </Fragment>
            ))}
          </dl>
        )}
      </div>
      <div>
        <h3 className={styles.detailHeading}>Event</h3>
        <dl className={styles.facts}>
          <dt className={styles.term}>Initiated by</dt>
          <dd className={styles.value}>
            {actor.name}
            {actor.detail ? ` (${actor.detail})` : ''}
          </dd>
          <dt className={styles.term}>Category</dt>
          <dd className={styles.value}>{event.category}</dd>
          <dt className={styles.term}>Operation</dt>
          <dd className={styles.value}>{event.operationType}</dd>
          <dt className={styles.term}>Service</dt>
          <dd className={styles.value}>{event.loggedByService}</dd>
          <dt className={styles.term}>Correlation id</dt>
          <dd className={mergeClasses(styles.value, styles.mono)}>{event.correlationId}</dd>
          <dt className={styles.term}>Event id</dt>
          <dd className={mergeClasses(styles.value, styles.mono)}>{event.id}</dd>
        </dl>
      </div>
    </div>
  );
}

/** "DirectoryScopeId" → "Directory scope id". */
export const keyLabel = (key: string): string => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return words.charAt(0) + words.slice(1).toLowerCase();
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A detail's value; an instant in the viewer's zone (the stored value on hover). */
function DetailValue({ value }: { value: string }) {
  if (ISO_INSTANT.test(value))
    return (
      <time dateTime={value} title={value}>
        {formatInstant(value)}
      </time>
    );
  return <>{value}</>;
}

function DetailsToggle({ open, controls, onToggle, what }: { open: boolean; controls: string; onToggle(): void; what: string }) {
  return (
    <Button
      size="small"
      appearance="subtle"
      icon={open ? <ChevronUpRegular /> : <ChevronDownRegular />}
      aria-expanded={open}
      aria-controls={open ? controls : undefined}
      aria-label={`Details of ${what}`}
      onClick={onToggle}
    >
      Details
    </Button>
  );
}

interface ListProps {
  readonly events: readonly AuditEvent[];
  readonly names: EventNames;
}

function useOpenSet() {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return { open, toggle };
}

function EventTable({ events, names }: ListProps) {
  const styles = useStyles();
  const { open, toggle } = useOpenSet();
  return (
    <div className={styles.tableWrap}>
      <Table aria-label="Audit events, newest first" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell style={{ width: '15%' }}>When</TableHeaderCell>
            <TableHeaderCell style={{ width: '27%' }}>Activity</TableHeaderCell>
            <TableHeaderCell style={{ width: '18%' }}>Initiated by</TableHeaderCell>
            <TableHeaderCell style={{ width: '20%' }}>Targets</TableHeaderCell>
            <TableHeaderCell style={{ width: '10%' }}>Result</TableHeaderCell>
            <TableHeaderCell style={{ width: '10%' }}>
              <span className="visually-hidden">Details</span>
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {events.map((e) => {
            const actor = actorOf(e, names);
            const detailId = `audit-detail-${e.id}`;
            return (
              <Fragment key={e.id}>
                <TableRow>
                  <TableCell className={styles.cell}>
                    <When event={e} />
                  </TableCell>
                  <TableCell className={styles.cell}>
                    <span className={styles.activity}>{e.activityDisplayName}</span>
                  </TableCell>
                  <TableCell className={styles.cell}>
                    {actor.name}
                    {actor.detail && (
                      <>
                        <br />
                        <Text size={200} className={styles.muted}>
                          {actor.detail}
                        </Text>
                      </>
                    )}
                  </TableCell>
                  <TableCell className={styles.cell}>
                    <Targets event={e} names={names} />
                  </TableCell>
                  <TableCell className={styles.cell}>
                    <Result event={e} />
                  </TableCell>
                  <TableCell className={styles.cell}>
                    <DetailsToggle
                      open={open.has(e.id)}
                      controls={detailId}
                      onToggle={() => toggle(e.id)}
                      what={`${e.activityDisplayName}, ${formatInstant(e.activityDateTime)}`}
                    />
                  </TableCell>
                </TableRow>
                {open.has(e.id) && (
                  <TableRow>
                    <TableCell colSpan={6} className={styles.detailCell}>
                      <EventDetail event={e} names={names} id={detailId} />
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

function EventCards({ events, names }: ListProps) {
  const styles = useStyles();
  const { open, toggle } = useOpenSet();
  return (
    <ul className={styles.cards} aria-label="Audit events, newest first">
      {events.map((e) => {
        const actor = actorOf(e, names);
        const detailId = `audit-detail-${e.id}`;
        return (
          <li key={e.id} className={styles.card}>
            <div className={styles.cardHead}>
              <Text weight="semibold" className={styles.activity}>
                {e.activityDisplayName}
              </Text>
              <Result event={e} />
            </div>
            <dl className={styles.facts}>
              <dt className={styles.term}>When</dt>
              <dd className={styles.value}>
                <When event={e} />
              </dd>
              <dt className={styles.term}>By</dt>
              <dd className={styles.value}>
                {actor.name}
                {actor.detail ? ` (${actor.detail})` : ''}
              </dd>
              <dt className={styles.term}>Targets</dt>
              <dd className={styles.value}>
                <Targets event={e} names={names} />
              </dd>
            </dl>
            <div>
              <DetailsToggle
                open={open.has(e.id)}
                controls={detailId}
                onToggle={() => toggle(e.id)}
                what={`${e.activityDisplayName}, ${formatInstant(e.activityDateTime)}`}
              />
            </div>
            {open.has(e.id) && (
              <div className={styles.cardDetail}>
                <EventDetail event={e} names={names} id={detailId} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

interface AuditListProps {
  readonly events: readonly AuditEvent[] | undefined;
  readonly names: EventNames;
  readonly pending: boolean;
  readonly error: unknown;
  readonly errorTitle: string;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  onMore(): void;
  /** What to say when nothing matches. */
  readonly empty: ReactNode;
}

export function AuditList({ events, names, pending, error, errorTitle, hasMore, loadingMore, onMore, empty }: AuditListProps) {
  const styles = useStyles();
  const narrow = useNarrow();
  return (
    <div className={styles.list}>
      {pending && <Spinner label="Loading events…" />}
      <ErrorMessage error={error} title={errorTitle} />
      {events && events.length === 0 && <Text>{empty}</Text>}
      {events && events.length > 0 && (narrow ? <EventCards events={events} names={names} /> : <EventTable events={events} names={names} />)}
      {hasMore && (
        <div className={styles.more}>
          <Button onClick={onMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Show older events'}
          </Button>
          <Text size={200} className={styles.muted}>
            Showing the newest {events?.length ?? 0}.
          </Text>
        </div>
      )}
    </div>
  );
}
