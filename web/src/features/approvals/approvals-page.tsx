/**
 * Approve requests: every pending request the signed-in person may decide now — roles and groups —
 * with who asks, for what, where, why, for when, and how often they activated it lately. Approve or
 * deny one, or select several and decide them with one justification. The list refreshes itself.
 */
import { Button, MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, CheckmarkRegular, DismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useApproverInbox, type ApprovableRequest, type Decision } from './api.ts';
import { useActivationHistories } from './context.ts';
import { DecideDialog } from './decide-dialog.tsx';
import { InboxCards, InboxTable } from './inbox-rows.tsx';
import { useNames } from './names.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  toolbar: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  spacer: { flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
  empty: {
    display: 'flex',
    flexDirection: 'column',
    gap: '4px',
    alignItems: 'center',
    padding: '32px 16px',
    textAlign: 'center',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px dashed ${tokens.colorNeutralStroke2}`,
  },
});

interface Deciding {
  readonly requests: readonly ApprovableRequest[];
  readonly decision: Decision;
}

export function ApprovalsPage() {
  const styles = useStyles();
  const inbox = useApproverInbox();
  const requests = inbox.data ?? [];
  const histories = useActivationHistories(requests);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  // The dialog's requests keep their names after the refreshed inbox no longer lists them.
  const names = useNames(deciding ? [...requests, ...deciding.requests] : requests);
  // Requests decided elsewhere drop out of the selection when the list refreshes.
  const chosen = requests.filter((r) => selected.has(r.id));
  const historyHidden = [...histories.values()].some((h) => !h.visible);

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const rows = {
    requests,
    names,
    histories,
    selected,
    toggle,
    toggleAll: (on: boolean) => setSelected(on ? new Set(requests.map((r) => r.id)) : new Set()),
    decide: (r: ApprovableRequest, decision: Decision) => setDeciding({ requests: [r], decision }),
  };

  return (
    <section className={styles.page} aria-labelledby="approvals-title">
      <Title2 as="h1" id="approvals-title" tabIndex={-1}>
        Approve requests
      </Title2>
      <Text>Requests waiting for your decision, oldest first. Open one to see its approval stages and every decision so far.</Text>
      {inbox.isPending && <Spinner label="Loading the requests waiting for you…" />}
      <ErrorMessage error={inbox.error} title="The requests waiting for you could not be loaded" />
      {inbox.data && requests.length === 0 && (
        <div className={styles.empty} role="status">
          <Text size={400} weight="semibold">
            Nothing waits for your approval.
          </Text>
          <Text className={styles.muted}>New requests appear here by themselves.</Text>
        </div>
      )}
      {requests.length > 0 && (
        <>
          <div className={styles.toolbar}>
            <Button
              appearance="primary"
              icon={<CheckmarkRegular />}
              disabled={chosen.length === 0}
              onClick={() => setDeciding({ requests: chosen, decision: 'Approve' })}
            >
              Approve selected ({chosen.length})
            </Button>
            <Button icon={<DismissRegular />} disabled={chosen.length === 0} onClick={() => setDeciding({ requests: chosen, decision: 'Deny' })}>
              Deny selected ({chosen.length})
            </Button>
            <span className={styles.spacer} />
            <Button appearance="subtle" icon={<ArrowClockwiseRegular />} disabled={inbox.isFetching} onClick={() => void inbox.refetch()}>
              {inbox.isFetching ? 'Refreshing…' : 'Refresh'}
            </Button>
          </div>
          {historyHidden && (
            <MessageBar intent="info">
              <MessageBarBody>Requesters' past activations are shown to administrators and readers only.</MessageBarBody>
            </MessageBar>
          )}
          <InboxTable {...rows} />
          <InboxCards {...rows} />
        </>
      )}
      {deciding && (
        <DecideDialog
          requests={deciding.requests}
          decision={deciding.decision}
          names={names}
          onClose={() => {
            setDeciding(null);
            setSelected(new Set());
            // What opened the dialog is gone or disabled once decided: keyboard focus goes back to the page's start.
            window.setTimeout(() => document.getElementById('approvals-title')?.focus(), 0);
          }}
        />
      )}
    </section>
  );
}
