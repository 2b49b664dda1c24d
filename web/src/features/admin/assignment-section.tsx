/**
 * Role (or group member / owner) settings › Assignment: whether eligible and active assignments may be permanent, how long
 * they last when not, and what an admin must give to assign active (MFA, justification).
 */
import { Checkbox, Field, Input, makeStyles } from '@fluentui/react-components';
import { durationToMinutes } from '../../lib/time.ts';
import { useLoadedForm } from './loaded-form.ts';
import { ruleOf, type Policy } from './policy-api.ts';
import { patchIf, SettingsSection, switchRules } from './settings-form.tsx';

const useStyles = makeStyles({
  block: { display: 'flex', flexDirection: 'column', gap: '4px' },
  indent: { paddingLeft: '28px' },
});

interface State {
  readonly eligiblePermanent: boolean;
  readonly eligibleDays: string;
  readonly activePermanent: boolean;
  readonly activeDays: string;
  readonly activeMfa: boolean;
  readonly activeJustification: boolean;
}

const days = (iso: string | undefined, fallback: number) => String(Math.max(1, Math.round((durationToMinutes(iso) ?? fallback * 1440) / 1440)));

function initial(policy: Policy): State {
  const eligible = ruleOf(policy, 'Expiration_Admin_Eligibility');
  const active = ruleOf(policy, 'Expiration_Admin_Assignment');
  const enabled = ruleOf(policy, 'Enablement_Admin_Assignment')?.enabledRules ?? [];
  return {
    eligiblePermanent: !(eligible?.isExpirationRequired ?? false),
    eligibleDays: days(eligible?.maximumDuration, 365),
    activePermanent: !(active?.isExpirationRequired ?? false),
    activeDays: days(active?.maximumDuration, 180),
    activeMfa: enabled.includes('MultiFactorAuthentication'),
    activeJustification: enabled.includes('Justification'),
  };
}

const validDays = (text: string) => /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 36_525;

/** The same maximum written the way the policy holds it, so an untouched field is not a change. */
function expirationChange(policy: Policy, ruleId: string, permanent: boolean, dayText: string) {
  const rule = ruleOf(policy, ruleId);
  const sameLength = durationToMinutes(rule?.maximumDuration) === Number(dayText) * 1440;
  return patchIf(policy, ruleId, { isExpirationRequired: !permanent, maximumDuration: sameLength ? rule?.maximumDuration : `P${Number(dayText)}D` });
}

const RULE_IDS = ['Expiration_Admin_Eligibility', 'Expiration_Admin_Assignment', 'Enablement_Admin_Assignment'] as const;

/** The shown rules, and the one rule the section has no control for (what eligible assignment asks) when this policy sets it: so it can be reset. */
const ruleIdsOf = (policy: Policy) => [
  ...RULE_IDS,
  ...(ruleOf(policy, 'Enablement_Admin_Eligibility') && !ruleOf(policy, 'Enablement_Admin_Eligibility')?.inheritedFrom ? ['Enablement_Admin_Eligibility'] : []),
];

export function AssignmentSection({ policy }: { policy: Policy }) {
  const styles = useStyles();
  const form = useLoadedForm(initial(policy));
  const { state, set } = form;
  const eligibleBad = !validDays(state.eligibleDays);
  const activeBad = !validDays(state.activeDays);
  const patches = [
    ...(eligibleBad ? [] : expirationChange(policy, 'Expiration_Admin_Eligibility', state.eligiblePermanent, state.eligibleDays)),
    ...(activeBad ? [] : expirationChange(policy, 'Expiration_Admin_Assignment', state.activePermanent, state.activeDays)),
    ...patchIf(policy, 'Enablement_Admin_Assignment', {
      enabledRules: switchRules(ruleOf(policy, 'Enablement_Admin_Assignment')?.enabledRules, {
        MultiFactorAuthentication: state.activeMfa,
        Justification: state.activeJustification,
      }),
    }),
  ];
  return (
    <SettingsSection
      policy={policy}
      title="Assignment"
      id="settings-assignment"
      ruleIds={policy.isOrganizationDefault ? RULE_IDS : ruleIdsOf(policy)}
      patches={patches}
      dirty={form.dirty}
      invalid={eligibleBad || activeBad}
      onDiscard={form.discard}
    >
      <div className={styles.block}>
        <Checkbox
          label="Allow permanent eligible assignment"
          checked={state.eligiblePermanent}
          onChange={(_e, d) => set({ eligiblePermanent: d.checked === true })}
        />
        <Field
          className={styles.indent}
          label="Expire eligible assignments after (days)"
          hint={state.eligiblePermanent ? 'The longest a time-bound eligible assignment may last.' : 'Every eligible assignment ends within this.'}
          validationMessage={eligibleBad ? 'Give a whole number of days from 1 to 36525.' : undefined}
        >
          <Input type="number" min={1} value={state.eligibleDays} onChange={(_e, d) => set({ eligibleDays: d.value })} style={{ maxWidth: 140 }} />
        </Field>
      </div>
      <div className={styles.block}>
        <Checkbox
          label="Allow permanent active assignment"
          checked={state.activePermanent}
          onChange={(_e, d) => set({ activePermanent: d.checked === true })}
        />
        <Field
          className={styles.indent}
          label="Expire active assignments after (days)"
          hint={state.activePermanent ? 'The longest a time-bound active assignment may last.' : 'Every active assignment ends within this.'}
          validationMessage={activeBad ? 'Give a whole number of days from 1 to 36525.' : undefined}
        >
          <Input type="number" min={1} value={state.activeDays} onChange={(_e, d) => set({ activeDays: d.value })} style={{ maxWidth: 140 }} />
        </Field>
      </div>
      <div className={styles.block}>
        <Checkbox
          label="Require multi-factor authentication on active assignment"
          checked={state.activeMfa}
          onChange={(_e, d) => set({ activeMfa: d.checked === true })}
        />
        <Checkbox
          label="Require justification on active assignment"
          checked={state.activeJustification}
          onChange={(_e, d) => set({ activeJustification: d.checked === true })}
        />
      </div>
    </SettingsSection>
  );
}
