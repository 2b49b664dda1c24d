/**
 * One user (/admin/users/{id}): who they are, whether the account is enabled, break-glass or
 * privileged, how they sign in (password, authenticator app, passkeys), the groups they are a
 * direct member of and the roles assigned to them directly; the same actions as the list.
 */
import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { Fragment, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { ErrorMessage, messageOf } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { useNarrow } from '../../lib/media.ts';
import { formatInstant } from '../../lib/time.ts';
import { placeName, useAdministrativeUnits, useResourceScopes } from './api.ts';
import { UserDialogs, type UserDialog } from './user-dialogs.tsx';
import { StatusBadge } from './users-page.tsx';
import { useUser, useUserGroups, useUserMethods, useUserRoles, type User, type UserMethods, type UserRole } from './users-api.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  head: { display: 'flex', flexDirection: 'column', gap: '6px' },
  title: { margin: 0, overflowWrap: 'anywhere' },
  badges: { display: 'flex', gap: '6px', flexWrap: 'wrap' },
  tools: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    padding: '16px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  facts: {
    display: 'grid',
    gridTemplateColumns: '220px minmax(0, 1fr)',
    columnGap: '16px',
    rowGap: '8px',
    margin: 0,
    '@media (max-width: 480px)': { gridTemplateColumns: '1fr', rowGap: '2px' },
  },
  term: { color: tokens.colorNeutralForeground3, '@media (max-width: 480px)': { marginTop: '8px' } },
  value: { margin: 0, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground3 },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  list: { display: 'flex', flexDirection: 'column', gap: '6px', margin: 0, padding: 0, listStyle: 'none' },
  item: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap', overflowWrap: 'anywhere' },
  wide: { overflowX: 'auto' },
  cell: { overflowWrap: 'anywhere', paddingTop: '6px', paddingBottom: '6px' },
});

