/**
 * Filters and events together, for one source (the caller's own, or the whole log): the filters
 * live in the address; on a phone they fold away behind a button that says how many are set.
 */
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { useNarrow } from '../../lib/media.ts';
import { useMe } from '../auth/api.ts';
import { useRoleDefinitions } from '../my-roles/api.ts';
import { useAuditEvents, useDirectory, type AuditSource } from './api.ts';
import { AuditFilterForm, countFilters, filtersFromParams, paramsFromFilters } from './audit-filters.tsx';
import { AuditList } from './audit-list.tsx';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: '12px' },
  bar: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

interface Props {
  readonly source: AuditSource;
  empty(filtered: boolean): ReactNode;
  readonly errorTitle: string;
  /** Shown above the filters while the caller may read the events (e.g. the chain's verification). */
  readonly header?: ReactNode;
  /** Shown instead of everything when the API refuses the caller (403), under the API's own message. */
  readonly denied?: ReactNode;
}

export function AuditView({ source, empty, errorTitle, header, denied }: Props) {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const events = useAuditEvents(source, filters);
  const roles = useRoleDefinitions();
  const me = useMe(true);
  const people = useDirectory(source === 'all');
  const narrow = useNarrow();
  const [showFilters, setShowFilters] = useState(false);
  const peopleById = useMemo(() => new Map((people.data ?? []).map((p) => [p.id, p.displayName ?? p.userPrincipalName ?? p.id])), [people.data]);
  const items = useMemo(() => events.data?.pages.flatMap((p) => p.value), [events.data]);
  // Activity names seen in this visit, offered as suggestions (the API takes any exact name).
  const [seen, setSeen] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    setSeen((before) => {
      const fresh = (items ?? []).map((e) => e.activityDisplayName).filter((a) => !before.has(a));
      return fresh.length > 0 ? new Set([...before, ...fresh]) : before;
    });
  }, [items]);
  const set = countFilters(filters);
  const formKey = `${params.toString()}|${people.data ? 1 : 0}|${roles.data ? 1 : 0}`;

  if (events.error instanceof ApiError && events.error.status === 403) {
    return (
      <div className={styles.view}>
        <ErrorMessage error={events.error} title={errorTitle} />
        {denied}
      </div>
    );
  }

  return (
    <div className={styles.view}>
      {header}
      {narrow && (
        <div className={styles.bar}>
          <Button aria-expanded={showFilters} aria-controls="audit-filters" onClick={() => setShowFilters(!showFilters)}>
            {showFilters ? 'Hide filters' : set > 0 ? `Filters (${set})` : 'Filters'}
          </Button>
        </div>
      )}
      {(!narrow || showFilters) && (
        <div id="audit-filters">
          <AuditFilterForm
            key={formKey}
            value={filters}
            set={{ people: source === 'all' }}
            activities={[...seen].sort()}
            roles={roles.data}
            people={people.data ?? []}
            onApply={(f) => setParams(paramsFromFilters(f), { replace: true })}
          />
        </div>
      )}
      {set > 0 && (
        <Text size={200} className={styles.muted} role="status">
          {set} filter{set === 1 ? '' : 's'} applied.
        </Text>
      )}
      <AuditList
        events={items}
        names={{ meId: me.data?.id ?? null, roles: roles.data, people: peopleById }}
        pending={events.isPending}
        error={events.error}
        errorTitle={errorTitle}
        hasMore={events.hasNextPage}
        loadingMore={events.isFetchingNextPage}
        onMore={() => void events.fetchNextPage()}
        empty={empty(set > 0)}
      />
    </div>
  );
}
