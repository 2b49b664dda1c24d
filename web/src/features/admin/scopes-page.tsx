/**
 * Resource scopes (/admin/scopes): the registered resource scopes as a tree, searchable; the
 * selected one (`?path=/subscriptions/s1`, so a reload or a link keeps it) shows its details,
 * assignments made at it and inherited from above, and who holds access there now. Register a
 * scope from here. On a phone the tree is above the details.
 */
import { Button, MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useResourceScopes, type Place } from './api.ts';
import { RegisterScopeDialog } from './register-scope-dialog.tsx';
import { ScopeDetails } from './scope-details.tsx';
import { ScopeTree } from './scope-tree.tsx';
import { buildScopeTree, scopeHref, useScope } from './scopes-api.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  tools: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  intro: { display: 'flex', flexDirection: 'column', gap: '6px', maxWidth: '720px' },
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(220px, 280px) minmax(0, 1fr)',
    gap: '16px',
    alignItems: 'start',
    '@media (max-width: 1000px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  details: {
    minWidth: 0,
    padding: '16px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    '@media (max-width: 700px)': { padding: '12px' },
  },
  empty: {
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
    alignItems: 'flex-start',
    padding: '24px',
    maxWidth: '720px',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
  },
  code: { fontFamily: tokens.fontFamilyMonospace },
  muted: { color: tokens.colorNeutralForeground3 },
});

const EXPLANATION =
  'A resource scope is a place in your resource tree — a subscription, a resource group, a database — where resource roles such as Owner, Contributor or Reader are assigned; whatever is assigned at a scope applies to every scope below it.';

export function ScopesPage() {
  const styles = useStyles();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const path = params.get('path');
  const view = params.get('view');
  const scopes = useResourceScopes();
  const tree = useMemo(() => buildScopeTree(scopes.data ?? []), [scopes.data]);
  const selected = path === null ? null : (tree.byPath.get(path) ?? null);
  // A link to a scope the list does not hold (beyond its bound, or not registered): asked for by itself.
  const single = useScope(path ?? '', path !== null && scopes.isSuccess && selected === null);
  const scope: Place | undefined = selected !== null ? tree.nodes[selected]!.scope : single.data;
  const places = useMemo<Place[]>(() => [{ id: '/', displayName: 'Directory' }, ...(scopes.data ?? [])], [scopes.data]);
  const [registering, setRegistering] = useState<{ initialPath: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const register = (initialPath = '') => {
    setNotice(null);
    setRegistering({ initialPath });
  };

  return (
    <section className={styles.page} aria-labelledby="scopes-title">
      <div className={styles.intro}>
        <Title2 as="h1" id="scopes-title">
          Resource scopes
        </Title2>
        <Text>Choose a scope to see and change what is assigned there and who holds access.</Text>
      </div>
      {scopes.data && scopes.data.length > 0 && (
        <div className={styles.tools}>
          <Button appearance="primary" icon={<AddRegular />} onClick={() => register()}>
            Register scope
          </Button>
        </div>
      )}
      {notice && (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {scopes.isPending && <Spinner label="Loading scopes…" />}
      <ErrorMessage error={scopes.error} title="The scopes could not be loaded" />
      {scopes.data?.length === 0 && (
        <div className={styles.empty}>
          <Text weight="semibold" size={400}>
            No resource scope is registered yet
          </Text>
          <Text>{EXPLANATION}</Text>
          <Text>
            Register one with its path — <span className={styles.code}>/subscriptions/s1</span> for a subscription,{' '}
            <span className={styles.code}>/subscriptions/s1/resourceGroups/rg1</span> for a resource group in it — here or with{' '}
            <span className={styles.code}>POST /openpim/scopes</span>.
          </Text>
          <Button appearance="primary" icon={<AddRegular />} onClick={() => register()}>
            Register scope
          </Button>
        </div>
      )}
      {scopes.data && scopes.data.length > 0 && (
        <div className={styles.layout}>
          <ScopeTree
            tree={tree}
            selected={selected}
            onSelect={(i) => {
              setNotice(null);
              navigate(scopeHref(tree.nodes[i]!.scope.id, view));
            }}
          />
          <div className={styles.details}>
            {path === null ? (
              <Text className={styles.muted}>
                {tree.nodes.length} {tree.nodes.length === 1 ? 'scope is' : 'scopes are'} registered. Choose one in the tree to see its details.
              </Text>
            ) : scope ? (
              <ScopeDetails
                key={scope.id}
                scope={scope}
                places={places}
                linkTo={(p) => (tree.byPath.has(p) ? scopeHref(p, view) : null)}
                onRegisterBelow={() => register(`${scope.id}/`)}
              />
            ) : single.isPending ? (
              <Spinner label="Loading the scope…" />
            ) : (
              <ErrorMessage error={single.error} title={`No scope to show at ${path}`} />
            )}
          </div>
        </div>
      )}
      {registering && (
        <RegisterScopeDialog
          scopes={scopes.data ?? []}
          initialPath={registering.initialPath}
          onClose={() => setRegistering(null)}
          onDone={(created) => {
            setRegistering(null);
            setNotice(`${created.displayName} (${created.id}) is registered.`);
            navigate(scopeHref(created.id, view));
          }}
        />
      )}
    </section>
  );
}
