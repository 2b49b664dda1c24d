/**
 * /approve?token=… — where the Approve and Deny links of email and chat land. Following a link
 * changes nothing (mail scanners follow links too): the page shows what the link would do, asks for
 * one confirmation with an optional justification (required when the step asks for one), then
 * decides as the signed-in approver. Signed-out people sign in first and come back here (the Shell).
 */
import { Button, Field, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, Textarea, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkRegular, DismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage, messageOf } from '../../components/error-message.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { formatInstant, useNow } from '../../lib/time.ts';
import { useMe, useSignOut } from '../auth/api.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { focusOnMount } from './focus.ts';
import { requestOfLink, useActOnLink, useApprovalLink, type ApprovalLink, type LinkDecision } from './link-api.ts';
import { useApprovalLookup } from './lookup.ts';
import { actionLabel, useNames } from './names.ts';
import { RequestFacts, StatusBadge } from './request-facts.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    padding: '16px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  actions: { display: 'flex', gap: '12px', flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function ApproveLinkPage() {
  const styles = useStyles();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const link = useApprovalLink(token);

  return (
    <section className={styles.page} aria-labelledby="approve-link-title">
      {/* With the link read, the panel says what it is about (a question only while there is something to decide). */}
      {!link.data && (
        <Title2 as="h1" id="approve-link-title">
          Decide from a link
        </Title2>
      )}
      {token === '' && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>
            This approval link is incomplete: it has no token. Open the whole link from the message, or decide in Approve requests.
          </MessageBarBody>
        </MessageBar>
      )}
      {link.isLoading && <Spinner label="Reading the link…" />}
      {link.error && <LinkProblem error={link.error} />}
      {link.data && <LinkDecisionPanel token={token} link={link.data} onChanged={() => void link.refetch()} />}
    </section>
  );
}

function LinkDecisionPanel({ token, link, onChanged }: { token: string; link: ApprovalLink; onChanged(): void }) {
  const styles = useStyles();
  const fromLink = requestOfLink(link);
  const lookup = useApprovalLookup(link.approvalId, fromLink.provider);
  const known = lookup.data?.request ?? null;
  const request = known ?? fromLink;
  const names = useNames([request]);
  const now = useNow(15_000);
  const withStepUp = useWithStepUp();
  const act = useActOnLink(token);
  const [justification, setJustification] = useState('');
  const [done, setDone] = useState<LinkDecision | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const expired = Date.parse(link.expiresDateTime) <= now;
  const open = !link.used && link.pending && !expired;
  const requestPage = `/approvals/${encodeURIComponent(link.approvalId)}`;
  const who = names.requester(request).displayName;
  const what = `${who}'s request to ${actionLabel(request.action, request.kind).toLowerCase()} ${names.role(request)}`;

  const confirm = async () => {
    setProblem(null);
    try {
      setDone(await withStepUp(() => act.mutateAsync(justification)));
    } catch (e) {
      setProblem(e);
    }
    onChanged();
  };

  if (done) {
    return (
      <>
        <Title2 as="h1" id="approve-link-title">
          {done.decision === 'Approve' ? 'Approved' : 'Denied'}
        </Title2>
        <MessageBar intent="success" role="status" ref={focusOnMount} tabIndex={-1}>
          <MessageBarBody>
            <MessageBarTitle>{done.decision === 'Approve' ? 'Approved' : 'Denied'}</MessageBarTitle>
            Your decision on {what} is recorded; the requester is told. It is now <StatusBadge status={done.status} />.{' '}
            <RouteLink to={requestPage}>Open the request</RouteLink>
          </MessageBarBody>
        </MessageBar>
      </>
    );
  }

  const conflict = problem instanceof ApiError && problem.status === 409;
  const closed = closedState(link);
  return (
    <>
      <Title2 as="h1" id="approve-link-title">
        {open ? `${link.decision} this request?` : expired && !closed ? 'This link has expired' : closed?.title}
      </Title2>
      <Text>
        You opened a link to <strong>{link.decision === 'Approve' ? 'approve' : 'deny'}</strong> {what}.{open ? ' Nothing is decided until you confirm.' : ''}
      </Text>
      {problem !== null && (
        <MessageBar intent={conflict ? 'warning' : 'error'} role="alert" ref={focusOnMount} tabIndex={-1}>
          <MessageBarBody>
            <MessageBarTitle>{conflict ? 'Already decided' : 'Your decision was not recorded'}</MessageBarTitle>
            {messageOf(problem)}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.panel}>
        <RequestFacts request={request} names={names} schedule={known !== null} status={<StatusBadge status={link.request.status} />} />
      </div>
      {closed ? (
        <MessageBar intent="info">
          <MessageBarBody>
            {closed.text} <RouteLink to={requestPage}>Open the request</RouteLink> to see every decision.
          </MessageBarBody>
        </MessageBar>
      ) : expired ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            This link has expired. You can still decide on the request itself: <RouteLink to={requestPage}>open the request</RouteLink>.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <form
          className={styles.panel}
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
          aria-label="Confirm your decision"
        >
          <Field
            label="Justification"
            required={link.justificationRequired}
            hint={link.justificationRequired ? 'This approval step asks approvers to say why.' : 'Optional. The requester and the audit log keep it.'}
          >
            <Textarea value={justification} onChange={(_e, d) => setJustification(d.value)} maxLength={500} disabled={act.isPending} resize="vertical" />
          </Field>
          <div className={styles.actions}>
            <Button
              type="submit"
              appearance="primary"
              icon={link.decision === 'Approve' ? <CheckmarkRegular /> : <DismissRegular />}
              disabled={act.isPending || (link.justificationRequired && !justification.trim())}
            >
              {act.isPending ? (link.decision === 'Approve' ? 'Approving…' : 'Denying…') : link.decision === 'Approve' ? 'Yes, approve' : 'Yes, deny'}
            </Button>
            <RouteLink to={requestPage}>Open the request instead</RouteLink>
          </div>
          <Text size={200} className={styles.muted}>
            The link works once, until {formatInstant(link.expiresDateTime)}.
          </Text>
        </form>
      )}
    </>
  );
}

