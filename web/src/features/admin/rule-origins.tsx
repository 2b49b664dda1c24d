/**
 * Where a settings section's rules come from, shown once per section rather than on every control: each rule this
 * policy sets itself ("Set here", with Reset to inherited), then where the others are inherited from, in plain words
 * that link to those settings. Nothing is shown for the tenant default, which sets every rule.
 */
import { Badge, Button, MessageBar, MessageBarBody, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowUndoRegular } from '@fluentui/react-icons';
import { useEffect, useId, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { messageOf } from '../../components/error-message.tsx';
import { RouteLink } from '../../components/route-link.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { placeName, useAdministrativeUnits, useResourceScopes } from './api.ts';
import { useGroupsDefaultPolicies, useResetRule, type Policy, type RuleSource } from './policy-api.ts';
import { groupsDefaultPath, originsOf, ruleLabel, sourceKind, TENANT_DEFAULT_PATH } from './rule-labels.ts';

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: '6px',
    margin: 0,
    padding: '8px 12px',
    listStyle: 'none',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  own: { display: 'flex', alignItems: 'center', gap: '4px 8px', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground2 },
});

export interface RuleOriginListProps {
  readonly policy: Policy;
  readonly title: string;
  readonly ruleIds: readonly string[];
  /** The section holds unsaved changes: a reset waits until they are saved or discarded. */
  readonly editing: boolean;
  /** The section is saving. */
  readonly busy: boolean;
  onResetStart(): void;
}

export function RuleOriginList({ policy, title, ruleIds, editing, busy, onResetStart }: RuleOriginListProps) {
  const styles = useStyles();
  const reset = useResetRule(policy.id);
  const withStepUp = useWithStepUp();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const done = useRef<HTMLDivElement>(null);
  const noteId = useId();
  useEffect(() => {
    // A new edit makes the last reset's outcome old news.
    if (editing) setOutcome(null);
  }, [editing]);
  useEffect(() => {
    // The button pressed is gone (the rule is inherited now): focus goes to what happened, not to the page's top.
    if (outcome?.ok) done.current?.focus();
  }, [outcome]);
  if (policy.isOrganizationDefault) return null;
  const { own, inherited } = originsOf(policy, ruleIds);

  const go = async (ruleId: string) => {
    onResetStart();
    setOutcome(null);
    try {
      await withStepUp(() => reset.mutateAsync(ruleId));
      setOutcome({ ok: true, text: `${ruleLabel(ruleId)} is inherited again; the section shows the inherited value.` });
    } catch (e) {
      setOutcome({ ok: false, text: messageOf(e) });
    }
  };

  return (
    <>
      <ul className={styles.box} aria-label={`${title}: where each setting comes from`}>
        {own.map((rule) => (
          <li key={rule.id} className={styles.own}>
            <Badge appearance="tint" color="brand" size="medium">
              Set here
            </Badge>
            <Text size={200}>{ruleLabel(rule.id)}</Text>
            <Button
              size="small"
              appearance="subtle"
              icon={<ArrowUndoRegular />}
              aria-label={`Reset to inherited: ${ruleLabel(rule.id)}`}
              aria-describedby={editing ? noteId : undefined}
              disabledFocusable={editing || busy || reset.isPending}
              onClick={() => void go(rule.id)}
            >
              Reset to inherited
            </Button>
          </li>
        ))}
        {inherited.map(({ from, rules }) => (
          <li key={from.policyId}>
            <Text size={200} className={styles.muted}>
              {inherited.length > 1 ? (
                <>
                  Inherited from <SourceName policy={policy} from={from} />: {rules.map((r) => ruleLabel(r.id)).join('; ')}.
                </>
              ) : own.length > 0 ? (
                <>
                  The others are inherited from <SourceName policy={policy} from={from} />.
                </>
              ) : (
                <>
                  All inherited from <SourceName policy={policy} from={from} />.
                </>
              )}
            </Text>
          </li>
        ))}
        {editing && (
          <li>
            <Text size={200} id={noteId} className={styles.muted}>
              Saving sets the settings you changed here{inherited.length > 0 ? '; the others stay inherited' : ''}.
              {own.length > 0 ? ' Save or discard your changes before resetting a setting.' : ''}
            </Text>
          </li>
        )}
      </ul>
      {outcome && (
        <MessageBar intent={outcome.ok ? 'success' : 'error'} role={outcome.ok ? 'status' : 'alert'} ref={done} tabIndex={-1}>
          <MessageBarBody>{outcome.text}</MessageBarBody>
        </MessageBar>
      )}
    </>
  );
}

/** The policy an inherited rule comes from, named from where the reader stands; a link when there is a page for it. */
function SourceName({ policy, from }: { policy: Policy; from: RuleSource }) {
  const { pathname } = useLocation();
  const source = sourceKind(policy, from);
  switch (source.kind) {
    case 'tenant-default':
      return <RouteLink to={TENANT_DEFAULT_PATH}>the tenant default</RouteLink>;
    case 'groups-default':
      return <GroupsDefaultSource policyId={source.policyId} />;
    case 'role-directory':
      return <RouteLink to={pathname}>this role’s settings for the whole directory</RouteLink>;
    case 'role-scope':
      return <ScopeSource pathname={pathname} scopeId={source.scopeId} />;
  }
}

/** The role's own settings at a scope above this one, by the scope's name. */
function ScopeSource({ pathname, scopeId }: { pathname: string; scopeId: string }) {
  const units = useAdministrativeUnits();
  const resources = useResourceScopes();
  const name = placeName(scopeId, [...(units.data ?? []), ...(resources.data ?? [])]);
  return <RouteLink to={`${pathname}?scope=${encodeURIComponent(scopeId)}`}>this role’s settings at {name}</RouteLink>;
}

/** The defaults for groups, showing the access (member or owner) whose policy the rule comes from. */
function GroupsDefaultSource({ policyId }: { policyId: string }) {
  const defaults = useGroupsDefaultPolicies();
  const access = defaults.data?.owner?.id === policyId ? 'owner' : 'member';
  return <RouteLink to={groupsDefaultPath(access)}>the defaults for groups</RouteLink>;
}
