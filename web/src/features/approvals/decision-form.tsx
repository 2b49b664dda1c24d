/**
 * The approve/deny form of one request, shown when a stage waits for the caller. A deny needs a
 * justification, and so does an approval when the role's settings say so. After deciding, the page
 * shows the outcome; a 409 (decided meanwhile) is said plainly and the approval is read again.
 */
import { Button, Field, MessageBar, MessageBarBody, MessageBarTitle, Textarea, makeStyles } from '@fluentui/react-components';
import { CheckmarkRegular, DismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { focusOnMount } from './focus.ts';
import type { ApprovableRequest, Decision } from './api.ts';
import { useApproverJustificationRequired } from './context.ts';
import { outcomeLabel, useDecisions } from './use-decisions.ts';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '640px' },
  actions: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
});

type Decidable = Pick<ApprovableRequest, 'id' | 'provider' | 'approvalId' | 'roleId' | 'scope'>;

/**
 * `waiting`: whether a stage still waits for the caller; once it does not, only the outcome of what
 * was tried here is shown. `onTried` tells the page to keep this form shown after the approval changes.
 */
export function DecisionForm({ request, waiting, onTried }: { request: Decidable; waiting: boolean; onTried(): void }) {
  const styles = useStyles();
  const [justification, setJustification] = useState('');
  const [tried, setTried] = useState<Decision | null>(null);
  const { outcomes, busy, run, reset } = useDecisions();
  const policyAsks = useApproverJustificationRequired([request]);
  const outcome = outcomes.get(request.id);
  const missing = (d: Decision) => (d === 'Deny' || policyAsks) && !justification.trim();

  const decide = (decision: Decision) => {
    setTried(decision);
    if (missing(decision)) return;
    reset();
    onTried();
    void run([request], decision, justification);
  };

  if (outcome?.kind === 'decided') {
    return (
      <MessageBar intent="success" role="status" ref={focusOnMount} tabIndex={-1}>
        <MessageBarBody>
          <MessageBarTitle>{outcomeLabel(outcome)}</MessageBarTitle>Your decision is recorded; the requester is told.
        </MessageBarBody>
      </MessageBar>
    );
  }
  const problem = outcome && (
    <MessageBar intent={outcome.kind === 'conflict' ? 'warning' : 'error'} role="alert" ref={focusOnMount} tabIndex={-1}>
      <MessageBarBody>
        <MessageBarTitle>{outcome.kind === 'conflict' ? 'Already decided' : 'Your decision was not recorded'}</MessageBarTitle>
        {outcome.message}
      </MessageBarBody>
    </MessageBar>
  );
  if (!waiting && !busy) return problem ?? null;
  return (
    <form
      noValidate
      className={styles.form}
      onSubmit={(e) => {
        e.preventDefault();
        decide('Approve');
      }}
      aria-label="Your decision"
    >
      {problem}
      <Field
        label="Justification"
        required={policyAsks}
        hint={policyAsks ? "The role's settings ask approvers to say why." : 'Needed to deny; optional to approve. The requester and the audit log keep it.'}
        validationMessage={tried && missing(tried) ? `Say why you ${tried === 'Deny' ? 'deny' : 'approve'} this request.` : undefined}
      >
        <Textarea value={justification} onChange={(_e, d) => setJustification(d.value)} maxLength={500} disabled={busy} resize="vertical" />
      </Field>
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" icon={<CheckmarkRegular />} disabled={busy}>
          {busy && tried === 'Approve' ? 'Approving…' : 'Approve'}
        </Button>
        <Button icon={<DismissRegular />} disabled={busy} onClick={() => decide('Deny')}>
          {busy && tried === 'Deny' ? 'Denying…' : 'Deny'}
        </Button>
      </div>
    </form>
  );
}
