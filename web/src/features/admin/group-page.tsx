/**
 * A group, as Entra lays it out: its name, whether it is role-assignable, its description; then
 * Members (static directory membership), Assignments (PIM for Groups: eligible and active member
 * and owner access — add, update, extend, remove, as for a role) and Settings (the member and owner
 * policies, in the role settings' own sections).
 */
import { Button, MessageBar, MessageBarBody, Spinner, Tab, TabList, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { AccessChooser, accessParam } from './access-chooser.tsx';
import { usePrincipals } from './api.ts';
import { AssignDialog } from './assign-dialog.tsx';
import { adminRulesOf } from './assignment-rules.ts';
import { ChangeDialog, type Change } from './change-dialog.tsx';
import { GroupMembers } from './group-members.tsx';
import { GroupBadge } from './groups-page.tsx';
import { toHolding, useExpiredGroupSchedules, useGroup, useGroupSchedules, type Group } from './groups-api.ts';
import { HoldersList } from './holders-list.tsx';
import { ACCESS_LABEL } from './names.ts';
import { useGroupPolicies, type GroupAccess } from './policy-api.ts';
import { lastChanged, PolicySections } from './policy-sections.tsx';
import type { HolderKind, Holding } from './roles-api.ts';
import { GroupsDefaultLink } from './settings-links.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  head: { display: 'flex', flexDirection: 'column', gap: '6px', overflowWrap: 'anywhere' },
  tools: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  tabs: { flexWrap: 'wrap' },
  panel: { display: 'flex', flexDirection: 'column', gap: '12px' },
  settings: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  chooser: { display: 'flex', gap: '8px 16px', alignItems: 'flex-end', justifyContent: 'space-between', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Tab = 'members' | 'assignments' | 'settings';
type View = HolderKind | 'expired';

const accessOf = (h: Holding): GroupAccess => (h.roleDefinitionId === 'owner' ? 'owner' : 'member');

export function GroupPage() {
  const styles = useStyles();
  const { groupId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const group = useGroup(groupId);
  const tab: Tab = params.get('tab') === 'assignments' ? 'assignments' : params.get('tab') === 'settings' ? 'settings' : 'members';
  const show = (next: Tab) => setParams(next === 'members' ? {} : { tab: next }, { replace: true });

  if (group.isPending) return <Spinner label="Loading the group…" />;
  if (group.error instanceof ApiError && group.error.status === 404) {
    return (
      <section className={styles.page} aria-labelledby="group-title">
        <Title2 as="h1" id="group-title">
          Group not found
        </Title2>
        <Text>
          No group has this id. <RouteLink to="/admin/groups">Back to Groups</RouteLink>
        </Text>
      </section>
    );
  }
  if (group.error) return <ErrorMessage error={group.error} title="The group could not be loaded" />;
  const g = group.data;

  return (
    <section className={styles.page} aria-labelledby="group-title">
      <div className={styles.head}>
        <Text size={200}>
          <RouteLink to="/admin/groups">Groups</RouteLink> ›
        </Text>
        <Title2 as="h1" id="group-title">
          {g.displayName}
        </Title2>
        <span>
          <GroupBadge assignable={g.isAssignableToRole} />
        </span>
        <Text className={styles.muted}>
          {g.isAssignableToRole
            ? 'Roles can be assigned to this group; its members hold them.'
            : 'Not role-assignable: roles cannot be assigned to this group.'}
        </Text>
        {g.description && <Text>{g.description}</Text>}
      </div>
      <TabList className={styles.tabs} selectedValue={tab} onTabSelect={(_e, d) => show(d.value as Tab)} aria-label="Group">
        <Tab value="members">Members</Tab>
        <Tab value="assignments">Assignments</Tab>
        <Tab value="settings">Settings</Tab>
      </TabList>
      {tab === 'members' && <GroupMembers group={g} />}
      {tab === 'assignments' && <Assignments group={g} />}
      {tab === 'settings' && <Settings group={g} />}
    </section>
  );
}

/** PIM for Groups: who is eligible for or holds the member and owner access; add, update, extend, remove. */
function Assignments({ group }: { group: Group }) {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'active' ? 'active' : params.get('view') === 'expired' ? 'expired' : 'eligible';
  const policies = useGroupPolicies(group.id);
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<{ change: Change; holding: Holding; kind: HolderKind } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const choose = (v: string) => setParams(v === 'eligible' ? { tab: 'assignments' } : { tab: 'assignments', view: v }, { replace: true });
  const accessName = (h: Holding) => `${group.displayName} (${accessOf(h)})`;

  return (
    <div className={styles.panel}>
      <div className={styles.tools}>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          onClick={() => {
            setNotice(null);
            setAdding(true);
          }}
        >
          Add assignment
        </Button>
      </div>
      <Text size={200} className={styles.muted}>
        Privileged access to the group (PIM for Groups): a member holds what the group holds, an owner manages its members — for as long as the assignment
        lasts, or once activated when eligible.
      </Text>
      {notice && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      <TabList className={styles.tabs} selectedValue={view} onTabSelect={(_e, d) => choose(String(d.value))} aria-label="Assignments">
        <Tab value="eligible">Eligible assignments</Tab>
        <Tab value="active">Active assignments</Tab>
        <Tab value="expired">Expired assignments</Tab>
      </TabList>
      {view === 'expired' ? (
        <>
          <Text>
            What ran out in the last 30 days; renew it from here, or the holder asks to from My roles. Older history is in{' '}
            <RouteLink to="/audit">the audit log</RouteLink>.
          </Text>
          {(['eligible', 'active'] as const).map((k) => (
            <ExpiredHolders
              key={k}
              group={group}
              kind={k}
              itemName={accessName}
              onChange={(change, holding) => {
                setNotice(null);
                setChanging({ change, holding, kind: k });
              }}
            />
          ))}
        </>
      ) : (
        <Holders
          key={view}
          group={group}
          kind={view}
          itemName={accessName}
          onChange={(change, holding) => {
            setNotice(null);
            setChanging({ change, holding, kind: view });
          }}
        />
      )}
      {adding && (
        <AssignDialog
          target={{ provider: 'group', groupId: group.id, isAssignableToRole: group.isAssignableToRole, initialAccess: 'member', policies: policies.data }}
          name={group.displayName}
          initialKind={view === 'active' ? 'active' : 'eligible'}
          onClose={() => setAdding(false)}
          onDone={(m) => {
            setAdding(false);
            setNotice(m);
          }}
        />
      )}
      {changing && (
        <ChangeDialog
          {...changing}
          roleName={accessName(changing.holding)}
          justificationRequired={adminRulesOf(policies.data?.[accessOf(changing.holding)], changing.kind)?.justification ?? false}
          onClose={() => setChanging(null)}
          onDone={(m) => {
            setChanging(null);
            setNotice(m);
          }}
        />
      )}
    </div>
  );
}

function ExpiredHolders({
  group,
  kind,
  itemName,
  onChange,
}: {
  group: Group;
  kind: HolderKind;
  itemName(h: Holding): string;
  onChange(change: Change, h: Holding): void;
}) {
  const expired = useExpiredGroupSchedules(group.id, kind);
  const principals = usePrincipals();
  const what = kind === 'eligible' ? 'Expired eligibilities' : 'Expired active assignments';
  if (expired.isPending) return <Spinner label={`Loading ${what.toLowerCase()}…`} />;
  if (expired.error) return <ErrorMessage error={expired.error} title={`${what} could not be loaded`} />;
  const items = expired.data.map((s) => toHolding(s, principals.data));
  return (
    <section aria-label={what}>
      <Text as="h2" weight="semibold" block>
        {what}
      </Text>
      {items.length === 0 ? (
        <Text>None in the last 30 days.</Text>
      ) : (
        <HoldersList
          kind={kind}
          items={items}
          roleName={group.displayName}
          itemName={itemName}
          label={`${what} of ${group.displayName}`}
          showState={false}
          place={{ label: 'Role', name: (h) => ACCESS_LABEL[accessOf(h)] }}
          onChange={onChange}
        />
      )}
    </section>
  );
}

function Holders({
  group,
  kind,
  itemName,
  onChange,
}: {
  group: Group;
  kind: HolderKind;
  itemName(h: Holding): string;
  onChange(change: Change, h: Holding): void;
}) {
  const schedules = useGroupSchedules(group.id, kind);
  const principals = usePrincipals();
  if (schedules.isPending) return <Spinner label="Loading assignments…" />;
  if (schedules.error) return <ErrorMessage error={schedules.error} title="The assignments could not be loaded" />;
  const items = schedules.data
    .map((s) => toHolding(s, principals.data))
    .sort(
      (a, b) =>
        a.roleDefinitionId.localeCompare(b.roleDefinitionId) ||
        (a.principal?.displayName ?? a.principalId).localeCompare(b.principal?.displayName ?? b.principalId),
    );
  if (items.length === 0) {
    return (
      <Text>
        {kind === 'eligible' ? `Nobody is eligible for ${group.displayName}.` : `Nobody holds access to ${group.displayName} now.`} Use “Add assignment” to give
        it to someone.
      </Text>
    );
  }
  return (
    <HoldersList
      kind={kind}
      items={items}
      roleName={group.displayName}
      itemName={itemName}
      place={{ label: 'Role', name: (h) => ACCESS_LABEL[accessOf(h)] }}
      onChange={onChange}
    />
  );
}

/** The member and owner policies, one at a time, in the role settings' sections; the way to the defaults for groups they inherit. */
function Settings({ group }: { group: Group }) {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const access = accessParam(params);
  const policies = useGroupPolicies(group.id);
  const policy = policies.data?.[access];
  return (
    <div className={styles.settings}>
      <div className={styles.chooser}>
        <AccessChooser
          access={access}
          onChange={(a) => setParams(a === 'owner' ? { tab: 'settings', access: 'owner' } : { tab: 'settings' }, { replace: true })}
        />
        <GroupsDefaultLink access={access} />
      </div>
      {policies.isPending && <Spinner label="Loading the settings…" />}
      <ErrorMessage error={policies.error} title="The settings could not be loaded" />
      {policies.data && !policy && <Text>This group has no {access} policy the API shows to you.</Text>}
      {policy && (
        <>
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              These settings govern {access === 'owner' ? 'ownership' : 'membership'} of this group through PIM for Groups: activating it, assigning it, and who
              is told. A setting not set here is inherited from the defaults for groups, then from the tenant default.
              {lastChanged(policy, ' Not changed since the group was made.')}
            </MessageBarBody>
          </MessageBar>
          <PolicySections policy={policy} />
        </>
      )}
    </div>
  );
}
