/**
 * Users (/admin/users): the directory's users, searchable by name or user name and filtered by
 * enabled / disabled (both kept in the address), 50 at a time; create a user, and per user reset
 * the password, disable or enable, remove the authenticator app, sign out everywhere. Each user
 * opens their detail (/admin/users/{id}). A table on wide screens, cards on a phone.
 */
import {
  Badge,
  Button,
  Card,
  Field,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  SearchBox,
  Spinner,
  Tab,
  TabList,
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
import { AddRegular, MoreHorizontalRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { useNarrow } from '../../lib/media.ts';
import { formatInstant } from '../../lib/time.ts';
import { CreateUserDialog, UserDialogs, type UserDialog } from './user-dialogs.tsx';
import { USERS_LIMIT, useUsers, type User } from './users-api.ts';

const PAGE = 50;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  tools: { display: 'flex', gap: '12px', alignItems: 'flex-end', flexWrap: 'wrap', justifyContent: 'space-between' },
  search: { maxWidth: '360px', width: '100%' },
  tabs: { flexWrap: 'wrap' },
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  table: { minWidth: '640px' },
  cell: { overflowWrap: 'anywhere', paddingTop: '6px', paddingBottom: '6px' },
  muted: { color: tokens.colorNeutralForeground3 },
  cards: { display: 'flex', flexDirection: 'column', gap: '8px', margin: 0, padding: 0, listStyle: 'none' },
  card: { display: 'flex', flexDirection: 'column', gap: '4px', overflowWrap: 'anywhere' },
  cardHead: { display: 'flex', gap: '8px', alignItems: 'flex-start', justifyContent: 'space-between' },
  more: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
});

type Status = 'all' | 'enabled' | 'disabled';

/** Matches at the start of a word of the name or of the user name first, then anywhere; case-insensitive. */
export function searchUsers(all: readonly User[], text: string): User[] {
  const q = text.trim().toLowerCase();
  if (q === '') return [...all];
  const fields = (u: User) => [u.displayName.toLowerCase(), (u.userPrincipalName ?? '').toLowerCase(), (u.mail ?? '').toLowerCase()];
  const starts = (u: User) =>
    u.displayName
      .toLowerCase()
      .split(/\s+/)
      .some((w) => w.startsWith(q)) ||
    fields(u)
      .slice(1)
      .some((f) => f.startsWith(q));
  const contains = (u: User) => fields(u).some((f) => f.includes(q));
  return [...all.filter(starts), ...all.filter((u) => !starts(u) && contains(u))];
}

export function StatusBadge({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge appearance="tint" color="success">
      Enabled
    </Badge>
  ) : (
    <Badge appearance="filled" color="danger">
      Disabled
    </Badge>
  );
}

export const userPath = (u: Pick<User, 'id'>) => `/admin/users/${encodeURIComponent(u.id)}`;

export function UsersPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const status: Status = params.get('status') === 'enabled' ? 'enabled' : params.get('status') === 'disabled' ? 'disabled' : 'all';
  const users = useUsers();
  const narrow = useNarrow();
  const [limit, setLimit] = useState(PAGE);
  const [creating, setCreating] = useState(false);
  const [dialog, setDialog] = useState<UserDialog>(null);
  const [notice, setNotice] = useState<{ text: string; user?: User } | null>(null);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '' || value === 'all') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
    setLimit(PAGE);
  };
  const all = users.data ?? [];
  const matching = searchUsers(all, text);
  const count = (s: Status) => matching.filter((u) => s === 'all' || u.accountEnabled === (s === 'enabled')).length;
  const listed = matching.filter((u) => status === 'all' || u.accountEnabled === (status === 'enabled'));
  const shown = listed.slice(0, limit);
  const act = (user: User, change: NonNullable<UserDialog>['change']) => {
    setNotice(null);
    setDialog({ user, change });
  };
  const empty =
    text.trim() !== ''
      ? `No ${status === 'all' ? '' : `${status} `}user matches “${text.trim()}”. Search by name or user name.`
      : status === 'disabled'
        ? 'No account is disabled.'
        : status === 'enabled'
          ? 'No account is enabled.'
          : 'There are no users yet. Create the first with “New user”.';

  return (
    <section className={styles.page} aria-labelledby="users-title">
      <Title2 as="h1" id="users-title">
        Users
      </Title2>
      <Text>
        Create people’s accounts, reset a password, remove a lost authenticator app, disable an account or sign someone out everywhere. Choose a user to see
        their groups and roles.
      </Text>
      <div className={styles.tools}>
        <Field label="Search users" className={styles.search}>
          <SearchBox value={text} onChange={(_e, d) => set('q', d.value)} placeholder="Name or user name" />
        </Field>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          onClick={() => {
            setNotice(null);
            setCreating(true);
          }}
        >
          New user
        </Button>
      </div>
      <TabList className={styles.tabs} selectedValue={status} onTabSelect={(_e, d) => set('status', String(d.value))} aria-label="Show users">
        <Tab value="all">All ({count('all')})</Tab>
        <Tab value="enabled">Enabled ({count('enabled')})</Tab>
        <Tab value="disabled">Disabled ({count('disabled')})</Tab>
      </TabList>
      <div role="status" aria-live="polite">
        {notice && (
          <MessageBar intent="success">
            <MessageBarBody>
              {notice.text}
              {notice.user && (
                <>
                  {' '}
                  <RouteLink to={userPath(notice.user)}>Open {notice.user.displayName}</RouteLink>
                </>
              )}
            </MessageBarBody>
          </MessageBar>
        )}
      </div>
      {users.isPending && <Spinner label="Loading users…" />}
      <ErrorMessage error={users.error} title="The users could not be loaded" />
      {all.length >= USERS_LIMIT && (
        <MessageBar intent="warning">
          <MessageBarBody>Only the first {USERS_LIMIT.toLocaleString()} users (by name) are loaded and searched here.</MessageBarBody>
        </MessageBar>
      )}
      {users.data && listed.length === 0 && <Text>{empty}</Text>}
      {shown.length > 0 && (narrow ? <UserCards users={shown} onAct={act} /> : <UserTable users={shown} onAct={act} />)}
      {listed.length > 0 && (
        <div className={styles.more}>
          <Text size={200} className={styles.muted}>
            Showing {shown.length} of {listed.length} {listed.length === 1 ? 'user' : 'users'}.
          </Text>
          {listed.length > shown.length && <Button onClick={() => setLimit(limit + PAGE)}>Show {Math.min(PAGE, listed.length - shown.length)} more</Button>}
        </div>
      )}
      {creating && (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            setNotice({ text: `${user.displayName} (${user.userPrincipalName ?? user.id}) was created.`, user });
          }}
        />
      )}
      <UserDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        onDone={(m) => {
          setDialog(null);
          setNotice({ text: m });
        }}
      />
    </section>
  );
}

