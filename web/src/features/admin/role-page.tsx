/**
 * A role's assignments, as Entra lays them out: Eligible / Active / Expired tabs listing who holds
 * it, where, from when until when and how (direct, through a group); add, update, extend, remove.
 */
import { Button, MessageBar, MessageBarBody, Spinner, Tab, TabList, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { AddRegular, SettingsRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { placeName, useAdministrativeUnits, useResourceScopes, type Place } from './api.ts';
import { AssignDialog } from './assign-dialog.tsx';
import { adminRulesOf, policyAt } from './assignment-rules.ts';
import { ChangeDialog, type Change } from './change-dialog.tsx';
import { HoldersList } from './holders-list.tsx';
import { useRolePolicies } from './policy-api.ts';
import { RoleBadges } from './roles-page.tsx';
import { kindOf, useCatalogue, useExpiredHolders, useHolders, type HolderKind, type Holding } from './roles-api.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  head: { display: 'flex', flexDirection: 'column', gap: '6px' },
  tools: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  tabs: { flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

type View = HolderKind | 'expired';

export function RolePage() {
  const styles = useStyles();
  const { roleId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const view: View = params.get('view') === 'active' ? 'active' : params.get('view') === 'expired' ? 'expired' : 'eligible';
  const catalogue = useCatalogue();
  const role = catalogue.data?.find((r) => r.id === roleId);
  const units = useAdministrativeUnits();
  const resources = useResourceScopes();
  const policies = useRolePolicies(roleId);
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<{ change: Change; holding: Holding; kind: HolderKind } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (catalogue.isPending) return <Spinner label="Loading the role…" />;
  if (catalogue.error) return <ErrorMessage error={catalogue.error} title="The role could not be loaded" />;
  if (!role) {
    return (
      <section className={styles.page}>
        <Title2 as="h1">Role not found</Title2>
        <Text>
          No role has this id. <RouteLink to="/admin/roles">Back to Roles</RouteLink>
        </Text>
      </section>
    );
  }
  const kind = kindOf(role);
  const directoryPlaces: Place[] = [{ id: '/', displayName: 'Directory' }, ...(units.data ?? [])];
  const places: Place[] = kind === 'resource' ? (resources.data ?? []) : kind === 'custom' ? [...directoryPlaces, ...(resources.data ?? [])] : directoryPlaces;
  const allPlaces = [...directoryPlaces, ...(resources.data ?? [])];
  const scopeName = (scope: string) => placeName(scope, allPlaces);

  return (
    <section className={styles.page} aria-labelledby="role-title">
      <div className={styles.head}>
        <Text size={200}>
          <RouteLink to="/admin/roles">Roles</RouteLink> ›
        </Text>
        <Title2 as="h1" id="role-title">
          {role.displayName}
        </Title2>
        <RoleBadges role={role} />
        {role.description && <Text className={styles.muted}>{role.description}</Text>}
      </div>
      <div className={styles.tools}>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          onClick={() => {
            setNotice(null);
            setAdding(true);
          }}
          disabled={places.length === 0}
        >
          Add assignment
        </Button>
        <Button icon={<SettingsRegular />} onClick={() => navigate(`/admin/roles/${encodeURIComponent(roleId)}/settings`)}>
          Role settings
        </Button>
      </div>
      {kind === 'resource' && resources.data?.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            No resource scope is registered yet: a resource role is assigned at one. Register it on <RouteLink to="/admin/scopes">Resource scopes</RouteLink>.
          </MessageBarBody>
        </MessageBar>
      )}
      {notice && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      <TabList
        className={styles.tabs}
        selectedValue={view}
        onTabSelect={(_e, d) => setParams(d.value === 'eligible' ? {} : { view: String(d.value) }, { replace: true })}
        aria-label="Assignments"
      >
        <Tab value="eligible">Eligible assignments</Tab>
        <Tab value="active">Active assignments</Tab>
        <Tab value="expired">Expired assignments</Tab>
      </TabList>
      {view === 'expired' ? (
        <>
          <Text className={styles.muted}>
            What ran out in the last 30 days; renew it from here, or the holder asks to from My roles. Older history is in{' '}
            <RouteLink to="/audit">the audit log</RouteLink>.
          </Text>
          {(['eligible', 'active'] as const).map((k) => (
            <ExpiredHolders
              key={k}
              roleId={roleId}
              kind={k}
              roleName={role.displayName}
              scopeName={scopeName}
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
          roleId={roleId}
          kind={view}
          roleName={role.displayName}
          scopeName={scopeName}
          onChange={(change, holding) => {
            setNotice(null);
            setChanging({ change, holding, kind: view });
          }}
        />
      )}
      {adding && (
        <AssignDialog
          target={{ provider: 'directory', roleId, places, policies: policies.data }}
          name={role.displayName}
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
          roleName={role.displayName}
          scopeName={scopeName(changing.holding.directoryScopeId)}
          justificationRequired={adminRulesOf(policyAt(policies.data, changing.holding.directoryScopeId), changing.kind)?.justification ?? false}
          onClose={() => setChanging(null)}
          onDone={(m) => {
            setChanging(null);
            setNotice(m);
          }}
        />
      )}
    </section>
  );
}

function ExpiredHolders({
  roleId,
  kind,
  roleName,
  scopeName,
  onChange,
}: {
  roleId: string;
  kind: HolderKind;
  roleName: string;
  scopeName(scope: string): string;
  onChange(change: Change, h: Holding): void;
}) {
  const expired = useExpiredHolders(roleId, kind);
  const what = kind === 'eligible' ? 'Expired eligibilities' : 'Expired active assignments';
  if (expired.isPending) return <Spinner label={`Loading ${what.toLowerCase()}…`} />;
  if (expired.error) return <ErrorMessage error={expired.error} title={`${what} could not be loaded`} />;
  return (
    <section aria-label={what}>
      <Text as="h2" weight="semibold" block>
        {what}
      </Text>
      {expired.data.length === 0 ? (
        <Text>None in the last 30 days.</Text>
      ) : (
        <HoldersList
          kind={kind}
          items={expired.data}
          roleName={roleName}
          label={`${what} of ${roleName}`}
          showState={false}
          place={{ label: 'Scope', name: (h) => scopeName(h.directoryScopeId) }}
          onChange={onChange}
        />
      )}
    </section>
  );
}

function Holders({
  roleId,
  kind,
  roleName,
  scopeName,
  onChange,
}: {
  roleId: string;
  kind: HolderKind;
  roleName: string;
  scopeName(scope: string): string;
  onChange(change: Change, h: Holding): void;
}) {
  const holders = useHolders(roleId, kind);
  const items = holders.data?.pages.flatMap((p) => p.value) ?? [];
  if (holders.isPending) return <Spinner label="Loading assignments…" />;
  if (holders.error) return <ErrorMessage error={holders.error} title="The assignments could not be loaded" />;
  if (items.length === 0) {
    return (
      <Text>{kind === 'eligible' ? `Nobody is eligible for ${roleName}.` : `Nobody holds ${roleName} now.`} Use “Add assignment” to give it to someone.</Text>
    );
  }
  return (
    <>
      <HoldersList kind={kind} items={items} roleName={roleName} place={{ label: 'Scope', name: (h) => scopeName(h.directoryScopeId) }} onChange={onChange} />
      {holders.hasNextPage && (
        <Button onClick={() => void holders.fetchNextPage()} disabled={holders.isFetchingNextPage} style={{ alignSelf: 'flex-start' }}>
          {holders.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </Button>
      )}
    </>
  );
}