export function UserPage() {
  const styles = useStyles();
  const { userId = '' } = useParams();
  const user = useUser(userId);
  const methods = useUserMethods(userId);
  const [dialog, setDialog] = useState<UserDialog>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (user.isPending) return <Spinner label="Loading the user…" />;
  if (user.error instanceof ApiError && user.error.status === 404) {
    return (
      <section className={styles.page} aria-labelledby="user-title">
        <Title2 as="h1" id="user-title">
          User not found
        </Title2>
        <Text>
          No user has this id. <RouteLink to="/admin/users">Back to Users</RouteLink>
        </Text>
      </section>
    );
  }
  if (user.error) return <ErrorMessage error={user.error} title="The user could not be loaded" />;
  const u = user.data;
  const m = methods.data;
  const act = (change: NonNullable<UserDialog>['change']) => {
    setNotice(null);
    setDialog({ user: u, change });
  };
  // Offered unless the API said there is none: someone who may not read the methods can still try, and is told.
  const mayHaveTotp = m ? m.totp !== null : true;

  return (
    <section className={styles.page} aria-labelledby="user-title">
      <div className={styles.head}>
        <Text size={200}>
          <RouteLink to="/admin/users">Users</RouteLink> ›
        </Text>
        <Title2 as="h1" id="user-title" className={styles.title}>
          {u.displayName}
        </Title2>
        {u.userPrincipalName && <Text className={styles.muted}>{u.userPrincipalName}</Text>}
        <span className={styles.badges}>
          <StatusBadge enabled={u.accountEnabled} />
          {m?.isBreakGlass && (
            <Badge appearance="filled" color="warning">
              Break-glass
            </Badge>
          )}
          {m?.isPrivileged && (
            <Badge appearance="tint" color="danger">
              Privileged account
            </Badge>
          )}
          {m && (
            <Badge appearance="outline" color={m.totp ? 'brand' : 'informative'}>
              {m.totp ? 'Authenticator app' : 'No authenticator app'}
            </Badge>
          )}
        </span>
      </div>
      <div className={styles.tools} role="group" aria-label={`Actions for ${u.displayName}`}>
        <Button onClick={() => act('resetPassword')}>Reset password</Button>
        <Button onClick={() => act(u.accountEnabled ? 'disable' : 'enable')}>{u.accountEnabled ? 'Disable account' : 'Enable account'}</Button>
        {mayHaveTotp && <Button onClick={() => act('removeTotp')}>Remove authenticator app</Button>}
        <Button onClick={() => act('revokeSessions')}>Sign out everywhere</Button>
      </div>
      {m?.isPrivileged && (
        <MessageBar intent="info">
          <MessageBarBody>
            {m.isBreakGlass
              ? 'A break-glass account: it cannot be disabled, and only'
              : 'A privileged account (it holds or may activate a privileged role): only'}{' '}
            a Privileged Authentication Administrator or Global Administrator may change its password or authenticator
            {m.isBreakGlass ? '.' : ', and only a Global Administrator may disable it.'}
          </MessageBarBody>
        </MessageBar>
      )}
      <div role="status" aria-live="polite">
        {notice && (
          <MessageBar intent="success">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        )}
      </div>
      <Account user={u} />
      <SignIn methods={m} error={methods.error} pending={methods.isPending} />
      <Groups user={u} />
      <Roles user={u} />
      <UserDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        onDone={(text) => {
          setDialog(null);
          setNotice(text);
        }}
      />
    </section>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section className={styles.panel} aria-labelledby={id}>
      <h2 id={id} className={styles.heading}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: readonly (readonly [string, ReactNode])[] }) {
  const styles = useStyles();
  return (
    <dl className={styles.facts}>
      {rows.map(([term, value]) => (
        <Fragment key={term}>
          <dt className={styles.term}>{term}</dt>
          <dd className={styles.value}>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Read refused (403) or not there: said as information, in the API's words. */
function Unavailable({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiError && error.status === 403) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>
          You cannot see {what}: {messageOf(error)}
        </MessageBarBody>
      </MessageBar>
    );
  }
  return <ErrorMessage error={error} title={`${what[0]!.toUpperCase()}${what.slice(1)} could not be loaded`} />;
}

function Account({ user }: { user: User }) {
  const styles = useStyles();
  return (
    <Panel id="user-account" title="Account">
      <Facts
        rows={[
          ['Account', user.accountEnabled ? 'Enabled: can sign in' : 'Disabled: cannot sign in'],
          ['Email', user.mail ?? <span className={styles.muted}>None</span>],
          ['Created', formatInstant(user.createdDateTime, '—')],
          ['Object id', <span className={styles.mono}>{user.id}</span>],
        ]}
      />
    </Panel>
  );
}

function SignIn({ methods, error, pending }: { methods: UserMethods | undefined; error: unknown; pending: boolean }) {
  const styles = useStyles();
  const none = (text: string) => <span className={styles.muted}>{text}</span>;
  return (
    <Panel id="user-sign-in" title="Sign-in">
      {pending && <Spinner size="small" label="Loading sign-in methods…" />}
      {error !== null && <Unavailable error={error} what="this user’s sign-in methods" />}
      {methods && (
        <Facts
          rows={[
            [
              'Password',
              methods.passwordSetDateTime
                ? `Set ${formatInstant(methods.passwordSetDateTime)}`
                : none('Not set: signs in through the identity provider, or not at all'),
            ],
            [
              'Authenticator app',
              methods.totp
                ? `Since ${formatInstant(methods.totp.confirmedDateTime, '—')}; last used ${formatInstant(methods.totp.lastUsedDateTime, 'never')}`
                : none('None'),
            ],
            ['Recovery codes', methods.totp ? `${methods.recoveryCodesRemaining} left` : none('None')],
            ['Passkeys and security keys', methods.securityKeys === 0 ? none('None') : String(methods.securityKeys)],
            ['Last sign-in', formatInstant(methods.lastSignInDateTime, 'Never')],
          ]}
        />
      )}
    </Panel>
  );
}

function Groups({ user }: { user: User }) {
  const styles = useStyles();
  const groups = useUserGroups(user.id);
  return (
    <Panel id="user-groups" title="Groups">
      <Text size={200} className={styles.muted}>
        Groups with {user.displayName} as a direct member. Roles held by a group are theirs too.
      </Text>
      {groups.isPending && <Spinner size="small" label="Loading groups…" />}
      {groups.error && <Unavailable error={groups.error} what="this user’s groups" />}
      {groups.data && groups.data.length === 0 && <Text>{user.displayName} is not a direct member of any group.</Text>}
      {groups.data && groups.data.length > 0 && (
        <ul className={styles.list} aria-label={`Groups of ${user.displayName}`}>
          {groups.data.map((g) => (
            <li key={g.id} className={styles.item}>
              <RouteLink to={`/admin/groups/${encodeURIComponent(g.id)}`}>{g.displayName}</RouteLink>
              {g.isAssignableToRole ? (
                <Badge appearance="tint" color="danger">
                  Role-assignable
                </Badge>
              ) : (
                <Badge appearance="outline">Security group</Badge>
              )}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

const TYPE_LABEL = (r: UserRole) => (r.kind === 'eligible' ? 'Eligible' : r.assignmentType === 'Activated' ? 'Active (activated)' : 'Active (assigned)');

function Roles({ user }: { user: User }) {
  const styles = useStyles();
  const roles = useUserRoles(user.id);
  const units = useAdministrativeUnits();
  const resources = useResourceScopes();
  const narrow = useNarrow();
  const places = [...(units.data ?? []), ...(resources.data ?? [])];
  const items = roles.data ?? [];
  const roleName = (r: UserRole) => r.roleDefinition?.displayName ?? r.roleDefinitionId;
  const roleLink = (r: UserRole) => <RouteLink to={`/admin/roles/${encodeURIComponent(r.roleDefinitionId)}`}>{roleName(r)}</RouteLink>;
  return (
    <Panel id="user-roles" title="Roles">
      <Text size={200} className={styles.muted}>
        Eligible and active roles assigned to {user.displayName} directly, now or from a future start.
      </Text>
      {roles.isPending && <Spinner size="small" label="Loading roles…" />}
      {roles.error && <Unavailable error={roles.error} what="role assignments" />}
      {roles.data && items.length === 0 && <Text>No role is assigned to {user.displayName} directly.</Text>}
      {items.length > 0 &&
        (narrow ? (
          <ul className={styles.list} aria-label={`Roles of ${user.displayName}`}>
            {items.map((r) => (
              <li key={`${r.kind}-${r.id}`}>
                <Text weight="semibold">{roleLink(r)}</Text>
                <Text size={200} block>
                  {TYPE_LABEL(r)} · {placeName(r.directoryScopeId, places)} ·{' '}
                  {r.scheduleInfo.expiration.endDateTime ? `until ${formatInstant(r.scheduleInfo.expiration.endDateTime)}` : 'permanent'}
                </Text>
              </li>
            ))}
          </ul>
        ) : (
          <div className={styles.wide}>
            <Table aria-label={`Roles of ${user.displayName}`} size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell style={{ width: '32%' }}>Role</TableHeaderCell>
                  <TableHeaderCell style={{ width: '20%' }}>Type</TableHeaderCell>
                  <TableHeaderCell style={{ width: '26%' }}>Scope</TableHeaderCell>
                  <TableHeaderCell>End</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((r) => (
                  <TableRow key={`${r.kind}-${r.id}`}>
                    <TableCell className={styles.cell}>
                      <TableCellLayout>{roleLink(r)}</TableCellLayout>
                    </TableCell>
                    <TableCell className={styles.cell}>{TYPE_LABEL(r)}</TableCell>
                    <TableCell className={styles.cell}>{placeName(r.directoryScopeId, places)}</TableCell>
                    <TableCell className={styles.cell}>{formatInstant(r.scheduleInfo.expiration.endDateTime)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ))}
    </Panel>
  );
}
