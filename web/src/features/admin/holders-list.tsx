/**
 * Holders of a role, twice: a table on wide screens, cards on phones (only one is displayed; the
 * other is display: none, hidden from screen readers too). Both offer Update, Extend and Remove.
 */
import {
  Badge, Button, Card, Table, TableBody, TableCell, TableCellLayout, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tokens,
} from '@fluentui/react-components';
import type { Change } from './change-dialog.tsx';
import { endLabel, endOf, holderName, memberTypeLabel, startLabel } from './names.ts';
import type { HolderKind, Holding } from './roles-api.ts';

const PHONE = '@media (max-width: 700px)';

const useStyles = makeStyles({
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, [PHONE]: { display: 'none' } },
  table: { minWidth: '900px' },
  cell: { overflowWrap: 'anywhere', paddingTop: '6px', paddingBottom: '6px' },
  actions: { display: 'flex', gap: '4px', flexWrap: 'wrap' },
  actionsCol: { width: '220px' },
  muted: { color: tokens.colorNeutralForeground3 },
  narrow: { display: 'none', flexDirection: 'column', gap: '8px', margin: 0, padding: 0, listStyle: 'none', [PHONE]: { display: 'flex' } },
  card: { display: 'flex', flexDirection: 'column', gap: '4px', overflowWrap: 'anywhere' },
});

export interface HoldersListProps {
  readonly kind: HolderKind;
  readonly items: readonly Holding[];
  readonly roleName: string;
  scopeName(scope: string): string;
  onChange(change: Change, holding: Holding): void;
}

/** What may be done to a holding here: only direct grants are changed on this page. */
function changesFor(h: Holding): Change[] {
  if (h.memberType !== 'Direct') return [];
  if (h.assignmentType === 'Activated') return ['adminRemove'];
  return endOf(h) === null ? ['adminUpdate', 'adminRemove'] : ['adminUpdate', 'adminExtend', 'adminRemove'];
}

const LABEL: Record<Change, string> = { adminUpdate: 'Update', adminExtend: 'Extend', adminRemove: 'Remove' };

function Actions({ h, roleName, onChange }: { h: Holding; roleName: string; onChange: HoldersListProps['onChange'] }) {
  const styles = useStyles();
  const who = holderName(h).name;
  const changes = changesFor(h);
  if (changes.length === 0) return <Text size={200} className={styles.muted}>{h.memberType === 'Group' ? 'Change the group' : 'Change at the parent scope'}</Text>;
  return (
    <span className={styles.actions}>
      {changes.map((c) => (
        <Button key={c} size="small" appearance={c === 'adminRemove' ? 'secondary' : 'subtle'} aria-label={`${LABEL[c]} ${who}’s ${roleName}`} onClick={() => onChange(c, h)}>
          {LABEL[c]}
        </Button>
      ))}
    </span>
  );
}

function State({ h }: { h: Holding }) {
  if (!h.assignmentType) return null;
  return <Badge appearance="tint" color={h.assignmentType === 'Activated' ? 'success' : 'informative'}>{h.assignmentType}</Badge>;
}

export function HoldersList({ kind, items, roleName, scopeName, onChange }: HoldersListProps) {
  const styles = useStyles();
  const label = kind === 'eligible' ? `Eligible for ${roleName}` : `Active in ${roleName}`;
  return (
    <>
      <div className={styles.wide} role="region" aria-label={`${label} (scrolls sideways)`} tabIndex={0}>
        <Table aria-label={label} size="small" className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '24%' }}>Name</TableHeaderCell>
              <TableHeaderCell style={{ width: '16%' }}>Scope</TableHeaderCell>
              <TableHeaderCell style={{ width: '12%' }}>Membership</TableHeaderCell>
              {kind === 'active' && <TableHeaderCell style={{ width: '10%' }}>State</TableHeaderCell>}
              <TableHeaderCell style={{ width: '13%' }}>Start</TableHeaderCell>
              <TableHeaderCell style={{ width: '13%' }}>End</TableHeaderCell>
              <TableHeaderCell className={styles.actionsCol}><span className="visually-hidden">Actions</span></TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((h) => {
              const who = holderName(h);
              return (
                <TableRow key={h.id}>
                  <TableCell className={styles.cell}><TableCellLayout description={who.detail ?? undefined}>{who.name}</TableCellLayout></TableCell>
                  <TableCell className={styles.cell}>{scopeName(h.directoryScopeId)}</TableCell>
                  <TableCell className={styles.cell}>{memberTypeLabel(h)}</TableCell>
                  {kind === 'active' && <TableCell className={styles.cell}><State h={h} /></TableCell>}
                  <TableCell className={styles.cell}>{startLabel(h)}</TableCell>
                  <TableCell className={styles.cell}>{endLabel(h)}</TableCell>
                  <TableCell className={styles.cell}><Actions h={h} roleName={roleName} onChange={onChange} /></TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <ul className={styles.narrow} aria-label={label}>
        {items.map((h) => {
          const who = holderName(h);
          return (
            <li key={h.id}>
              <Card className={styles.card}>
                <Text weight="semibold">{who.name}</Text>
                {who.detail && <Text size={200} className={styles.muted}>{who.detail}</Text>}
                <Text size={200}>{scopeName(h.directoryScopeId)} · {memberTypeLabel(h)} {kind === 'active' && <State h={h} />}</Text>
                <Text size={200}>From {startLabel(h)}{endOf(h) === null ? ', permanent' : ` until ${endLabel(h)}`}</Text>
                <Actions h={h} roleName={roleName} onChange={onChange} />
              </Card>
            </li>
          );
        })}
      </ul>
    </>
  );
}
