/**
 * The audit log, for those who may read all of it (where OpenPIM's break-glass alerts link): every
 * event, filtered by activity, who, what, role and time, and the hash chain verified on demand.
 * Anyone else sees the API's refusal in its own words.
 */
import { Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { RouteLink } from '../../components/route-link.tsx';
import { AuditView } from './audit-view.tsx';
import { VerifyChain } from './verify-chain.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '12px' },
  lead: { color: tokens.colorNeutralForeground2, maxWidth: '70ch' },
});

export function AuditLogPage() {
  const styles = useStyles();
  return (
    <section className={styles.page} aria-labelledby="audit-log-title">
      <Title2 as="h1" id="audit-log-title">
        Audit log
      </Title2>
      <Text as="p" className={styles.lead}>
        Every change in OpenPIM, newest first. Times are in your time zone.
      </Text>
      <AuditView
        source="all"
        header={<VerifyChain />}
        errorTitle="The audit log could not be loaded"
        denied={
          <Text>
            The whole log is for security readers and administrators. Your own events are in <RouteLink to="/my-audit">My audit</RouteLink>.
          </Text>
        }
        empty={(filtered) => (filtered ? 'No event matches these filters.' : 'The audit log is empty.')}
      />
    </section>
  );
}
