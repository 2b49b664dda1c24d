/**
 * The defaults for groups: the member and owner policies at `/`, which every group's own member and owner settings
 * inherit from for the rules they do not set. Edited one access at a time, in the role settings' own sections, each
 * saying which rules are set here (with Reset to inherited) and that the others come from the tenant default.
 */
import { MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { AccessChooser, accessParam } from './access-chooser.tsx';
import { useGroupsDefaultPolicies } from './policy-api.ts';
import { lastChanged, PolicySections } from './policy-sections.tsx';
import { TENANT_DEFAULT_PATH } from './rule-labels.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  head: { display: 'flex', flexDirection: 'column', gap: '6px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function GroupsDefaultPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const access = accessParam(params);
  const policies = useGroupsDefaultPolicies();
  const policy = policies.data?.[access];
  return (
    <section className={styles.page} aria-labelledby="groups-default-title">
      <div className={styles.head}>
        <Text size={200}>
          <RouteLink to="/admin/groups">Groups</RouteLink> ›
        </Text>
        <Title2 as="h1" id="groups-default-title">
          Defaults for groups
        </Title2>
      </div>
      <AccessChooser access={access} onChange={(a) => setParams(a === 'owner' ? { access: 'owner' } : {}, { replace: true })} />
      {policies.isPending && <Spinner label="Loading the defaults for groups…" />}
      <ErrorMessage error={policies.error} title="The defaults for groups could not be loaded" />
      {policies.data && !policy && <Text>The API shows you no defaults for {access} access.</Text>}
      {policy && (
        <>
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              <span>
                Every group’s {access} access settings inherit from these for each setting the group doesn’t set itself, and these inherit from{' '}
                <RouteLink to={TENANT_DEFAULT_PATH}>the tenant default</RouteLink> in turn.
              </span>
              <span className={styles.muted}>{lastChanged(policy, ' Not changed since the tenant was set up.')}</span>
            </MessageBarBody>
          </MessageBar>
          <PolicySections policy={policy} />
        </>
      )}
    </section>
  );
}
