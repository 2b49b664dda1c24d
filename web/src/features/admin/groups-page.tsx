/**
 * Groups: the directory's groups with the role-assignable ones marked; each opens its page (members, PIM for Groups,
 * settings); New group; the way to the defaults for groups.
 */
import {
  Badge,
  Button,
  Card,
  Field,
  SearchBox,
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
import { AddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { searchPrincipals, usePrincipals } from './api.ts';
import { NewGroupDialog } from './new-group-dialog.tsx';
import { GroupsDefaultLink } from './settings-links.tsx';

const PHONE = '@media (max-width: 700px)';
const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  search: { maxWidth: '360px', flexGrow: 1 },
  tools: { display: 'flex', gap: '12px', alignItems: 'flex-end', justifyContent: 'space-between', flexWrap: 'wrap' },
  actions: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, [PHONE]: { display: 'none' } },
  narrow: { display: 'none', flexDirection: 'column', gap: '8px', margin: 0, padding: 0, listStyle: 'none', [PHONE]: { display: 'flex' } },
  card: { display: 'flex', flexDirection: 'column', gap: '4px' },
});

export function GroupsPage() {
  const styles = useStyles();
  const principals = usePrincipals();
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const groups = searchPrincipals(
    (principals.data ?? []).filter((p) => p.kind === 'group'),
    text,
    5_000,
  );
  return (
    <section className={styles.page} aria-labelledby="groups-title">
      <Title2 as="h1" id="groups-title">
        Groups
      </Title2>
      <div className={styles.tools}>
        <Field label="Search groups" className={styles.search}>
          <SearchBox value={text} onChange={(_e, d) => setText(d.value)} />
        </Field>
        <div className={styles.actions}>
          <GroupsDefaultLink />
          <Button appearance="primary" icon={<AddRegular />} onClick={() => setCreating(true)}>
            New group
          </Button>
        </div>
      </div>
      {creating && (
        <NewGroupDialog
          onClose={() => setCreating(false)}
          onCreated={(g) => {
            setCreating(false);
            navigate(groupLink(g.id));
          }}
        />
      )}
      {principals.isPending && <Spinner label="Loading groups…" />}
      <ErrorMessage error={principals.error} title="The groups could not be loaded" />
      {principals.data && groups.length === 0 && <Text role="status">{text ? `No group matches “${text.trim()}”.` : 'There are no groups yet.'}</Text>}
      {groups.length > 0 && (
        <>
          <div className={styles.wide}>
            <Table aria-label="Groups" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Group</TableHeaderCell>
                  <TableHeaderCell>Type</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {groups.map((g) => (
                  <TableRow key={g.id}>
                    <TableCell>
                      <TableCellLayout>
                        <RouteLink to={groupLink(g.id)}>{g.displayName}</RouteLink>
                      </TableCellLayout>
                    </TableCell>
                    <TableCell>
                      <GroupBadge assignable={g.isAssignableToRole === true} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <ul className={styles.narrow} aria-label="Groups">
            {groups.map((g) => (
              <li key={g.id}>
                <Card className={styles.card}>
                  <Text weight="semibold">
                    <RouteLink to={groupLink(g.id)}>{g.displayName}</RouteLink>
                  </Text>
                  <span>
                    <GroupBadge assignable={g.isAssignableToRole === true} />
                  </span>
                </Card>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const groupLink = (id: string) => `/admin/groups/${encodeURIComponent(id)}`;

/** "Role-assignable" (its members may hold roles) or "Security group". */
export function GroupBadge({ assignable }: { assignable: boolean }) {
  return assignable ? (
    <Badge appearance="tint" color="danger">
      Role-assignable
    </Badge>
  ) : (
    <Badge appearance="outline">Security group</Badge>
  );
}
