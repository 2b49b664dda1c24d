/**
 * The frame every settings section shares (a role's, a group's member / owner, or the tenant default): a card with a
 * heading, where its rules come from (set here or inherited, with a way back to inheriting), its controls, Save, and
 * the outcome. Save PATCHes only the rules whose values the person changed: a rule PATCHed is set by this policy from
 * then on, so an untouched inherited rule must never be sent.
 */
import { Button, Card, MessageBar, MessageBarBody, Subtitle2, makeStyles } from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { useSaveRules, type Policy, type RulePatch } from './policy-api.ts';
import { isGroupsDefault } from './rule-labels.ts';
import { RuleOriginList } from './rule-origins.tsx';

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'column', gap: '12px', padding: '16px' },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
});

export interface SectionProps {
  readonly policy: Policy;
  readonly title: string;
  readonly id: string;
  /** The rules the section shows, in the order it shows them. */
  readonly ruleIds: readonly string[];
  /** The rule changes the form holds now (empty when nothing changed). */
  readonly patches: readonly RulePatch[];
  /** Whether the form differs from what is loaded (an invalid entry too, which makes no patch). */
  readonly dirty: boolean;
  /** A problem that keeps Save from running, shown beside the control. */
  readonly invalid?: boolean;
  onDiscard(): void;
  readonly children: ReactNode;
}

function savedText(policy: Policy, title: string): string {
  if (policy.isOrganizationDefault) return 'Saved. Every role and group that inherits these settings follows them from its next request.';
  if (isGroupsDefault(policy)) return 'Saved. Every group that inherits these settings follows them from its next request.';
  const what = policy.scopeType === 'Group' ? 'this group access' : 'this role';
  return `Saved. The next ${title === 'Notification' ? 'notification' : 'request'} for ${what} follows these settings.`;
}

export function SettingsSection({ policy, title, id, ruleIds, patches, dirty, invalid = false, onDiscard, children }: SectionProps) {
  const styles = useStyles();
  const save = useSaveRules(policy.id);
  const withStepUp = useWithStepUp();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const go = async () => {
    setOutcome(null);
    try {
      await withStepUp(() => save.mutateAsync(patches));
      setOutcome({ ok: true, text: savedText(policy, title) });
    } catch (e) {
      setOutcome({ ok: false, text: messageOf(e) });
    }
  };
  return (
    <Card className={styles.card} role="region" aria-labelledby={id}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go();
        }}
        noValidate
        style={{ display: 'contents' }}
      >
        <Subtitle2 as="h2" id={id}>
          {title}
        </Subtitle2>
        <RuleOriginList policy={policy} title={title} ruleIds={ruleIds} editing={dirty} busy={save.isPending} onResetStart={() => setOutcome(null)} />
        {children}
        {outcome && (
          <MessageBar intent={outcome.ok ? 'success' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
            <MessageBarBody>{outcome.text}</MessageBarBody>
          </MessageBar>
        )}
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={patches.length === 0 || invalid || save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </Button>
          <Button
            onClick={() => {
              setOutcome(null);
              onDiscard();
            }}
            disabled={!dirty || save.isPending}
          >
            Discard changes
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** A patch for `ruleId` when `changes` differ from what the rule holds now (in force, whether set here or inherited). */
export function patchIf(policy: Policy, ruleId: string, changes: Record<string, unknown>): RulePatch[] {
  const rule = policy.rules.find((r) => r.id === ruleId);
  if (!rule) return [];
  const current = rule as unknown as Record<string, unknown>;
  const differs = Object.entries(changes).some(([k, v]) => JSON.stringify(current[k] ?? null) !== JSON.stringify(v ?? null));
  return differs ? [{ rule, changes }] : [];
}

/**
 * An enablement rule's list with each named requirement switched on or off (undefined: left as it is); the others,
 * and the order, kept as they are — so a list the API wrote in another order is not a change.
 * @example switchRules(['Justification', 'MultiFactorAuthentication'], { MultiFactorAuthentication: true, Ticketing: true })
 *   → ['Justification', 'MultiFactorAuthentication', 'Ticketing']
 */
export function switchRules(current: readonly string[] | undefined, wanted: Readonly<Record<string, boolean | undefined>>): string[] {
  const kept = (current ?? []).filter((r) => wanted[r] !== false);
  return [...kept, ...Object.keys(wanted).filter((r) => wanted[r] && !kept.includes(r))];
}
