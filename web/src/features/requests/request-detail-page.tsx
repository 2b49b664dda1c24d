/**
 * One request in full (/requests/{id}, where OpenPIM's notifications link): what was asked, every
 * approver's decision with who, what, why and when, and its timeline. Updates itself while it waits.
 */
import { Badge, Button, MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { formatInstant, useNow } from '../../lib/time.ts';
import { useMe } from '../auth/api.ts';
import { useApproval, useRequest, WAITING, type Approval, type MyRequest } from './api.ts';
import { CancelDialog } from './cancel-dialog.tsx';
import { actionLabel, CANCELABLE, outcomeLabel, statusColor, ticketLabel, windowLabel } from './labels.ts';
import { useRequestNames } from './names.ts';
import { timelineOf, type Tone } from './timeline.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '900px' },
  head: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
  title: { margin: 0, overflowWrap: 'anywhere' },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    padding: '16px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(120px, max-content) 1fr',
    columnGap: '16px',
    rowGap: '8px',
    margin: 0,
    '@media (max-width: 480px)': { gridTemplateColumns: '1fr', rowGap: '2px' },
  },
  term: { color: tokens.colorNeutralForeground3, '@media (max-width: 480px)': { marginTop: '8px' } },
  value: { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  steps: { display: 'flex', flexDirection: 'column', gap: '12px', margin: 0, padding: 0, listStyle: 'none' },
  stepHead: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  stepName: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  decisions: { display: 'flex', flexDirection: 'column', gap: '8px', margin: '4px 0 0', paddingLeft: '18px' },
  timeline: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  entry: {
    position: 'relative',
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: '0 0 16px 24px',
    borderLeft: `2px solid ${tokens.colorNeutralStroke2}`,
    marginLeft: '6px',
    ':last-child': { borderLeftColor: 'transparent', paddingBottom: 0 },
  },
  dot: {
    position: 'absolute',
    left: '-8px',
    top: '2px',
    width: '10px',
    height: '10px',
    borderRadius: '50%',
    border: `2px solid ${tokens.colorNeutralBackground1}`,
    backgroundColor: tokens.colorNeutralForeground3,
  },
  good: { backgroundColor: tokens.colorPaletteGreenForeground1 },
  bad: { backgroundColor: tokens.colorPaletteRedForeground1 },
  upcoming: { backgroundColor: tokens.colorNeutralBackground1, border: `2px dashed ${tokens.colorBrandStroke1}` },
});

export function RequestDetailPage() {
  const styles = useStyles();
  const { requestId = '' } = useParams();
  const request = useRequest(requestId);
  const r = request.data;
  return (
    <section className={styles.page} aria-labelledby="request-title">
      <Text>
        <RouteLink to="/requests">← My requests</RouteLink>
      </Text>
      {request.isPending && <Spinner label="Loading the request…" />}
      {request.error && (
        <>
          <Title2 as="h1" id="request-title" className={styles.title}>
            Request
          </Title2>
          <ErrorMessage error={request.error} title="This request could not be shown" />
        </>
      )}
      {r && <RequestDetail request={r} />}
    </section>
  );
}

