/**
 * My roles: what the signed-in person may activate, what they hold now and what ran out lately,
 * each with its scope, end (a live countdown) and what its policy asks; activate several at once,
 * deactivate, extend in the last 14 days, renew within 30 days of the end. Requests waiting for a
 * decision are shown on top and change without a reload.
 */
import {
  Badge,
  Button,
  Checkbox,
  MessageBar,
  MessageBarBody,
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
  Link,
  Text,
  Title2,
  Tooltip,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage, messageOf } from '../../components/error-message.tsx';
import { formatInstant, formatRemaining, useNow } from '../../lib/time.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { denialOf, useApproval, useMyRequests, WAITING, type MyRequest } from '../requests/api.ts';
import { ActivateDialog, statusLabel, type Activation } from './activate-dialog.tsx';
import {
  useActivationRules,
  useGroupNames,
  useMyExpiredGrants,
  useMyRolesLoaded,
  useMyGrants,
  useRefreshGrantsWhenSettled,
  useRoleDefinitions,
  useSelfRequest,
  type ActivationRules,
  type Grant,
} from './api.ts';
import { ExtendDialog, type Extension } from './extend-dialog.tsx';
import { grantKey, roleName, scopeName } from './names.ts';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  toolbar: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  actions: { display: 'flex', gap: '4px', alignItems: 'center' },
  needs: { display: 'flex', gap: '4px', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  tableWrap: { overflowX: 'auto' },
  // At phone width the table scrolls sideways instead of squeezing its columns until their text overlaps.
  table: { minWidth: '600px' },
});

type View = 'eligible' | 'active' | 'expired';

/** A grant may be extended in its last 14 days (by its holder, not through a group). */
const EXTEND_WINDOW = 14 * 86_400_000;
const extendable = (g: Grant, now: number) =>
  g.memberType !== 'Group' && g.assignmentType !== 'Activated' && g.endDateTime !== null && Date.parse(g.endDateTime) - now <= EXTEND_WINDOW;

const WHAT: Readonly<Record<string, string>> = { selfActivate: 'activation', selfExtend: 'extension', selfRenew: 'renewal' };

