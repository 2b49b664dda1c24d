/**
 * The tenant default role settings: the one policy every role's settings inherit from for the rules they do not set
 * (and groups' member and owner settings, through the defaults for groups). Edited in the role settings' own
 * sections; it sets every rule, so nothing here is inherited or reset.
 */
import { MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { useTenantDefaultPolicy } from './policy-api.ts';
import { groupsDefaultPath } from './rule-labels.ts';
import { lastChanged, PolicySections } from './policy-sections.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  head: { display: 'flex', flexDirection: 'column', gap: '6px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function TenantDefaultPage() {
  const styles = useStyles();
  const policy = useTenantDefaultPolicy();
  const p = policy.data;
  return (
    <section className={styles.page} aria-labelledby="tenant-default-title">
      <div className={styles.head}>
        <Text size={200}>
          <RouteLink to="/admin/roles">Roles</RouteLink> ›
        </Text>
        <Title2 as="h1" id="tenant-default-title">
          Tenant default settings
        </Title2>
      </div>
      {policy.isPending && <Spinner label="Loading the tenant default settings…" />}
      <ErrorMessage error={policy.error} title="The tenant default settings could not be loaded" />
      {p === null && <Text>The API shows you no tenant default settings.</Text>}
      {p && (
        <>
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              Every role’s settings inherit from these defaults for each setting they don’t set themselves — and so do groups’ member and owner settings,
              through the <RouteLink to={groupsDefaultPath()}>defaults for groups</RouteLink>.
              <span className={styles.muted}>{lastChanged(p, ' Not changed since the tenant was set up.')}</span>
            </MessageBarBody>
          </MessageBar>
          <PolicySections policy={p} />
        </>
      )}
    </section>
  );
}
