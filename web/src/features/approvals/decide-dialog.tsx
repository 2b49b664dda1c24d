/**
 * Approve or deny one or several requests with one justification. A deny always needs one; an
 * approval needs one when the role's settings ask approvers for it — both said before, not after.
 * The result of each request is shown as the API answered it; a request someone else decided
 * first says so plainly (the inbox refreshes behind the dialog).
 */
import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { ApprovableRequest, Decision } from './api.ts';
import { useApproverJustificationRequired } from './context.ts';
import type { Names } from './names.ts';
import { outcomeLabel, useDecisions, type Outcome } from './use-decisions.ts';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: '12px' },
  list: { display: 'flex', flexDirection: 'column', gap: '6px', margin: 0, paddingLeft: '18px', maxHeight: '40vh', overflowY: 'auto' },
  item: { display: 'flex', gap: '8px', alignItems: 'baseline', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  problem: { color: tokens.colorPaletteRedForeground1 },
});

export function DecideDialog({
  requests,
  decision,
  names,
  onClose,
}: {
  requests: readonly ApprovableRequest[];
  decision: Decision;
  names: Names;
  onClose(): void;
}) {
  const styles = useStyles();
  const [justification, setJustification] = useState('');
  const { outcomes, busy, run } = useDecisions();
  const policyAsks = useApproverJustificationRequired(requests);
  const required = decision === 'Deny' || policyAsks;
  const finished = requests.every((r) => outcomes.has(r.id) && outcomes.get(r.id)!.kind !== 'failed');
  const verb = decision === 'Approve' ? 'Approve' : 'Deny';
  const single = requests.length === 1 ? requests[0]! : null;
  const title = single ? `${verb} ${names.requester(single).displayName}'s request` : `${verb} ${requests.length} requests`;

  const submit = () => {
    if (finished) onClose();
    else void run(requests, decision, justification);
  };

  return (
    <Dialog
      open
      onOpenChange={(_e, d) => {
        if (!d.open && !busy) onClose();
      }}
    >
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent className={styles.body}>
              <ul className={styles.list} aria-label={`Requests to ${verb.toLowerCase()}`}>
                {requests.map((r) => (
                  <li key={r.id}>
                    <span className={styles.item}>
                      <Text weight="semibold">{names.requester(r).displayName}</Text>
                      <Text>{names.role(r)}</Text>
                      <Text size={200} className={styles.muted}>
                        {names.scope(r)}
                      </Text>
                      <OutcomeBadge outcome={outcomes.get(r.id)} />
                    </span>
                  </li>
                ))}
              </ul>
              <Field
                label={requests.length > 1 ? 'Justification (for every selected request)' : 'Justification'}
                required={required}
                hint={
                  decision === 'Deny'
                    ? 'The requester reads it with the denial.'
                    : policyAsks
                      ? "The role's settings ask approvers to say why."
                      : 'Optional. The requester and the audit log keep it.'
                }
              >
                <Textarea value={justification} onChange={(_e, d) => setJustification(d.value)} maxLength={500} disabled={busy || finished} resize="vertical" />
              </Field>
            </DialogContent>
            <DialogActions>
              {!finished && (
                <Button onClick={onClose} disabled={busy}>
                  Cancel
                </Button>
              )}
              {/* The same button becomes Close, so keyboard focus stays in the dialog when the decisions are done. */}
              <Button type="submit" appearance="primary" disabledFocusable={busy} disabled={!busy && !finished && required && !justification.trim()}>
                {finished ? 'Close' : busy ? `${decision === 'Approve' ? 'Approving' : 'Denying'}…` : requests.length > 1 ? `${verb} ${requests.length}` : verb}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/** One request's result: a badge, and the API's own words when it did not go through. */
export function OutcomeBadge({ outcome }: { outcome: Outcome | undefined }) {
  const styles = useStyles();
  if (!outcome) return null;
  if (outcome.kind === 'decided') {
    return (
      <Badge appearance="filled" color={outcome.result.decision === 'Deny' ? 'danger' : 'success'}>
        {outcomeLabel(outcome)}
      </Badge>
    );
  }
  return (
    <span role="alert" className={styles.item}>
      <Badge appearance="tint" color={outcome.kind === 'conflict' ? 'warning' : 'danger'}>
        {outcomeLabel(outcome)}
      </Badge>
      <Text size={200} className={outcome.kind === 'failed' ? styles.problem : undefined}>
        {outcome.message}
      </Text>
    </span>
  );
}
