/**
 * Roles: the catalogue (directory, resource and custom roles), searchable; each role opens its
 * assignments. A table on wide screens; on a phone, cards 25 at a time with "Show more", and
 * descriptions cut to two lines, so 128 roles do not make one endless page.
 */
import {
  Badge,
  Button,
  Card,
  Field,
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
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { KIND_LABEL } from './names.ts';
import { kindOf, useCatalogue, type CatalogueRole, type RoleKind } from './roles-api.ts';
import { TenantDefaultLink } from './settings-links.tsx';

const PHONE = '@media (max-width: 700px)';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  tools: { display: 'flex', gap: '12px', alignItems: 'flex-end', flexWrap: 'wrap' },
  search: { maxWidth: '360px', width: '100%' },
  // At phone width the tabs wrap instead of widening the page.
  tabs: { flexWrap: 'wrap' },
  wide: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, [PHONE]: { display: 'none' } },
  table: { minWidth: '640px' },
  badges: { display: 'flex', gap: '4px', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  narrow: { display: 'none', flexDirection: 'column', gap: '8px', margin: 0, padding: 0, listStyle: 'none', [PHONE]: { display: 'flex' } },
  card: { display: 'flex', flexDirection: 'column', gap: '4px', overflowWrap: 'anywhere' },
  clamp: { display: '-webkit-box', WebkitLineClamp: '2', WebkitBoxOrient: 'vertical', overflow: 'hidden' },
  more: { display: 'none', alignSelf: 'flex-start', [PHONE]: { display: 'inline-flex' } },
});

/** Cards shown at a time on a phone. */
const PHONE_PAGE = 25;

type Filter = 'all' | RoleKind;

export function RolesPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const filter = (['directory', 'resource', 'custom'].includes(params.get('kind') ?? '') ? params.get('kind') : 'all') as Filter;
  const catalogue = useCatalogue();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '' || value === 'all') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const q = text.trim().toLowerCase();
  const roles = (catalogue.data ?? []).filter(
    (r) =>
      (filter === 'all' || kindOf(r) === filter) && (q === '' || r.displayName.toLowerCase().includes(q) || (r.description ?? '').toLowerCase().includes(q)),
  );
  const count = (k: Filter) => (catalogue.data ?? []).filter((r) => k === 'all' || kindOf(r) === k).length;
  // A new search or tab starts again at the first page of cards.
  const [shown, setShown] = useState(PHONE_PAGE);
  useEffect(() => setShown(PHONE_PAGE), [q, filter]);
  // After "Show more", focus goes to the first card it revealed, so the keyboard carries on from there.
  const firstNew = useRef<HTMLAnchorElement>(null);
  const [focusFrom, setFocusFrom] = useState<number | null>(null);
  useEffect(() => {
    if (focusFrom !== null) firstNew.current?.focus();
  }, [focusFrom]);
  const showMore = () => {
    setFocusFrom(shown);
    setShown(shown + PHONE_PAGE);
  };

  return (
    <section className={styles.page} aria-labelledby="roles-title">
      <Title2 as="h1" id="roles-title">
        Roles
      </Title2>
      <Text>
        Choose a role to see who is eligible for it or holds it, assign it, and change its settings. A setting a role doesn’t set comes from the tenant default
        settings.
      </Text>
      <div className={styles.tools}>
        <Field label="Search roles" className={styles.search}>
          <SearchBox value={text} onChange={(_e, d) => set('q', d.value)} placeholder="Name or description" />
        </Field>
        <TenantDefaultLink />
      </div>
      <TabList className={styles.tabs} selectedValue={filter} onTabSelect={(_e, d) => set('kind', String(d.value))} aria-label="Kind of role">
        <Tab value="all">All ({count('all')})</Tab>
        <Tab value="directory">Directory ({count('directory')})</Tab>
        <Tab value="resource">Resource ({count('resource')})</Tab>
        <Tab value="custom">Custom ({count('custom')})</Tab>
      </TabList>
      {catalogue.isPending && <Spinner label="Loading roles…" />}
      <ErrorMessage error={catalogue.error} title="The roles could not be loaded" />
      {catalogue.data && roles.length === 0 && (
        <Text role="status">{q ? `No role matches “${text.trim()}”.` : filter === 'custom' ? 'There are no custom roles yet.' : 'No roles.'}</Text>
      )}
      {roles.length > 0 && (
        <>
          <Text role="status" size={200} className={styles.muted}>
            {roles.length} {roles.length === 1 ? 'role' : 'roles'}
          </Text>
          <div className={styles.wide}>
            <Table aria-label="Roles" size="small" className={styles.table}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell style={{ width: '32%' }}>Role</TableHeaderCell>
                  <TableHeaderCell style={{ width: '22%' }}>Type</TableHeaderCell>
                  <TableHeaderCell>Description</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {roles.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell>
                      <TableCellLayout>
                        <RouteLink to={`/admin/roles/${encodeURIComponent(r.id)}`}>{r.displayName}</RouteLink>
                      </TableCellLayout>
                    </TableCell>
                    <TableCell>
                      <RoleBadges role={r} />
                    </TableCell>
                    <TableCell>
                      <Text size={200}>{r.description || <span className={styles.muted}>No description</span>}</Text>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <ul className={styles.narrow} aria-label="Roles">
            {roles.slice(0, shown).map((r, i) => (
              <li key={r.id}>
                <Card className={styles.card}>
                  <Text weight="semibold">
                    <RouteLink to={`/admin/roles/${encodeURIComponent(r.id)}`} ref={i === focusFrom ? firstNew : undefined}>
                      {r.displayName}
                    </RouteLink>
                  </Text>
                  <RoleBadges role={r} />
                  {r.description && (
                    <Text size={200} className={styles.clamp} title={r.description}>
                      {r.description}
                    </Text>
                  )}
                </Card>
              </li>
            ))}
          </ul>
          {roles.length > shown && (
            <Button className={styles.more} onClick={showMore}>
              Show {Math.min(PHONE_PAGE, roles.length - shown)} more of {roles.length - shown}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

export function RoleBadges({ role }: { role: CatalogueRole }) {
  const styles = useStyles();
  return (
    <span className={styles.badges}>
      <Badge appearance="outline" color="informative">
        {KIND_LABEL[kindOf(role)]}
      </Badge>
      {role.isPrivileged && (
        <Badge appearance="tint" color="danger">
          Privileged
        </Badge>
      )}
      {!role.isEnabled && (
        <Badge appearance="tint" color="subtle">
          Disabled
        </Badge>
      )}
    </span>
  );
}