/**
 * Why a link that works has nothing left to decide, in the words of what happened to the request:
 * the link decided already, or the request was approved, denied, canceled or timed out — or it
 * still waits, but for a later stage's approvers. Null while the link can decide.
 */
function closedState(link: ApprovalLink): { title: string; text: string } | null {
  if (link.used) return { title: 'This link was already used', text: 'This link was already used: each link decides once.' };
  if (link.pending) return null;
  switch (link.request.status) {
    case 'PendingApproval':
      return {
        title: 'No longer waiting for you',
        text: 'This request still waits for approval, but no longer for your decision: you already decided, or your stage is over.',
      };
    case 'Provisioned':
    case 'Granted':
    case 'PendingProvisioning':
    case 'PendingScheduleCreation':
      return { title: 'Already approved', text: 'This request was already approved: there is nothing left to decide.' };
    case 'Denied':
      return { title: 'Already denied', text: 'This request was already denied: there is nothing left to decide.' };
    case 'Canceled':
      return { title: 'Request canceled', text: 'The requester canceled this request: there is nothing left to decide.' };
    case 'TimedOut':
      return { title: 'Request timed out', text: 'This request timed out before it was decided: the requester can ask again.' };
    default:
      return { title: 'Nothing left to decide', text: 'This request no longer waits for a decision.' };
  }
}

/** Why the link cannot be used, in the API's words, and the way on. */
function LinkProblem({ error }: { error: unknown }) {
  const styles = useStyles();
  const me = useMe(true);
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const otherApprover = error instanceof ApiError && error.status === 403;
  const switchAccount = () =>
    signOut.mutate(undefined, {
      onSettled: () => navigate(`/signin?returnTo=${encodeURIComponent(`${location.pathname}${location.search}`)}`, { replace: true }),
    });
  return (
    <>
      <ErrorMessage error={error} title="This link cannot be used" />
      <div className={styles.actions}>
        {otherApprover && (
          <>
            <Text>You are signed in as {me.data?.displayName ?? 'someone else'}.</Text>
            <Button onClick={switchAccount} disabled={signOut.isPending}>
              Sign in as another person
            </Button>
          </>
        )}
        <RouteLink to="/approvals">Go to Approve requests</RouteLink>
      </div>
    </>
  );
}