function RequestDetail({ request: r }: { request: MyRequest }) {
  const styles = useStyles();
  const names = useRequestNames([r]);
  const me = useMe(true);
  const waiting = WAITING.has(r.status);
  const approval = useApproval(r.provider, r.approvalId, waiting);
  const client = useQueryClient();
  // The decision that moved the request on is read once more after it moved (polling stops then).
  useEffect(() => {
    if (r.approvalId !== null) void client.invalidateQueries({ queryKey: ['approval', r.provider, r.approvalId] });
  }, [client, r.status, r.provider, r.approvalId]);
  const now = useNow(30_000);
  const [canceling, setCanceling] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const name = names.role(r);
  const ticket = ticketLabel(r);
  const mine = me.data?.id === r.principalId;

  return (
    <>
      <div className={styles.head}>
        <Title2 as="h1" id="request-title" className={styles.title}>
          {actionLabel(r)}: {name}
        </Title2>
        <span role="status" aria-live="polite">
          <span className="visually-hidden">Status: </span>
          <Badge appearance="filled" color={statusColor(r.status)} size="large">
            {outcomeLabel(r)}
          </Badge>
        </span>
      </div>
      {waiting && <Text className={styles.muted}>{r.status === 'PendingApproval' ? 'Waiting for an approver. ' : ''}This page updates by itself.</Text>}
      {notice && (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {mine && CANCELABLE.has(r.status) && (
        <div>
          <Button onClick={() => setCanceling(true)}>Cancel request</Button>
        </div>
      )}

      <section className={styles.panel} aria-labelledby="request-facts">
        <h2 id="request-facts" className={styles.heading}>
          What was asked
        </h2>
        <dl className={styles.facts}>
          <dt className={styles.term}>{r.provider === 'group' ? 'Group access' : 'Role'}</dt>
          <dd className={styles.value}>{name}</dd>
          <dt className={styles.term}>Scope</dt>
          <dd className={styles.value}>{names.scope(r)}</dd>
          <dt className={styles.term}>Action</dt>
          <dd className={styles.value}>{actionLabel(r)}</dd>
          <dt className={styles.term}>Requested</dt>
          <dd className={styles.value}>{formatInstant(r.createdDateTime)}</dd>
          <dt className={styles.term}>Window</dt>
          <dd className={styles.value}>{windowLabel(r)}</dd>
          <dt className={styles.term}>Justification</dt>
          <dd className={styles.value}>{r.justification ?? <span className={styles.muted}>None given</span>}</dd>
          <dt className={styles.term}>Ticket</dt>
          <dd className={styles.value}>{ticket ?? <span className={styles.muted}>None</span>}</dd>
          {r.completedDateTime && (
            <>
              <dt className={styles.term}>{r.status === 'Granted' ? 'Granted' : 'Completed'}</dt>
              <dd className={styles.value}>{formatInstant(r.completedDateTime)}</dd>
            </>
          )}
          <dt className={styles.term}>Request id</dt>
          <dd className={mergeClasses(styles.value, styles.mono)}>{r.id}</dd>
        </dl>
      </section>

      <section className={styles.panel} aria-labelledby="request-approval">
        <h2 id="request-approval" className={styles.heading}>
          Approval
        </h2>
        {r.approvalId === null && <Text>No approval was needed.</Text>}
        {approval.isPending && r.approvalId !== null && <Spinner size="small" label="Loading the decisions…" />}
        <ErrorMessage error={approval.error} title="The decisions could not be loaded" />
        {approval.data && <Decisions approval={approval.data} />}
      </section>

      <section className={styles.panel} aria-labelledby="request-timeline">
        <h2 id="request-timeline" className={styles.heading}>
          Timeline
        </h2>
        <ol className={styles.timeline}>
          {timelineOf(r, approval.data, now).map((e, i) => (
            <li key={`${e.at}-${i}`} className={styles.entry}>
              <span className={mergeClasses(styles.dot, toneClass(styles, e.tone))} aria-hidden />
              <Text weight="semibold">
                {e.title}
                {e.tone === 'upcoming' && <span className="visually-hidden"> (still to come)</span>}
              </Text>
              <Text size={200} className={styles.muted}>
                {formatInstant(e.at)}
              </Text>
              {e.detail && <Text className={styles.value}>{e.detail}</Text>}
            </li>
          ))}
        </ol>
      </section>

      {canceling && (
        <CancelDialog
          request={r}
          name={name}
          onClose={() => setCanceling(false)}
          onCanceled={() => {
            setCanceling(false);
            setNotice('The request was canceled.');
          }}
        />
      )}
    </>
  );
}

function toneClass(styles: ReturnType<typeof useStyles>, tone: Tone): string | undefined {
  if (tone === 'good') return styles.good;
  if (tone === 'bad') return styles.bad;
  if (tone === 'upcoming') return styles.upcoming;
  return undefined;
}

function stepState(status: string, result: string): readonly [string, 'danger' | 'success' | 'warning' | 'subtle' | 'severe'] {
  if (status === 'Completed') return result === 'Deny' ? ['Denied', 'danger'] : ['Approved', 'success'];
  if (status === 'InProgress') return ['Waiting for decisions', 'warning'];
  if (status === 'NotStarted') return ['Not started', 'subtle'];
  if (status === 'Canceled') return ['Canceled', 'subtle'];
  if (status === 'Expired' || status === 'TimedOut') return ['Timed out', 'severe'];
  return [status.replace(/([a-z])([A-Z])/g, '$1 $2'), 'subtle'];
}

/** Each stage and every decision in it: who, approve or deny, why, when. */
function Decisions({ approval }: { approval: Approval }) {
  const styles = useStyles();
  return (
    <ol className={styles.steps} aria-label="Approval stages">
      {approval.steps.map((step) => {
        const [label, color] = stepState(step.status, step.reviewResult);
        const decisions = step.decisions ?? [];
        const required = step.approvalsRequired ?? 1;
        return (
          <li key={step.id}>
            <div className={styles.stepHead}>
              <h3 className={styles.stepName}>{step.displayName}</h3>
              <Badge appearance="tint" color={color}>
                {label}
              </Badge>
              {required > 1 && (
                <Text size={200} className={styles.muted}>
                  needs {required} approvals
                </Text>
              )}
            </div>
            {decisions.length === 0 ? (
              <Text className={styles.muted}>No decisions yet.</Text>
            ) : (
              <ul className={styles.decisions} aria-label={`Decisions of ${step.displayName}`}>
                {decisions.map((d) => (
                  <li key={`${d.reviewedBy.id}-${d.reviewedDateTime}`}>
                    <Text>
                      <Text weight="semibold">{d.reviewedBy.displayName ?? 'An approver'}</Text>
                      {d.reviewResult === 'Deny' ? ' denied' : ' approved'}
                      <Text className={styles.muted}> · {formatInstant(d.reviewedDateTime)}</Text>
                    </Text>
                    <br />
                    {d.justification ? <Text className={styles.value}>“{d.justification}”</Text> : <Text className={styles.muted}>No reason given.</Text>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
