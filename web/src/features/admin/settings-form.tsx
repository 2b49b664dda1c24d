/** The frame every settings section shares (a role's, or a group's member / owner): a card with a heading, its controls, Save, and the outcome. */
import { Button, Card, MessageBar, MessageBarBody, Subtitle2, makeStyles } from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { useSaveRules, type Policy, type RulePatch } from './policy-api.ts';

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'column', gap: '12px', padding: '16px' },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
});

export interface SectionProps {
  readonly policy: Policy;
  readonly title: string;
  readonly id: string;
  /** The rule changes the form holds now (empty when nothing changed). */
  readonly patches: readonly RulePatch[];
  /** A problem that keeps Save from running, shown beside the control. */
  readonly invalid?: boolean;
  onReset(): void;
  readonly children: ReactNode;
}

export function SettingsSection({ policy, title, id, patches, invalid = false, onReset, children }: SectionProps) {
  const styles = useStyles();
  const save = useSaveRules(policy.id);
  const withStepUp = useWithStepUp();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const go = async () => {
    setOutcome(null);
    try {
      await withStepUp(() => save.mutateAsync(patches));
      const what = policy.scopeType === 'Group' ? 'this group access' : 'this role';
      setOutcome({ ok: true, text: `Saved. The next ${title === 'Notification' ? 'notification' : 'request'} for ${what} follows these settings.` });
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
              onReset();
            }}
            disabled={patches.length === 0 || save.isPending}
          >
            Discard changes
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** A patch for `ruleId` when `changes` differ from what the rule holds now. */
export function patchIf(policy: Policy, ruleId: string, changes: Record<string, unknown>): RulePatch[] {
  const rule = policy.rules.find((r) => r.id === ruleId);
  if (!rule) return [];
  const current = rule as unknown as Record<string, unknown>;
  const differs = Object.entries(changes).some(([k, v]) => JSON.stringify(current[k] ?? null) !== JSON.stringify(v ?? null));
  return differs ? [{ rule, changes }] : [];
}
