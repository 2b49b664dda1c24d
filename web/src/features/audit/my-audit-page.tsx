/** My audit: what the signed-in person did in OpenPIM, and what was done to them or their requests. */
import { Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { AuditView } from './audit-view.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '12px' },
  lead: { color: tokens.colorNeutralForeground2, maxWidth: '70ch' },
});

export function MyAuditPage() {
  const styles = useStyles();
  return (
    <section className={styles.page} aria-labelledby="my-audit-title">
      <Title2 as="h1" id="my-audit-title">
        My audit
      </Title2>
      <Text as="p" className={styles.lead}>
        Everything you did in OpenPIM, and everything done to your account or your requests — by administrators, approvers or OpenPIM itself. Times are in your
        time zone.
      </Text>
      <AuditView
        source="mine"
        errorTitle="Your audit events could not be loaded"
        empty={(filtered) => (filtered ? 'No event of yours matches these filters.' : 'There are no events about you yet.')}
      />
    </section>
  );
}
