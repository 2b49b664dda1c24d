/**
 * Role (or group member / owner) settings › Notification: the nine notification rules, as Entra groups them — for eligible
 * assignments, active assignments and activations, who is emailed (admins, the assignee or
 * requestor, approvers), extra recipients, and whether only critical emails go out.
 */
import { Checkbox, Field, Input, Subtitle2, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useLoadedForm } from './loaded-form.ts';
import { ruleOf, type Policy, type Rule } from './policy-api.ts';
import { isGroupsDefault, recipientLabel } from './rule-labels.ts';
import { patchIf, SettingsSection } from './settings-form.tsx';

/** What the headings speak of: any role (the tenant default), any group (the defaults for groups), this group, or this role. */
const subjectOf = (policy: Policy): string =>
  policy.isOrganizationDefault ? 'a role' : isGroupsDefault(policy) ? 'a group' : policy.scopeType === 'Group' ? 'this group' : 'this role';

const useStyles = makeStyles({
  event: { display: 'flex', flexDirection: 'column', gap: '8px', borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: '12px' },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(180px, 1.2fr) auto minmax(200px, 2fr) auto',
    gap: '8px 16px',
    alignItems: 'center',
    '@media (max-width: 700px)': { gridTemplateColumns: '1fr', gap: '4px', paddingBottom: '8px' },
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Entra's headings; the tenant default speaks of any role, the defaults for groups of any group. */
const EVENTS = [
  { level: 'Admin_Eligibility', title: (role: string) => `When members are assigned as eligible to ${role}` },
  { level: 'Admin_Assignment', title: (role: string) => `When members are assigned as active to ${role}` },
  { level: 'EndUser_Assignment', title: (role: string) => `When eligible members activate ${role}` },
] as const;

const RECIPIENTS = ['Admin', 'Requestor', 'Approver'] as const;
const RULE_IDS = EVENTS.flatMap((e) => RECIPIENTS.map((who) => `Notification_${who}_${e.level}`));

interface RowState {
  readonly defaults: boolean;
  readonly extra: string;
  readonly critical: boolean;
}

const rowOf = (r: Rule | undefined): RowState => ({
  defaults: r?.isDefaultRecipientsEnabled ?? true,
  extra: (r?.notificationRecipients ?? []).join(', '),
  critical: r?.notificationLevel === 'Critical',
});

const initial = (policy: Policy) => Object.fromEntries(policy.rules.filter((r) => r.id.startsWith('Notification_')).map((r) => [r.id, rowOf(r)]));
const addresses = (text: string) =>
  text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
const looksLikeEmail = (s: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s);

export function NotificationSection({ policy }: { policy: Policy }) {
  const styles = useStyles();
  const form = useLoadedForm<Record<string, RowState>>(initial(policy));
  const rows = form.state;
  const set = (id: string, changes: Partial<RowState>) => form.update((all) => ({ ...all, [id]: { ...(all[id] ?? rowOf(undefined)), ...changes } }));
  const bad = Object.entries(rows)
    .filter(([, r]) => addresses(r.extra).some((a) => !looksLikeEmail(a)))
    .map(([id]) => id);
  const patches = Object.entries(rows).flatMap(([id, r]) => {
    const rule = ruleOf(policy, id);
    if (!rule || bad.includes(id)) return [];
    const level = r.critical ? 'Critical' : rule.notificationLevel === 'None' ? 'None' : 'All';
    return patchIf(policy, id, { isDefaultRecipientsEnabled: r.defaults, notificationRecipients: addresses(r.extra), notificationLevel: level });
  });
  return (
    <SettingsSection
      policy={policy}
      title="Notification"
      id="settings-notification"
      ruleIds={RULE_IDS}
      patches={patches}
      dirty={form.dirty}
      invalid={bad.length > 0}
      onDiscard={form.discard}
    >
      {EVENTS.map((e) => (
        <div key={e.level} className={styles.event} role="group" aria-labelledby={`n-${e.level}`}>
          <Subtitle2 as="h3" id={`n-${e.level}`} style={{ fontSize: tokens.fontSizeBase300 }}>
            {e.title(subjectOf(policy))}
          </Subtitle2>
          {RECIPIENTS.map((who) => {
            const id = `Notification_${who}_${e.level}`;
            const row = rows[id];
            if (!row) return null;
            const label = recipientLabel(who, e.level);
            return (
              <div key={id} className={styles.row}>
                <Text>{label}</Text>
                <Checkbox
                  label="Default recipients"
                  checked={row.defaults}
                  onChange={(_e, d) => set(id, { defaults: d.checked === true })}
                  aria-label={`${label}: default recipients`}
                />
                <Field
                  label={<span className="visually-hidden">{label}: additional recipients</span>}
                  validationMessage={bad.includes(id) ? 'Give email addresses separated by commas.' : undefined}
                >
                  <Input value={row.extra} onChange={(_e, d) => set(id, { extra: d.value })} placeholder="Additional emails" />
                </Field>
                <Checkbox
                  label="Critical emails only"
                  checked={row.critical}
                  onChange={(_e, d) => set(id, { critical: d.checked === true })}
                  aria-label={`${label}: critical emails only`}
                />
              </div>
            );
          })}
        </div>
      ))}
    </SettingsSection>
  );
}
