/**
 * The registered resource scopes as a Fluent tree (FlatTree: arrow keys move and open, Home/End,
 * type-ahead), with a search box that filters it and opens the way to every match. Large trees
 * stay fast: everything starts collapsed, only open branches' children are rendered, and at most
 * PAGE children of one scope at a time ("Show more" adds the next ones).
 *
 * Clicking a scope (or Enter on it) selects it and opens it; the chevron (or the arrow keys)
 * opens and closes it without selecting.
 */
import {
  Field,
  FlatTree,
  FlatTreeItem,
  SearchBox,
  Text,
  TreeItemLayout,
  makeStyles,
  mergeClasses,
  tokens,
  type TreeItemValue,
} from '@fluentui/react-components';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { ancestorsOf, type ScopeTree as Tree } from './scopes-api.ts';

/** Children of one scope rendered at a time. */
const PAGE = 100;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: '8px', minWidth: 0 },
  tree: {
    overflowY: 'auto',
    overflowX: 'hidden',
    maxHeight: 'calc(100vh - 260px)',
    padding: '4px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    '@media (max-width: 1000px)': { maxHeight: '45vh' },
  },
  // A long name ends in an ellipsis; the item's tooltip is the full path.
  main: { minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  selected: {
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontWeight: tokens.fontWeightSemibold,
    ':hover': { backgroundColor: tokens.colorBrandBackground2Hover, color: tokens.colorBrandForeground2 },
  },
  more: { color: tokens.colorBrandForegroundLink, fontStyle: 'italic' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export interface ScopeTreeProps {
  readonly tree: Tree;
  /** The selected scope's index in `tree.nodes`, or null. */
  readonly selected: number | null;
  onSelect(index: number): void;
}

type Row =
  | {
      readonly kind: 'scope';
      readonly index: number;
      readonly level: number;
      readonly pos: number;
      readonly size: number;
      readonly parent: number | null;
      readonly branch: boolean;
    }
  | { readonly kind: 'more'; readonly parent: number | null; readonly level: number; readonly pos: number; readonly size: number; readonly hidden: number };

const ROOT = -1;
const moreValue = (parent: number | null) => `more:${parent ?? ROOT}`;

export function ScopeTree({ tree, selected, onSelect }: ScopeTreeProps) {
  const styles = useStyles();
  const [text, setText] = useState('');
  const query = useDeferredValue(text.trim().toLowerCase());

  // Search: the matches and the way to them. Null when not searching.
  const search = useMemo(() => {
    if (query === '') return null;
    const matches = new Set<number>();
    const shown = new Set<number>();
    const open = new Set<TreeItemValue>();
    for (const node of tree.nodes) {
      if (!node.haystack.includes(query)) continue;
      matches.add(node.index);
      shown.add(node.index);
      for (const a of ancestorsOf(tree, node.index)) {
        shown.add(a);
        open.add(a);
      }
    }
    return { matches, shown, open };
  }, [tree, query]);

  // What is open: the way to the selection at first; while searching, the way to every match (reset by each new search).
  const [browseOpen, setBrowseOpen] = useState<Set<TreeItemValue>>(() => new Set(selected === null ? [] : ancestorsOf(tree, selected)));
  const [searchOpen, setSearchOpen] = useState<{ query: string; open: Set<TreeItemValue> } | null>(null);
  const openItems = search ? (searchOpen?.query === query ? searchOpen.open : search.open) : browseOpen;
  const setOpen = (next: Set<TreeItemValue>) => (search ? setSearchOpen({ query, open: next }) : setBrowseOpen(next));

  // A selection made elsewhere (a link, a newly registered scope) opens the way to it.
  const [shownSelection, setShownSelection] = useState(selected);
  if (shownSelection !== selected) {
    setShownSelection(selected);
    if (selected !== null) {
      const way = ancestorsOf(tree, selected).filter((a) => !browseOpen.has(a));
      if (way.length > 0) setBrowseOpen(new Set([...browseOpen, ...way]));
    }
  }

  const [limits, setLimits] = useState<ReadonlyMap<number, number>>(new Map());
  const childrenOf = (parent: number | null): readonly number[] => {
    const all = parent === null ? tree.roots : tree.nodes[parent]!.children;
    // While searching, a match shows all its children (to browse below it); anything else only the way to matches.
    if (!search || (parent !== null && search.matches.has(parent))) return all;
    return all.filter((c) => search.shown.has(c));
  };

  const rows: Row[] = [];
  const walk = (parent: number | null, level: number) => {
    const children = childrenOf(parent);
    const limit = Math.max(limits.get(parent ?? ROOT) ?? PAGE, selected !== null ? children.indexOf(selected) + 1 : 0);
    const shown = children.slice(0, limit);
    const hidden = children.length - shown.length;
    const size = shown.length + (hidden > 0 ? 1 : 0);
    shown.forEach((index, i) => {
      const branch = childrenOf(index).length > 0;
      rows.push({ kind: 'scope', index, level, pos: i + 1, size, parent, branch });
      if (branch && openItems.has(index)) walk(index, level + 1);
    });
    if (hidden > 0) rows.push({ kind: 'more', parent, level, pos: size, size, hidden });
  };
  walk(null, 1);

  // After "Show more", focus stays in the tree: on the first scope it added.
  const treeRef = useRef<HTMLDivElement>(null);
  const focusNext = useRef<TreeItemValue | null>(null);
  useEffect(() => {
    if (focusNext.current === null) return;
    treeRef.current?.querySelector<HTMLElement>(`[data-fui-tree-item-value="${focusNext.current}"]`)?.focus();
    focusNext.current = null;
  });
  // The selection from a link is scrolled into view once.
  useEffect(() => {
    treeRef.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, []);

  const showMore = (row: Extract<Row, { kind: 'more' }>) => {
    const key = row.parent ?? ROOT;
    const now = limits.get(key) ?? PAGE;
    focusNext.current = childrenOf(row.parent)[now] ?? null;
    setLimits(new Map(limits).set(key, now + PAGE));
  };

  return (
    <div className={styles.root}>
      <Field label="Search scopes">
        <SearchBox value={text} onChange={(_e, d) => setText(d.value)} placeholder="Name or path" />
      </Field>
      {search && (
        <Text size={200} role="status" className={styles.muted}>
          {search.matches.size === 0
            ? `No scope matches “${text.trim()}”.`
            : `${search.matches.size} ${search.matches.size === 1 ? 'scope matches' : 'scopes match'}.`}
        </Text>
      )}
      {rows.length > 0 && (
        <FlatTree
          ref={treeRef}
          className={styles.tree}
          aria-label="Resource scopes"
          size="small"
          openItems={openItems}
          onOpenChange={(_e, d) => {
            // A click (or Enter) selects; it opens a closed scope but never closes one: the chevron and ArrowLeft do.
            if (d.type === 'Click' && !d.open) return;
            setOpen(new Set(d.openItems));
          }}
        >
          {rows.map((row) => {
            if (row.kind === 'more') {
              return (
                <FlatTreeItem
                  key={moreValue(row.parent)}
                  value={moreValue(row.parent)}
                  itemType="leaf"
                  aria-level={row.level}
                  aria-setsize={row.size}
                  aria-posinset={row.pos}
                  parentValue={row.parent ?? undefined}
                  onClick={() => showMore(row)}
                >
                  <TreeItemLayout className={styles.more}>
                    Show {Math.min(PAGE, row.hidden)} more of {row.hidden}…
                  </TreeItemLayout>
                </FlatTreeItem>
              );
            }
            const node = tree.nodes[row.index]!;
            const isSelected = row.index === selected;
            return (
              <FlatTreeItem
                key={row.index}
                value={row.index}
                itemType={row.branch ? 'branch' : 'leaf'}
                aria-level={row.level}
                aria-setsize={row.size}
                aria-posinset={row.pos}
                parentValue={row.parent ?? undefined}
                aria-selected={isSelected}
                title={node.scope.id}
                onClick={() => onSelect(row.index)}
              >
                <TreeItemLayout className={mergeClasses(isSelected && styles.selected)} main={{ className: styles.main }}>
                  {node.scope.displayName}
                </TreeItemLayout>
              </FlatTreeItem>
            );
          })}
        </FlatTree>
      )}
    </div>
  );
}
