/**
 * A group's static (directory) members: who they are, add one (a person or a group — a
 * role-assignable group takes no groups, and the API's refusal says so) and remove one after a
 * confirmation. A table on wide screens, cards on a phone. Time-bound membership is PIM for Groups
 * (the Assignments tab), not this list.
 */
import {
  Badge,
  Button,
  Card,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
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
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { ErrorMessage, messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import type { DirectoryObject } from './api.ts';
import { useAddMember, useGroupMembers, useRemoveMember, type Group, type Member } from './groups-api.ts';
import { PrincipalPicker } from './principal-picker.tsx';

const PHONE = '@media (max-width: 700px)';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: '12px' },
  tools: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground3 },
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, [PHONE]: { display: 'none' } },
  table: { minWidth: '560px' },
  cell: { overflowWrap: 'anywhere', paddingTop: '6px', paddingBottom: '6px' },
  narrow: { display: 'none', flexDirection: 'column', gap: '8px', margin: 0, padding: 0, listStyle: 'none', [PHONE]: { display: 'flex' } },
  card: { display: 'flex', flexDirection: 'column', gap: '4px', overflowWrap: 'anywhere' },
  content: { display: 'flex', flexDirection: 'column', gap: '12px' },
});

const TYPE_LABEL: Record<Member['@odata.type'], string> = {
  '#microsoft.graph.user': 'User',
  '#microsoft.graph.group': 'Group',
  '#microsoft.graph.servicePrincipal': 'Service principal',
};

const detailOf = (m: Member): string | null => m.userPrincipalName ?? (m.isAssignableToRole ? 'Role-assignable group' : null);

export function GroupMembers({ group }: { group: Group }) {
  const styles = useStyles();
  const members = useGroupMembers(group.id);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = members.data ?? [];

  const remove = (m: Member) => (
    <Button
      size="small"
      aria-label={`Remove ${m.displayName} from ${group.displayName}`}
      onClick={() => {
        setNotice(null);
        setRemoving(m);
      }}
    >
      Remove
    </Button>
  );

  return (
    <div className={styles.section}>
      <div className={styles.tools}>
        <Button
          appearance="primary"
          icon={<AddRegular />}
          onClick={() => {
            setNotice(null);
            setAdding(true);
          }}
          disabled={!members.data}
        >
          Add member
        </Button>
        <Text size={200} className={styles.muted}>
          Members until removed. For membership that ends, or is activated when needed, use Assignments.
        </Text>
      </div>
      {notice && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {members.isPending && <Spinner label="Loading members…" />}
      <ErrorMessage error={members.error} title="The members could not be loaded" />
      {members.data && items.length === 0 && <Text>{group.displayName} has no members. Use “Add member” to add someone.</Text>}
      {items.length > 0 && (
        <>
          <Text role="status" size={200} className={styles.muted}>
            {items.length} {items.length === 1 ? 'member' : 'members'}
          </Text>
          <div className={styles.wide}>
            <Table aria-label={`Members of ${group.displayName}`} size="small" className={styles.table}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell style={{ width: '50%' }}>Name</TableHeaderCell>
                  <TableHeaderCell style={{ width: '25%' }}>Type</TableHeaderCell>
                  <TableHeaderCell>
                    <span className="visually-hidden">Actions</span>
                  </TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((m) => (
                  <TableRow key={m.id}>
                    <TableCell className={styles.cell}>
                      <TableCellLayout description={detailOf(m) ?? undefined}>{m.displayName}</TableCellLayout>
                    </TableCell>
                    <TableCell className={styles.cell}>{TYPE_LABEL[m['@odata.type']] ?? 'Object'}</TableCell>
                    <TableCell className={styles.cell}>{remove(m)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <ul className={styles.narrow} aria-label={`Members of ${group.displayName}`}>
            {items.map((m) => (
              <li key={m.id}>
                <Card className={styles.card}>
                  <Text weight="semibold">{m.displayName}</Text>
                  {detailOf(m) && (
                    <Text size={200} className={styles.muted}>
                      {detailOf(m)}
                    </Text>
                  )}
                  <span>
                    <Badge appearance="outline">{TYPE_LABEL[m['@odata.type']] ?? 'Object'}</Badge>
                  </span>
                  <span>{remove(m)}</span>
                </Card>
              </li>
            ))}
          </ul>
        </>
      )}
      {adding && (
        <AddMemberDialog
          group={group}
          memberIds={new Set(items.map((m) => m.id))}
          onClose={() => setAdding(false)}
          onDone={(m) => {
            setAdding(false);
            setNotice(m);
          }}
        />
      )}
      {removing && (
        <RemoveMemberDialog
          group={group}
          member={removing}
          onClose={() => setRemoving(null)}
          onDone={(m) => {
            setRemoving(null);
            setNotice(m);
          }}
        />
      )}
    </div>
  );
}

function AddMemberDialog({
  group,
  memberIds,
  onDone,
  onClose,
}: {
  group: Group;
  memberIds: ReadonlySet<string>;
  onDone(message: string): void;
  onClose(): void;
}) {
  const styles = useStyles();
  const add = useAddMember(group.id);
  const withStepUp = useWithStepUp();
  const [picked, setPicked] = useState<DirectoryObject | null>(null);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const go = async () => {
    setTried(true);
    setError(null);
    if (!picked) return;
    try {
      await withStepUp(() => add.mutateAsync(picked.id));
      onDone(`${picked.displayName} is now a member of ${group.displayName}.`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog
      open
      onOpenChange={(_e, d) => {
        if (!d.open) onClose();
      }}
    >
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void go();
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>Add member: {group.displayName}</DialogTitle>
            <DialogContent className={styles.content}>
              <PrincipalPicker
                label="User or group"
                required
                value={picked}
                onChange={(p) => {
                  setPicked(p);
                  setError(null);
                }}
                accept={(p) => p.id !== group.id && !memberIds.has(p.id)}
                hint={group.isAssignableToRole ? 'This group is role-assignable: it takes people, not groups.' : 'A person or a group.'}
                validationMessage={tried && !picked ? 'Choose a person or group.' : undefined}
              />
              {error !== null && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{messageOf(error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" appearance="primary" disabled={add.isPending}>
                {add.isPending ? 'Adding…' : 'Add'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function RemoveMemberDialog({ group, member, onDone, onClose }: { group: Group; member: Member; onDone(message: string): void; onClose(): void }) {
  const styles = useStyles();
  const remove = useRemoveMember(group.id);
  const withStepUp = useWithStepUp();
  const [error, setError] = useState<unknown>(null);
  const go = async () => {
    setError(null);
    try {
      await withStepUp(() => remove.mutateAsync(member.id));
      onDone(`${member.displayName} is no longer a member of ${group.displayName}.`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_e, d) => {
        if (!d.open) onClose();
      }}
    >
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void go();
          }}
        >
          <DialogBody>
            <DialogTitle>Remove member</DialogTitle>
            <DialogContent className={styles.content}>
              <Text>
                Remove <strong>{member.displayName}</strong> from <strong>{group.displayName}</strong>? What the group holds ends for
                {member['@odata.type'] === '#microsoft.graph.group' ? ' its members' : ' them'} now, unless they have it another way.
              </Text>
              {error !== null && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{messageOf(error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" appearance="primary" disabled={remove.isPending}>
                {remove.isPending ? 'Removing…' : 'Remove'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
