/**
 * Role settings: every rule of the role's policy, grouped as Entra groups them (Activation,
 * Assignment, Notification), each section saved on its own and saying which rules are set here and
 * where the others are inherited from. The policy shown is the role's at `/` or a narrower scope's
 * own; "Override for a scope" gives a scope its own policy, which inherits everything until changed.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Text,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { ErrorMessage, messageOf } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { placeName, useAdministrativeUnits, useResourceScopes, type Place } from './api.ts';
import { useCreateScopedPolicy, useRolePolicies, type Policy } from './policy-api.ts';
import { lastChanged, PolicySections } from './policy-sections.tsx';
import { kindOf, useCatalogue } from './roles-api.ts';
import { TenantDefaultLink } from './settings-links.tsx';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  head: { display: 'flex', flexDirection: 'column', gap: '6px' },
  titleRow: { display: 'flex', gap: '8px 16px', alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap' },
  scope: { display: 'flex', gap: '8px', alignItems: 'flex-end', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function RoleSettingsPage() {
  const styles = useStyles();
  const { roleId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const catalogue = useCatalogue();
  const role = catalogue.data?.find((r) => r.id === roleId);
  const policies = useRolePolicies(roleId);
  const units = useAdministrativeUnits();
  const resources = useResourceScopes();
  const [overriding, setOverriding] = useState(false);
  const places: Place[] = [{ id: '/', displayName: 'Directory' }, ...(units.data ?? []), ...(resources.data ?? [])];
  const scope = params.get('scope') ?? '/';
  const policy = policies.data?.find((p) => p.scopeId === scope) ?? policies.data?.find((p) => p.scopeId === '/');
  const choose = (s: string) => setParams(s === '/' ? {} : { scope: s }, { replace: true });
  const kind = role ? kindOf(role) : 'directory';
  // A resource role is overridden at resource scopes, a directory role at administrative units.
  const overridable = places.filter(
    (p) =>
      p.id !== '/' &&
      !policies.data?.some((x) => x.scopeId === p.id) &&
      (kind === 'resource' ? !p.id.startsWith('/administrativeUnits/') : kind === 'directory' ? p.id.startsWith('/administrativeUnits/') : true),
  );

  return (
    <section className={styles.page} aria-labelledby="settings-title">
      <div className={styles.head}>
        <Text size={200}>
          <RouteLink to="/admin/roles">Roles</RouteLink> ›{' '}
          {role ? <RouteLink to={`/admin/roles/${encodeURIComponent(roleId)}`}>{role.displayName}</RouteLink> : '…'} ›
        </Text>
        <div className={styles.titleRow}>
          <Title2 as="h1" id="settings-title">
            Role settings{role ? `: ${role.displayName}` : ''}
          </Title2>
          <TenantDefaultLink />
        </div>
      </div>
      {(policies.isPending || catalogue.isPending) && <Spinner label="Loading the role settings…" />}
      <ErrorMessage error={policies.error ?? catalogue.error} title="The role settings could not be loaded" />
      {policies.data && !policy && <Text>This role has no policy the API shows to you.</Text>}
      {policy && (
        <>
          <div className={styles.scope}>
            <Field label="Settings for">
              <Dropdown
                value={placeName(policy.scopeId, places)}
                selectedOptions={[policy.scopeId]}
                onOptionSelect={(_e, d) => choose(d.optionValue ?? '/')}
                style={{ minWidth: 260 }}
              >
                {(policies.data ?? []).map((p) => (
                  <Option key={p.id} value={p.scopeId} text={placeName(p.scopeId, places)}>
                    {p.scopeId === '/' ? 'Directory (the role’s own settings)' : `${placeName(p.scopeId, places)} — override`}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Button
              onClick={() => setOverriding(true)}
              disabled={overridable.length === 0}
              aria-describedby={overridable.length === 0 ? 'no-override' : undefined}
            >
              Override for a scope
            </Button>
          </div>
          {overridable.length === 0 && units.data && resources.data && (
            <Text id="no-override" size={200} className={styles.muted}>
              {kind === 'resource' ? 'Every registered resource scope' : 'Every administrative unit'} already has its own settings for this role, or there is
              none to override at.
            </Text>
          )}
          <Origin policy={policy} places={places} />
          <PolicySections policy={policy} />
        </>
      )}
      {overriding && (
        <OverrideDialog
          roleId={roleId}
          places={overridable}
          allPlaces={places}
          onClose={() => setOverriding(false)}
          onCreated={(s) => {
            setOverriding(false);
            choose(s);
          }}
        />
      )}
    </section>
  );
}

function Origin({ policy, places }: { policy: Policy; places: readonly Place[] }) {
  const styles = useStyles();
  const modified = lastChanged(policy, '');
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        {policy.scopeId === '/'
          ? 'These settings apply wherever the role is assigned, except at scopes with their own override. A setting the role doesn’t set here is inherited from the tenant default.'
          : `These settings apply at ${placeName(policy.scopeId, places)} and below; elsewhere the role’s own settings apply. A setting not set here is inherited from the role’s settings above this scope, then from the tenant default.`}
        <span className={styles.muted}>{modified}</span>
      </MessageBarBody>
    </MessageBar>
  );
}

function OverrideDialog({
  roleId,
  places,
  allPlaces,
  onClose,
  onCreated,
}: {
  roleId: string;
  places: readonly Place[];
  allPlaces: readonly Place[];
  onClose(): void;
  onCreated(scopeId: string): void;
}) {
  const create = useCreateScopedPolicy(roleId);
  const withStepUp = useWithStepUp();
  const [scope, setScope] = useState(places[0]?.id ?? '');
  const [error, setError] = useState<unknown>(null);
  const go = async () => {
    setError(null);
    try {
      await withStepUp(() => create.mutateAsync(scope));
      onCreated(scope);
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
        >
          <DialogBody>
            <DialogTitle>Override for a scope</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              <Text>
                The scope gets its own settings. At first it sets none: each is inherited from the settings in force there now, until you change it here. The
                rest of the directory keeps the role’s own.
              </Text>
              <Field label="Scope" required>
                <Dropdown
                  value={scope ? placeName(scope, allPlaces) : ''}
                  selectedOptions={scope ? [scope] : []}
                  onOptionSelect={(_e, d) => setScope(d.optionValue ?? '')}
                >
                  {places.map((p) => (
                    <Option key={p.id} value={p.id} text={placeName(p.id, allPlaces)}>
                      {placeName(p.id, allPlaces)}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              {error !== null && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{messageOf(error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" appearance="primary" disabled={!scope || create.isPending}>
                {create.isPending ? 'Creating…' : 'Create override'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
