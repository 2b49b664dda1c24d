/**
 * Holders of a role (or of a group's member / owner access), twice: a table on wide screens, cards
 * on phones (only one is displayed; the other is display: none, hidden from screen readers too).
 * Both offer Update, Extend and Remove — or nothing, for a read-only list (no `onChange`: what is
 * inherited at a resource scope, who holds access there now), which may add a column saying where
 * each one comes from.
 */
import {
  Badge,
  Button,
  Card,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { Change } from './change-dialog.tsx';
import { endLabel, endOf, holderName, memberTypeLabel, startLabel } from './names.ts';
import type { HolderKind, Holding } from './roles-api.ts';

const PHONE = '@media (max-width: 700px)';

const useStyles = makeStyles({
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, [PHONE]: { display: 'none' } },
  table: { minWidth: '900px' },
  // In a pane narrower than the window (beside the scope tree), the list's own width chooses table or cards.
  fit: { containerType: 'inline-size' },
  fitWide: { '@container (max-width: 719px)': { display: 'none' } },
  fitTable: { minWidth: 0 },
  fitNarrow: { '@container (max-width: 719px)': { display: 'flex' } },
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
  /** What is held, for the list's name: a role's or a group's name. */
  readonly roleName: string;
  /** The second column: where a role is held (Scope), or which access of a group (Role: Member / Owner). */
  readonly place: { readonly label: string; name(h: Holding): string };
  /** A column after `place`: where a holding comes from ("Inherited from", "Granted at"). */
  readonly source?: { readonly label: string; name(h: Holding): ReactNode };
  /** How the holder has it; "Direct" / "Inherited" / "Through a group" by default. */
  membership?(h: Holding): string;
  /** The list's accessible name; "Eligible for {roleName}" / "Active in {roleName}" by default. */
  readonly label?: string;
  /** Whether to show the State column (Assigned / Activated); for active holdings by default. */
  readonly showState?: boolean;
  /** Whether to show the Membership column (false where every holding has it the same way). */
  readonly showMembership?: boolean;
  /** Table or cards by the list's own width (below 720 px: cards) rather than the window's: for a list in a side pane. */
  readonly fitContainer?: boolean;
  /** What one holding is of, for its buttons' names ("Remove alice’s …"); the role's name by default. */
  itemName?(h: Holding): string;
  /** Absent: a read-only list, without the actions column. */
  onChange?(change: Change, holding: Holding): void;
}

/** What may be done to a holding here: only direct grants are changed on this page. */
function changesFor(h: Holding): Change[] {
  if (h.status === 'Expired') return ['adminRenew'];
  if (h.memberType !== 'Direct') return [];
  if (h.assignmentType === 'Activated') return ['adminRemove'];
  return endOf(h) === null ? ['adminUpdate', 'adminRemove'] : ['adminUpdate', 'adminExtend', 'adminRemove'];
}

const LABEL: Record<Change, string> = { adminUpdate: 'Update', adminExtend: 'Extend', adminRenew: 'Renew', adminRemove: 'Remove' };

function Actions({ h, roleName, onChange }: { h: Holding; roleName: string; onChange(change: Change, holding: Holding): void }) {
  const styles = useStyles();
  const who = holderName(h).name;
  const changes = changesFor(h);
  if (changes.length === 0)
    return (
      <Text size={200} className={styles.muted}>
        {h.memberType === 'Group' ? 'Change the group' : 'Change at the parent scope'}
      </Text>
    );
  return (
    <span className={styles.actions}>
      {changes.map((c) => (
        <Button
          key={c}
          size="small"
          appearance={c === 'adminRemove' ? 'secondary' : 'subtle'}
          aria-label={`${LABEL[c]} ${who}’s ${roleName}`}
          onClick={() => onChange(c, h)}
        >
          {LABEL[c]}
        </Button>
      ))}
    </span>
  );
}

function State({ h }: { h: Holding }) {
  if (!h.assignmentType) return null;
  return (
    <Badge appearance="tint" color={h.assignmentType === 'Activated' ? 'success' : 'informative'} style={{ whiteSpace: 'nowrap' }}>
      {h.assignmentType}
    </Badge>
  );
}

export function HoldersList({
  kind,
  items,
  roleName,
  place,
  source,
  membership = memberTypeLabel,
  label: givenLabel,
  showState = kind === 'active',
  showMembership = true,
  fitContainer = false,
  itemName = () => roleName,
  onChange,
}: HoldersListProps) {
  const styles = useStyles();
  const label = givenLabel ?? (kind === 'eligible' ? `Eligible for ${roleName}` : `Active in ${roleName}`);
  const lists = (
    <>
      <div className={mergeClasses(styles.wide, fitContainer && styles.fitWide)} role="region" aria-label={`${label} (scrolls sideways)`} tabIndex={0}>
        <Table aria-label={label} size="small" className={mergeClasses(styles.table, fitContainer && styles.fitTable)}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '22%' }}>Name</TableHeaderCell>
              <TableHeaderCell style={{ width: '15%' }}>{place.label}</TableHeaderCell>
              {source && <TableHeaderCell style={{ width: '18%' }}>{source.label}</TableHeaderCell>}
              {showMembership && <TableHeaderCell style={{ width: '11%' }}>Membership</TableHeaderCell>}
              {showState && <TableHeaderCell style={{ width: '11%' }}>State</TableHeaderCell>}
              <TableHeaderCell style={{ width: '13%' }}>Start</TableHeaderCell>
              <TableHeaderCell style={{ width: '13%' }}>End</TableHeaderCell>
              {onChange && (
                <TableHeaderCell className={styles.actionsCol}>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              )}
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((h) => {
              const who = holderName(h);
              return (
                <TableRow key={h.id}>
                  <TableCell className={styles.cell}>
                    <TableCellLayout description={who.detail ?? undefined}>{who.name}</TableCellLayout>
                  </TableCell>
                  <TableCell className={styles.cell}>{place.name(h)}</TableCell>
                  {source && <TableCell className={styles.cell}>{source.name(h)}</TableCell>}
                  {showMembership && <TableCell className={styles.cell}>{membership(h)}</TableCell>}
                  {showState && (
                    <TableCell className={styles.cell}>
                      <State h={h} />
                    </TableCell>
                  )}
                  <TableCell className={styles.cell}>{startLabel(h)}</TableCell>
                  <TableCell className={styles.cell}>{endLabel(h)}</TableCell>
                  {onChange && (
                    <TableCell className={styles.cell}>
                      <Actions h={h} roleName={itemName(h)} onChange={onChange} />
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <ul className={mergeClasses(styles.narrow, fitContainer && styles.fitNarrow)} aria-label={label}>
        {items.map((h) => {
          const who = holderName(h);
          return (
            <li key={h.id}>
              <Card className={styles.card}>
                <Text weight="semibold">{who.name}</Text>
                {who.detail && (
                  <Text size={200} className={styles.muted}>
                    {who.detail}
                  </Text>
                )}
                <Text size={200}>
                  {place.name(h)}
                  {showMembership && ` · ${membership(h)}`} {showState && <State h={h} />}
                </Text>
                {source && (
                  <Text size={200}>
                    {source.label}: {source.name(h)}
                  </Text>
                )}
                <Text size={200}>
                  From {startLabel(h)}
                  {endOf(h) === null ? ', permanent' : ` until ${endLabel(h)}`}
                </Text>
                {onChange && <Actions h={h} roleName={itemName(h)} onChange={onChange} />}
              </Card>
            </li>
          );
        })}
      </ul>
    </>
  );
  return fitContainer ? <div className={styles.fit}>{lists}</div> : lists;
}