export function MyRolesPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'active' || params.get('view') === 'expired' ? (params.get('view') as View) : 'eligible';
  const grants = useMyGrants();
  // Read after the current grants, which the page is for: the Expired tab's count may come a moment later.
  const expired = useMyExpiredGrants(grants.isSuccess || view === 'expired');
  const [extending, setExtending] = useState<Extension | null>(null);
  const now = useNow(60_000);
  const roles = useRoleDefinitions();
  const requests = useMyRequests(useMyRolesLoaded());
  const all = grants.data ?? [];
  const groups = useGroupNames([...all, ...(expired.data ?? [])].filter((g) => g.provider === 'group').map((g) => g.scope));
  const rules = useActivationRules(all.filter((g) => g.kind === 'eligible'));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [activating, setActivating] = useState<readonly Activation[] | null>(null);
  const eligible = all.filter((g) => g.kind === 'eligible');
  const active = all.filter((g) => g.kind === 'active');
  const activeKeys = useMemo(() => new Set(active.map(grantKey)), [active]);
  const waiting = (requests.data ?? []).filter((r) => WAITING.has(r.status) && r.action in WHAT);
  useRefreshGrantsWhenSettled(waiting.map((r) => r.id));
  const name = (g: Pick<Grant, 'provider' | 'roleId' | 'scope'>) => roleName(g, roles.data, groups);
  const activationOf = (g: Grant): Activation => ({ grant: g, name: name(g), rules: rules.get(grantKey(g)) });

  const toggle = (key: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    setSelected(next);
  };

  return (
    <section className={styles.page} aria-labelledby="my-roles-title">
      <Title2 as="h1" id="my-roles-title">
        My roles
      </Title2>
      {waiting.map((r) => (
        <MessageBar key={r.id} intent="info">
          <MessageBarBody>
            <strong>{name({ provider: r.provider, roleId: r.roleId, scope: r.scope })}</strong>
            {r.action === 'selfActivate' ? '' : ` (${WHAT[r.action]})`}: {statusLabel(r.status).toLowerCase()}
            {r.status === 'PendingApproval' ? ' — this page updates when an approver decides.' : '.'}
          </MessageBarBody>
        </MessageBar>
      ))}
      <RecentDecisions names={name} />
      <TabList selectedValue={view} onTabSelect={(_e, d) => setParams(d.value === 'eligible' ? {} : { view: String(d.value) }, { replace: true })}>
        <Tab value="eligible">Eligible ({eligible.length})</Tab>
        <Tab value="active">Active ({active.length})</Tab>
        <Tab value="expired">Expired{expired.data ? ` (${expired.data.length})` : ''}</Tab>
      </TabList>
      {grants.isPending && <Spinner label="Loading your roles…" />}
      <ErrorMessage error={grants.error} title="Your roles could not be loaded" />
      {view === 'eligible' && grants.data && (
        <>
          <div className={styles.toolbar}>
            <Button
              appearance="primary"
              disabled={selected.size === 0}
              onClick={() => setActivating(eligible.filter((g) => selected.has(grantKey(g))).map(activationOf))}
            >
              Activate selected ({selected.size})
            </Button>
            <Text className={styles.muted} size={200}>
              Select several roles to activate them with one justification.
            </Text>
          </div>
          {eligible.length === 0 ? (
            <Text>You are not eligible for any role. An administrator makes people eligible; then they appear here.</Text>
          ) : (
            <div className={styles.tableWrap}>
              <Table aria-label="Eligible roles" size="small" className={styles.table}>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell style={{ width: 44 }}>
                      <span className="visually-hidden">Select</span>
                    </TableHeaderCell>
                    <TableHeaderCell>Role</TableHeaderCell>
                    <TableHeaderCell>Scope</TableHeaderCell>
                    <TableHeaderCell>Eligible until</TableHeaderCell>
                    <TableHeaderCell>Activation needs</TableHeaderCell>
                    <TableHeaderCell>
                      <span className="visually-hidden">Actions</span>
                    </TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {eligible.map((g) => {
                    const key = grantKey(g);
                    const on = activeKeys.has(key);
                    return (
                      <TableRow key={g.id}>
                        <TableCell>
                          <Checkbox
                            aria-label={`Select ${name(g)}`}
                            checked={selected.has(key)}
                            disabled={on}
                            onChange={(_e, d) => toggle(key, d.checked === true)}
                          />
                        </TableCell>
                        <TableCell>
                          <TableCellLayout description={g.memberType === 'Group' ? 'through a group' : undefined}>{name(g)}</TableCellLayout>
                        </TableCell>
                        <TableCell>{scopeName(g)}</TableCell>
                        <TableCell>{formatInstant(g.endDateTime)}</TableCell>
                        <TableCell>
                          <Needs rules={rules.get(key)} />
                        </TableCell>
                        <TableCell>
                          <span className={styles.actions}>
                            {on ? (
                              <Badge appearance="tint" color="success">
                                Active
                              </Badge>
                            ) : (
                              <Button size="small" onClick={() => setActivating([activationOf(g)])}>
                                Activate
                              </Button>
                            )}
                            {extendable(g, now) && (
                              <Button
                                size="small"
                                appearance="subtle"
                                aria-label={`Extend eligibility for ${name(g)}`}
                                onClick={() => setExtending({ grant: g, name: name(g), action: 'selfExtend' })}
                              >
                                Extend
                              </Button>
                            )}
                          </span>
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </div>
          )}
        </>
      )}
      {view === 'active' && grants.data && (
        <ActiveTable grants={active} name={name} onExtend={(g) => setExtending({ grant: g, name: name(g), action: 'selfExtend' })} />
      )}
      {view === 'expired' && <ExpiredTable query={expired} name={name} onRenew={(g) => setExtending({ grant: g, name: name(g), action: 'selfRenew' })} />}
      {activating && (
        <ActivateDialog
          activations={activating}
          onClose={() => {
            setActivating(null);
            setSelected(new Set());
          }}
        />
      )}
      {extending && <ExtendDialog extension={extending} onClose={() => setExtending(null)} />}
    </section>
  );
}

function Needs({ rules }: { rules: ActivationRules | undefined }) {
  const styles = useStyles();
  if (!rules) return <Text className={styles.muted}>…</Text>;
  const items = [
    rules.authenticationContext ? 'Security key' : rules.mfa ? 'MFA' : null,
    rules.justification ? 'Justification' : null,
    rules.ticket ? 'Ticket' : null,
    rules.approval ? 'Approval' : null,
  ].filter((x): x is string => x !== null);
  return (
    <span className={styles.needs}>
      {items.length === 0 && <Text className={styles.muted}>Nothing</Text>}
      {items.map((i) => (
        <Badge key={i} appearance="outline" color={i === 'Approval' ? 'warning' : 'brand'}>
          {i}
        </Badge>
      ))}
    </span>
  );
}

function ActiveTable({ grants, name, onExtend }: { grants: readonly Grant[]; name(g: Grant): string; onExtend(g: Grant): void }) {
  const styles = useStyles();
  const now = useNow();
  const withStepUp = useWithStepUp();
  const submit = useSelfRequest();
  const [error, setError] = useState<unknown>(null);
  if (grants.length === 0) return <Text>Nothing is active. Activate an eligible role when you need it; it ends by itself.</Text>;
  const deactivate = async (g: Grant) => {
    setError(null);
    try {
      await withStepUp(() => submit.mutateAsync({ grant: g, action: 'selfDeactivate' }));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      {error !== null && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{messageOf(error)}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.tableWrap}>
        <Table aria-label="Active roles" size="small" className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Role</TableHeaderCell>
              <TableHeaderCell>Scope</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell>Ends</TableHeaderCell>
              <TableHeaderCell>
                <span className="visually-hidden">Actions</span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {grants.map((g) => {
              const end = g.endDateTime ? Date.parse(g.endDateTime) : null;
              return (
                <TableRow key={g.id}>
                  <TableCell>
                    <TableCellLayout description={g.memberType === 'Group' ? 'through a group' : undefined}>{name(g)}</TableCellLayout>
                  </TableCell>
                  <TableCell>{scopeName(g)}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={g.assignmentType === 'Activated' ? 'success' : 'informative'}>
                      {g.assignmentType === 'Activated' ? 'Activated' : 'Assigned'}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {end === null ? (
                      'Permanent'
                    ) : (
                      <Tooltip content={formatInstant(g.endDateTime)} relationship="description">
                        <span>
                          <span aria-live="off">{formatRemaining(end, now)}</span> left
                        </span>
                      </Tooltip>
                    )}
                  </TableCell>
                  <TableCell>
                    {g.assignmentType === 'Activated' && g.memberType !== 'Group' && (
                      <Button size="small" disabled={submit.isPending} onClick={() => void deactivate(g)}>
                        Deactivate
                      </Button>
                    )}
                    {extendable(g, now) && (
                      <Button size="small" appearance="subtle" aria-label={`Extend ${name(g)}`} onClick={() => onExtend(g)}>
                        Extend
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
    </>
  );
}

/** What ran out in the last 30 days, each with Renew (a group's grant is the group's to renew). */
function ExpiredTable({ query, name, onRenew }: { query: ReturnType<typeof useMyExpiredGrants>; name(g: Grant): string; onRenew(g: Grant): void }) {
  const styles = useStyles();
  if (query.isPending) return <Spinner label="Loading expired roles…" />;
  if (query.error) return <ErrorMessage error={query.error} title="Your expired roles could not be loaded" />;
  if (query.data.length === 0) return <Text>Nothing of yours ran out in the last 30 days. What does shows here, and you may ask to renew it.</Text>;
  return (
    <div className={styles.tableWrap}>
      <Table aria-label="Expired roles" size="small" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Role</TableHeaderCell>
            <TableHeaderCell>Scope</TableHeaderCell>
            <TableHeaderCell>Was</TableHeaderCell>
            <TableHeaderCell>Ended</TableHeaderCell>
            <TableHeaderCell>
              <span className="visually-hidden">Actions</span>
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {query.data.map((g) => (
            <TableRow key={g.id}>
              <TableCell>{name(g)}</TableCell>
              <TableCell>{scopeName(g)}</TableCell>
              <TableCell>{g.kind === 'eligible' ? 'Eligible' : 'Active'}</TableCell>
              <TableCell>{formatInstant(g.endDateTime)}</TableCell>
              <TableCell>
                <Button size="small" aria-label={`Renew ${name(g)}`} onClick={() => onRenew(g)}>
                  Renew
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Denials of the caller's activations in the last hour, with who denied and why. */
function RecentDecisions({ names }: { names(g: Pick<Grant, 'provider' | 'roleId' | 'scope'>): string }) {
  const requests = useMyRequests(useMyRolesLoaded());
  const now = useNow(30_000);
  const recent = (requests.data ?? []).filter(
    (r) => r.action === 'selfActivate' && r.status === 'Denied' && r.completedDateTime && now - Date.parse(r.completedDateTime) < 3_600_000,
  );
  return (
    <>
      {recent.map((r) => (
        <Denial key={r.id} request={r} name={names({ provider: r.provider, roleId: r.roleId, scope: r.scope })} />
      ))}
    </>
  );
}

function Denial({ request, name }: { request: MyRequest; name: string }) {
  const approval = useApproval(request.provider, request.approvalId);
  const denial = denialOf(approval.data);
  return (
    <MessageBar intent="error">
      <MessageBarBody>
        Your activation of <strong>{name}</strong> was denied
        {denial ? (
          <>
            {' '}
            by {denial.reviewedBy.displayName ?? 'an approver'}
            {denial.justification ? <>: “{denial.justification}”</> : '.'}
          </>
        ) : (
          '.'
        )}{' '}
        <Link href={`/requests/${encodeURIComponent(request.id)}`}>Details</Link>
      </MessageBarBody>
    </MessageBar>
  );
}
