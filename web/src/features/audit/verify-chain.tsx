/**
 * The audit trail's hash chain, verified on demand: walking a big log takes a while, so it runs
 * when asked, shows that it is working (and for how long), and then says plainly whether every
 * link holds or where the first one breaks.
 */
import { Badge, Button, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { messageOf } from '../../components/error-message.tsx';
import { formatInstant, useNow } from '../../lib/time.ts';
import { useVerifyAudit } from './api.ts';

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
    padding: '12px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  row: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { justifyContent: 'flex-start' },
});

export function VerifyChain() {
  const styles = useStyles();
  const verify = useVerifyAudit();
  const now = useNow(1000);
  const started = verify.submittedAt;
  const result = verify.data?.result;
  return (
    <section className={styles.panel} aria-labelledby="verify-heading">
      <div className={styles.row}>
        <h2 id="verify-heading" className={styles.heading}>
          Tamper evidence
        </h2>
        {!verify.isPending && !verify.data && !verify.error && (
          <Badge appearance="outline" color="informative">
            Not verified in this visit
          </Badge>
        )}
        {result?.ok && (
          <Badge appearance="filled" color="success">
            Chain intact
          </Badge>
        )}
        {result && !result.ok && (
          <Badge appearance="filled" color="danger">
            Chain broken
          </Badge>
        )}
        <Button onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.data ? 'Verify again' : 'Verify the chain'}
        </Button>
      </div>
      <div role="status" aria-live="polite">
        {verify.isPending && (
          <Spinner
            size="tiny"
            labelPosition="after"
            className={styles.progress}
            label={`Verifying every event's link to the one before it… ${Math.max(0, Math.round((now - started) / 1000))} s`}
          />
        )}
        {result?.ok && (
          <Text>
            All {result.events.toLocaleString()} events link up, checked at {formatInstant(verify.data!.at)}: none was changed, removed or reordered.
          </Text>
        )}
        {!verify.isPending && !verify.data && !verify.error && (
          <Text className={styles.muted}>
            Each event stores a hash of the one before it. Verifying walks the whole log, which takes a while when it is big.
          </Text>
        )}
      </div>
      {result && !result.ok && result.firstBrokenEvent && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>
            <MessageBarTitle>The first broken link{result.firstBrokenEvent.seq !== null ? ` is at event #${result.firstBrokenEvent.seq}` : ''}</MessageBarTitle>
            {result.firstBrokenEvent.reason}.
            {result.firstBrokenEvent.eventId && (
              <>
                {' '}
                Event id: <code>{result.firstBrokenEvent.eventId}</code>.
              </>
            )}{' '}
            Events up to #{result.events} are intact. Checked at {formatInstant(verify.data!.at)}.
          </MessageBarBody>
        </MessageBar>
      )}
      {verify.error && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>
            <MessageBarTitle>Could not verify</MessageBarTitle>
            {messageOf(verify.error)}
          </MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