interface ListProps {
  readonly users: readonly User[];
  onAct(user: User, change: NonNullable<UserDialog>['change']): void;
}

/** The per-user actions, in a menu named after the user. */
export function UserActionsMenu({ user, onAct }: { user: User; onAct: ListProps['onAct'] }) {
  return (
    // Opens to the left of its button, over names and dates: below, it would cover the next rows' buttons.
    <Menu positioning={{ position: 'before', align: 'top' }}>
      <MenuTrigger disableButtonEnhancement>
        <Button appearance="subtle" size="small" icon={<MoreHorizontalRegular />} aria-label={`Actions for ${user.displayName}`} />
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          <MenuItem onClick={() => onAct(user, 'resetPassword')}>Reset password…</MenuItem>
          <MenuItem onClick={() => onAct(user, user.accountEnabled ? 'disable' : 'enable')}>
            {user.accountEnabled ? 'Disable account…' : 'Enable account…'}
          </MenuItem>
          <MenuItem onClick={() => onAct(user, 'removeTotp')}>Remove authenticator app…</MenuItem>
          <MenuItem onClick={() => onAct(user, 'revokeSessions')}>Sign out everywhere…</MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}

function UserTable({ users, onAct }: ListProps) {
  const styles = useStyles();
  return (
    <div className={styles.wide}>
      <Table aria-label="Users" size="small" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell style={{ width: '34%' }}>Name</TableHeaderCell>
            <TableHeaderCell style={{ width: '30%' }}>User name</TableHeaderCell>
            <TableHeaderCell style={{ width: '12%' }}>Account</TableHeaderCell>
            <TableHeaderCell style={{ width: '16%' }}>Created</TableHeaderCell>
            <TableHeaderCell style={{ width: '8%' }}>
              <span className="visually-hidden">Actions</span>
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {users.map((u) => (
            <TableRow key={u.id}>
              <TableCell className={styles.cell}>
                <TableCellLayout>
                  <RouteLink to={userPath(u)}>{u.displayName}</RouteLink>
                </TableCellLayout>
              </TableCell>
              <TableCell className={styles.cell}>{u.userPrincipalName ?? <span className={styles.muted}>None</span>}</TableCell>
              <TableCell className={styles.cell}>
                <StatusBadge enabled={u.accountEnabled} />
              </TableCell>
              <TableCell className={styles.cell}>{formatInstant(u.createdDateTime, '—')}</TableCell>
              <TableCell className={styles.cell}>
                <UserActionsMenu user={u} onAct={onAct} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function UserCards({ users, onAct }: ListProps) {
  const styles = useStyles();
  return (
    <ul className={styles.cards} aria-label="Users">
      {users.map((u) => (
        <li key={u.id}>
          <Card className={styles.card}>
            <div className={styles.cardHead}>
              <Text weight="semibold">
                <RouteLink to={userPath(u)}>{u.displayName}</RouteLink>
              </Text>
              <UserActionsMenu user={u} onAct={onAct} />
            </div>
            {u.userPrincipalName && <Text size={200}>{u.userPrincipalName}</Text>}
            <span>
              <StatusBadge enabled={u.accountEnabled} />
            </span>
          </Card>
        </li>
      ))}
    </ul>
  );
}
