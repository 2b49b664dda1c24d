/**
 * One request's approval, at /approvals/{approvalId} — where "Open the request" in email and chat
 * lands: the request, its approval stages with their quorum and every decision (who, what, why,
 * when), the requester's recent activations of the role, and the approve/deny form when a stage
 * waits for the caller.
 */
import { Badge, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowLeftRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { formatInstant, useNow } from '../../lib/time.ts';
import { useApproval } from '../requests/api.ts';
import { myStep, type ApprovableRequest } from './api.ts';
import { RouteLink } from '../../components/route-link.tsx';
import { approvalState, ApprovalSteps } from './approval-steps.tsx';
import { recentGrants, useActivationHistory } from './context.ts';
import { DecisionForm } from './decision-form.tsx';
import { useApprovalLookup } from './lookup.ts';
import { actionLabel, useNames } from './names.ts';
import { RequestFacts, StatusBadge } from './request-facts.tsx';
import { requestedWindow } from './window.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '20px', maxWidth: '960px' },
  back: { display: 'inline-flex', alignItems: 'center', gap: '4px' },
  head: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
  title: { overflowWrap: 'anywhere' },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    padding: '16px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
  history: { margin: 0, paddingLeft: '18px', display: 'flex', flexDirection: 'column', gap: '4px' },
});

export function ApprovalDetailPage() {
  const approvalId = useParams().approvalId ?? '';
  // A fresh page per approval: the decision form's state belongs to one request.
  return <ApprovalDetail key={approvalId} approvalId={approvalId} />;
}

function ApprovalDetail({ approvalId }: { approvalId: string }) {
  const styles = useStyles();
  const lookup = useApprovalLookup(approvalId);
  const provider = lookup.data?.provider ?? 'directory';
  const approval = useApproval(provider, lookup.data ? approvalId : null);
  const request = lookup.data?.request ?? null;
  const names = useNames(request ? [request] : []);
  const [tried, setTried] = useState(false);
  const step = myStep(approval.data);

  const verb = request ? actionLabel(request.action, request.kind).toLowerCase() : null;
  const title = request ? `${names.requester(request).displayName} asks to ${verb} ${names.role(request)}` : 'Request for approval';
  const [stateLabel, stateColor] = approval.data ? approvalState(approval.data) : [null, 'informative' as const];

  return (
    <section className={styles.page} aria-labelledby="approval-title">
      <RouteLink to="/approvals">
        <span className={styles.back}>
          <ArrowLeftRegular aria-hidden />
          Approve requests
        </span>
      </RouteLink>
      <div className={styles.head}>
        <Title2 as="h1" id="approval-title" className={styles.title}>
          {title}
        </Title2>
        {stateLabel && (
          <Badge appearance="filled" color={stateColor} size="large">
            {stateLabel}
          </Badge>
        )}
      </div>
      {(lookup.isPending || (lookup.data && approval.isPending)) && <Spinner label="Loading the request…" />}
      <ErrorMessage error={lookup.error ?? approval.error} title="This request could not be shown" />
      {lookup.data && approval.data && (
        <>
          <div className={styles.panel}>
            <h2 className={styles.heading}>Request</h2>
            {request ? (
              <>
                <RequestFacts request={request} names={names} status={lookup.data.current ? <StatusBadge status={request.status} /> : undefined} />
                {!lookup.data.current && <Text className={styles.muted}>As it was when it waited for you; the approval below is up to date.</Text>}
              </>
            ) : (
              <Text>
                The request's details are shown to its requester, to its approvers while it waits for them, and to administrators and readers. The approval
                below shows every decision.
              </Text>
            )}
          </div>
          {(step || tried) && request?.approvalId && (
            <div className={styles.panel}>
              <h2 className={styles.heading}>Your decision</h2>
              <DecisionForm request={request} waiting={step !== null} onTried={() => setTried(true)} />
            </div>
          )}
          <div className={styles.panel}>
            <h2 className={styles.heading}>Approval</h2>
            <ApprovalSteps approval={approval.data} />
          </div>
          {request && (
            <div className={styles.panel}>
              <h2 className={styles.heading}>
                {names.requester(request).displayName}'s recent activations of {names.role(request)}
              </h2>
              <History request={request} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function History({ request }: { request: ApprovableRequest }) {
  const styles = useStyles();
  const history = useActivationHistory(request);
  const now = useNow(60_000);
  if (history.isPending) return <Spinner size="tiny" label="Loading…" />;
  if (history.error) return <ErrorMessage error={history.error} title="The history could not be loaded" />;
  const recent = recentGrants(history.data, now);
  if (recent === null) return <Text className={styles.muted}>Only administrators and readers can see other people's past requests.</Text>;
  const shown = history.data.visible ? history.data.activations.slice(0, 10) : [];
  return (
    <>
      <Text>
        {recent.length === 0 ? 'No activation in the last 30 days.' : `${recent.length} activation${recent.length === 1 ? '' : 's'} in the last 30 days.`}
      </Text>
      {shown.length > 0 && <Text>Latest requests to activate it:</Text>}
      {shown.length > 0 && (
        <ul className={styles.history} aria-label="Latest requests to activate this role">
          {shown.map((a) => {
            const w = requestedWindow(a);
            return (
              <li key={a.id}>
                <Text>
                  {formatInstant(a.createdDateTime)} · {w.length} ·{' '}
                </Text>
                <StatusBadge status={a.status} />
                {a.justification && <Text className={styles.muted}> “{a.justification}”</Text>}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
