/**
 * One resource scope on the Resource scopes page: its path, name and parent; its eligible and
 * active assignments — made at it (add, update, extend, remove: the role page's dialogs) and
 * inherited from the scopes above (marked with where they were made); and who holds access there
 * now, as the access engine answers it (direct, inherited, members of holder groups).
 */
import { Button, Caption1, MessageBar, MessageBarBody, Spinner, Subtitle2, Tab, TabList, Text, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { placeName, usePrincipals, type Place } from './api.ts';
import { AssignDialog } from './assign-dialog.tsx';
import { adminRulesOf, policyAt } from './assignment-rules.ts';
import { ChangeDialog, type Change } from './change-dialog.tsx';
import { HoldersList } from './holders-list.tsx';
import { memberTypeLabel } from './names.ts';
import { useRolePolicies } from './policy-api.ts';
import { kindOf, useCatalogue, type HolderKind, type Holding } from './roles-api.ts';
import { parentPath, scopeHref, scopeKeys, typeOf, useHoldersAt, useInheritedAt, useSchedulesAt, type AccessHolder } from './scopes-api.ts';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '12px', minWidth: 0 },
  heading: { margin: 0 },
  facts: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: '16px', rowGap: '4px', margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  tools: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  tabs: { flexWrap: 'wrap' },
  part: { display: 'flex', flexDirection: 'column', gap: '8px', marginTop: '8px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

type View = HolderKind | 'access';

export interface ScopeDetailsProps {
  readonly scope: Place;
  /** Registered scopes (with `/` as Directory), to name the places assignments come from. */
  readonly places: readonly Place[];
  /** The address of a scope on this page, or null when it is not registered (no page to go to). */
  linkTo(path: string): string | null;
  onRegisterBelow(): void;
}

export function ScopeDetails({ scope, places, linkTo, onRegisterBelow }: ScopeDetailsProps) {
  const styles = useStyles();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const view: View = params.get('view') === 'active' ? 'active' : params.get('view') === 'access' ? 'access' : 'eligible';
  const catalogue = useCatalogue();
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<{ change: Change; holding: Holding; kind: HolderKind } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const roleNames = new Map((catalogue.data ?? []).map((r) => [r.id, r.displayName]));
  const roleName = (id: string) => roleNames.get(id) ?? id;
  const assignable = (catalogue.data ?? [])
    .filter((r) => r.isEnabled && kindOf(r) !== 'directory')
    .sort((a, b) => (kindOf(a) === kindOf(b) ? a.displayName.localeCompare(b.displayName) : kindOf(a) === 'resource' ? -1 : 1));
  const scopeName = (path: string) => placeName(path, places);
  /** Where something comes from: this scope, or a link to the one above it was made at. */
  const from = (path: string): ReactNode => {
    if (path === scope.id) return 'This scope';
    const to = linkTo(path);
    return to ? <RouteLink to={to}>{scopeName(path)}</RouteLink> : scopeName(path);
  };
  const parent = scope.parentId ?? parentPath(scope.id);
  const done = (message: string) => {
    setAdding(false);
    setChanging(null);
    setNotice(message);
    void client.invalidateQueries({ queryKey: scopeKeys.all });
  };
  const setView = (v: string) => navigate(scopeHref(scope.id, v === 'eligible' ? null : v), { replace: true });

  return (
    <section className={styles.root} aria-labelledby="scope-title">
      <Title3 as="h2" id="scope-title" className={styles.heading}>
        {scope.displayName}
      </Title3>
      <dl className={styles.facts}>
        <dt className={styles.term}>Path</dt>
        <dd className={styles.value}>
          <span className={styles.path}>{scope.id}</span>
        </dd>
        <dt className={styles.term}>Type</dt>
        <dd className={styles.value}>{typeOf(scope.id) || '—'}</dd>
        <dt className={styles.term}>Parent</dt>
        <dd className={styles.value}>
          {parent === '/' ? 'None: a top-level scope, directly below the directory' : from(parent)}
          {parent !== '/' && !linkTo(parent) && <Caption1 className={styles.muted}> (not registered)</Caption1>}
        </dd>
      </dl>
      <div className={styles.tools}>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          disabled={assignable.length === 0}
          onClick={() => {
            setNotice(null);
            setAdding(true);
          }}
        >
          Add assignment
        </Button>
        <Button onClick={onRegisterBelow}>Register scope below</Button>
      </div>
      {notice && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      <ErrorMessage error={catalogue.error} title="The roles could not be loaded" />
      <TabList className={styles.tabs} selectedValue={view} onTabSelect={(_e, d) => setView(String(d.value))} aria-label="Access at this scope">
        <Tab value="eligible">Eligible assignments</Tab>
        <Tab value="active">Active assignments</Tab>
        <Tab value="access">Access now</Tab>
      </TabList>
      {view === 'access' ? (
        <AccessNow scope={scope} roleName={roleName} from={from} />
      ) : (
        <Assignments
          key={view}
          scope={scope}
          kind={view}
          roleName={roleName}
          from={from}
          onChange={(change, holding) => {
            setNotice(null);
            setChanging({ change, holding, kind: view });
          }}
        />
      )}
      {adding && (
        <AssignDialog
          target={{ provider: 'scope', scope, roles: assignable }}
          name={scope.displayName}
          initialKind={view === 'active' ? 'active' : 'eligible'}
          onClose={() => setAdding(false)}
          onDone={done}
        />
      )}
      {changing && (
        <ChangeAtScope
          {...changing}
          roleName={roleName(changing.holding.roleDefinitionId)}
          scopeName={scopeName(scope.id)}
          onClose={() => setChanging(null)}
          onDone={done}
        />
      )}
    </section>
  );
}

/** The change dialog, with what the role's settings at this scope ask of it. */
function ChangeAtScope({
  change,
  holding,
  kind,
  roleName,
  scopeName,
  onClose,
  onDone,
}: {
  change: Change;
  holding: Holding;
  kind: HolderKind;
  roleName: string;
  scopeName: string;
  onClose(): void;
  onDone(message: string): void;
}) {
  const policies = useRolePolicies(holding.roleDefinitionId);
  return (
    <ChangeDialog
      change={change}
      holding={holding}
      kind={kind}
      roleName={roleName}
      scopeName={scopeName}
      justificationRequired={adminRulesOf(policyAt(policies.data, holding.directoryScopeId), kind)?.justification ?? false}
      onClose={onClose}
      onDone={onDone}
    />
  );
}

interface PartProps {
  readonly scope: Place;
  roleName(id: string): string;
  from(path: string): ReactNode;
}

function Assignments({ scope, kind, roleName, from, onChange }: PartProps & { kind: HolderKind; onChange(change: Change, h: Holding): void }) {
  const styles = useStyles();
  const here = useSchedulesAt(scope.id, kind);
  const inherited = useInheritedAt(scope.id, kind);
  const what = kind === 'eligible' ? 'Eligible' : 'Active';
  return (
    <>
      <div className={styles.part}>
        <Subtitle2 as="h3" className={styles.heading}>
          Assigned at this scope
        </Subtitle2>
        {here.isPending ? (
          <Spinner size="small" label="Loading assignments…" />
        ) : here.error ? (
          <ErrorMessage error={here.error} title="The assignments could not be loaded" />
        ) : here.data.length === 0 ? (
          <Text>
            {kind === 'eligible' ? 'Nobody is eligible for a role at this scope.' : 'Nobody holds a role assigned at this scope.'} Use “Add assignment” to give
            one.
          </Text>
        ) : (
          <HoldersList
            kind={kind}
            items={here.data}
            roleName={scope.displayName}
            label={`${what} assignments at ${scope.displayName}`}
            fitContainer
            showMembership={false}
            place={{ label: 'Role', name: (h) => roleName(h.roleDefinitionId) }}
            itemName={(h) => roleName(h.roleDefinitionId)}
            onChange={onChange}
          />
        )}
      </div>
      <div className={styles.part}>
        <Subtitle2 as="h3" className={styles.heading}>
          Inherited from above
        </Subtitle2>
        <Text size={200} className={styles.muted}>
          In effect now, made at a scope above this one: they apply here too. Change them where they were made.
        </Text>
        {inherited.isPending ? (
          <Spinner size="small" label="Loading inherited assignments…" />
        ) : inherited.error ? (
          <ErrorMessage error={inherited.error} title="The inherited assignments could not be loaded" />
        ) : inherited.data.length === 0 ? (
          <Text>Nothing {kind === 'eligible' ? 'eligible' : 'active'} is inherited from above.</Text>
        ) : (
          <HoldersList
            kind={kind}
            items={inherited.data}
            roleName={scope.displayName}
            label={`${what} assignments inherited at ${scope.displayName}`}
            fitContainer
            showMembership={false}
            place={{ label: 'Role', name: (h) => roleName(h.roleDefinitionId) }}
            source={{ label: 'Inherited from', name: (h) => from(h.directoryScopeId) }}
          />
        )}
      </div>
    </>
  );
}

/** A holder of access now, in the shape the holders list shows. */
function asHolding(h: AccessHolder, name: (id: string) => { displayName: string; detail: string | null; group: boolean } | undefined): Holding {
  const who = name(h.principalId);
  return {
    id: `${h.principalId}|${h.grantId}`,
    principalId: h.principalId,
    roleDefinitionId: h.roleDefinitionId,
    directoryScopeId: h.scopeId,
    memberType: h.memberType,
    scheduleInfo: {
      startDateTime: h.startDateTime,
      expiration: { type: h.endDateTime ? 'afterDateTime' : 'noExpiration', endDateTime: h.endDateTime, duration: null },
    },
    principal: who
      ? { '@odata.type': who.group ? '#microsoft.graph.group' : '#microsoft.graph.user', displayName: who.displayName, userPrincipalName: who.detail }
      : null,
  };
}

function AccessNow({ scope, roleName, from }: PartProps) {
  const styles = useStyles();
  const holders = useHoldersAt(scope.id);
  const principals = usePrincipals();
  const byId = new Map((principals.data ?? []).map((p) => [p.id, p]));
  const name = (id: string) => {
    const p = byId.get(id);
    return p ? { displayName: p.displayName, detail: p.kind === 'user' ? p.detail : null, group: p.kind === 'group' } : undefined;
  };
  const raw = holders.data ?? [];
  // By name, then role: the API sorts by principal id.
  const items = raw
    .map((h) => asHolding(h, name))
    .sort(
      (a, b) =>
        (a.principal?.displayName ?? a.principalId).localeCompare(b.principal?.displayName ?? b.principalId) ||
        a.roleDefinitionId.localeCompare(b.roleDefinitionId),
    );
  const byKey = new Map(raw.map((h) => [`${h.principalId}|${h.grantId}`, h]));
  return (
    <div className={styles.part}>
      <Text size={200} className={styles.muted}>
        Everyone who holds a role that applies here now: assigned at this scope, inherited from above, or as a member of a group that holds it. Eligible people
        who have not activated are not listed.
      </Text>
      {holders.isPending ? (
        <Spinner size="small" label="Loading who holds access…" />
      ) : holders.error ? (
        <ErrorMessage error={holders.error} title="Who holds access could not be loaded" />
      ) : items.length === 0 ? (
        <Text>Nobody holds access at this scope now.</Text>
      ) : (
        <HoldersList
          kind="active"
          showState={false}
          fitContainer
          items={items}
          roleName={scope.displayName}
          label={`Who holds access at ${scope.displayName} now`}
          place={{ label: 'Role', name: (h) => byKey.get(h.id)?.roleDisplayName ?? roleName(h.roleDefinitionId) }}
          source={{ label: 'Granted at', name: (h) => from(h.directoryScopeId) }}
          membership={(h) => {
            const group = byKey.get(h.id)?.groupId;
            return group ? `Through ${name(group)?.displayName ?? 'a group'}` : memberTypeLabel(h);
          }}
        />
      )}
    </div>
  );
}
