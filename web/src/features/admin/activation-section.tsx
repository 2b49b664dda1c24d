/**
 * Role (or group member / owner) settings › Activation: maximum duration, what activating asks (MFA or an authentication
 * context, justification, ticket) and approval with its approvers.
 */
import { Button, Checkbox, Field, Input, Radio, RadioGroup, Text, makeStyles, tokens } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { durationToMinutes, minutesToDuration } from '../../lib/time.ts';
import { usePrincipals, type DirectoryObject } from './api.ts';
import { useLoadedForm } from './loaded-form.ts';
import { ruleOf, type ApprovalSetting, type Policy, type SubjectSet } from './policy-api.ts';
import { PrincipalPicker } from './principal-picker.tsx';
import { patchIf, SettingsSection, switchRules } from './settings-form.tsx';

const useStyles = makeStyles({
  group: { display: 'flex', flexDirection: 'column', gap: '4px' },
  approvers: { display: 'flex', flexDirection: 'column', gap: '4px', margin: 0, padding: 0, listStyle: 'none' },
  approver: { display: 'flex', alignItems: 'center', gap: '8px' },
  indent: { paddingLeft: '28px', display: 'flex', flexDirection: 'column', gap: '8px', maxWidth: '480px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

type Step = 'none' | 'mfa' | 'context';

interface State {
  readonly hours: string;
  readonly step: Step;
  readonly claimValue: string;
  readonly justification: boolean;
  readonly ticket: boolean;
  readonly approval: boolean;
  readonly approvers: readonly SubjectSet[];
}

function initial(policy: Policy): State {
  const enabled = ruleOf(policy, 'Enablement_EndUser_Assignment')?.enabledRules ?? [];
  const context = ruleOf(policy, 'AuthenticationContext_EndUser_Assignment');
  const approval = ruleOf(policy, 'Approval_EndUser_Assignment')?.setting;
  const minutes = durationToMinutes(ruleOf(policy, 'Expiration_EndUser_Assignment')?.maximumDuration) ?? 480;
  return {
    hours: String(Math.round((minutes / 60) * 100) / 100),
    step: context?.isEnabled ? 'context' : enabled.includes('MultiFactorAuthentication') ? 'mfa' : 'none',
    claimValue: context?.claimValue ?? '',
    justification: enabled.includes('Justification'),
    ticket: enabled.includes('Ticketing'),
    approval: approval?.isApprovalRequired ?? false,
    approvers: approval?.approvalStages[0]?.primaryApprovers ?? [],
  };
}

const subjectOf = (p: DirectoryObject): SubjectSet =>
  p.kind === 'group'
    ? { '@odata.type': '#microsoft.graph.groupMembers', groupId: p.id, description: p.displayName }
    : { '@odata.type': '#microsoft.graph.singleUser', userId: p.id, description: p.displayName };
const subjectId = (s: SubjectSet) => s.userId ?? s.groupId ?? `manager-${s.managerLevel ?? 1}`;

const RULE_IDS = [
  'Expiration_EndUser_Assignment',
  'Enablement_EndUser_Assignment',
  'AuthenticationContext_EndUser_Assignment',
  'Approval_EndUser_Assignment',
] as const;

/** The approval setting with the form's choice and first-stage approvers; a stage is added only when there are approvers to put in it. */
function approvalSetting(current: ApprovalSetting, state: State): ApprovalSetting {
  const stages =
    current.approvalStages.length > 0
      ? current.approvalStages.map((stage, i) => (i === 0 ? { ...stage, primaryApprovers: state.approvers } : stage))
      : state.approvers.length > 0
        ? [
            {
              approvalStageTimeOutInDays: 1,
              isApproverJustificationRequired: true,
              escalationTimeInMinutes: 0,
              isEscalationEnabled: false,
              primaryApprovers: state.approvers,
              escalationApprovers: [],
            },
          ]
        : [];
  return { ...current, isApprovalRequired: state.approval, approvalStages: stages };
}

/** The rule changes the form holds: only rules whose values differ from those in force. */
function patchesOf(policy: Policy, state: State, minutes: number | null) {
  const expiration = ruleOf(policy, 'Expiration_EndUser_Assignment');
  const context = ruleOf(policy, 'AuthenticationContext_EndUser_Assignment');
  const approval = ruleOf(policy, 'Approval_EndUser_Assignment')?.setting;
  return [
    // The same length written the way the rule holds it (PT90M and PT1H30M alike) is not a change.
    ...(minutes === null
      ? []
      : patchIf(policy, 'Expiration_EndUser_Assignment', {
          maximumDuration: durationToMinutes(expiration?.maximumDuration) === minutes ? expiration?.maximumDuration : minutesToDuration(minutes),
        })),
    ...patchIf(policy, 'Enablement_EndUser_Assignment', {
      enabledRules: switchRules(ruleOf(policy, 'Enablement_EndUser_Assignment')?.enabledRules, {
        // An authentication context kept as it is leaves MFA as the rule has it (the API may set both).
        MultiFactorAuthentication: state.step === 'mfa' ? true : state.step === 'context' && context?.isEnabled ? undefined : false,
        Justification: state.justification,
        Ticketing: state.ticket,
      }),
    }),
    ...patchIf(
      policy,
      'AuthenticationContext_EndUser_Assignment',
      state.step === 'context'
        ? { isEnabled: true, claimValue: state.claimValue.trim() }
        : // Turned off: the claim goes too; left off: whatever the rule holds stays.
          { isEnabled: false, claimValue: context?.isEnabled ? null : (context?.claimValue ?? null) },
    ),
    ...(approval ? patchIf(policy, 'Approval_EndUser_Assignment', { setting: approvalSetting(approval, state) }) : []),
  ];
}

export function ActivationSection({ policy }: { policy: Policy }) {
  const styles = useStyles();
  const form = useLoadedForm(initial(policy));
  const { state, set } = form;
  const [picked, setPicked] = useState<DirectoryObject | null>(null);
  const principals = usePrincipals();

  const hours = Number(state.hours);
  const hoursInvalid = !Number.isFinite(hours) || hours < 0.5 || hours > 24;
  const contextInvalid = state.step === 'context' && state.claimValue.trim() === '';
  const current = ruleOf(policy, 'Approval_EndUser_Assignment')?.setting;
  const patches = patchesOf(policy, state, hoursInvalid ? null : Math.round(hours * 60));
  const nameOf = (s: SubjectSet) =>
    principals.data?.find((p) => p.id === subjectId(s))?.displayName ?? s.description ?? (s.managerLevel ? 'The requestor’s manager' : subjectId(s));

  return (
    <SettingsSection
      policy={policy}
      title="Activation"
      id="settings-activation"
      ruleIds={RULE_IDS}
      patches={patches}
      dirty={form.dirty}
      invalid={hoursInvalid || contextInvalid}
      onDiscard={form.discard}
    >
      <Field
        label="Activation maximum duration (hours)"
        hint="From 0.5 to 24 hours."
        validationMessage={hoursInvalid ? 'Give a number of hours from 0.5 to 24.' : undefined}
      >
        <Input type="number" min={0.5} max={24} step={0.5} value={state.hours} onChange={(_e, d) => set({ hours: d.value })} style={{ maxWidth: 140 }} />
      </Field>
      <Field label="On activation, require">
        <RadioGroup value={state.step} onChange={(_e, d) => set({ step: d.value as Step })}>
          <Radio value="none" label="None" />
          <Radio value="mfa" label="Multi-factor authentication" />
          <Radio value="context" label="An authentication context (e.g. a phishing-resistant sign-in)" />
        </RadioGroup>
      </Field>
      {state.step === 'context' && (
        <div className={styles.indent}>
          <Field
            label="Authentication context (claim value)"
            required
            validationMessage={contextInvalid ? 'Name the authentication context, e.g. c1.' : undefined}
          >
            <Input value={state.claimValue} onChange={(_e, d) => set({ claimValue: d.value })} maxLength={100} />
          </Field>
        </div>
      )}
      <div className={styles.group}>
        <Checkbox label="Require justification on activation" checked={state.justification} onChange={(_e, d) => set({ justification: d.checked === true })} />
        <Checkbox label="Require ticket information on activation" checked={state.ticket} onChange={(_e, d) => set({ ticket: d.checked === true })} />
        <Checkbox
          label="Require approval to activate"
          checked={state.approval}
          onChange={(_e, d) => set({ approval: d.checked === true })}
          disabled={!current}
        />
      </div>
      {state.approval && (
        <div className={styles.indent}>
          <Text weight="semibold" id="approvers-label">
            Approvers
          </Text>
          {state.approvers.length === 0 ? (
            <Text size={200} className={styles.muted}>
              {policy.isOrganizationDefault
                ? 'None named: name at least one approver — groups and resource roles inherit this setting, and they have no default approvers.'
                : policy.scopeType === 'Group'
                  ? 'None named: name at least one approver — a group’s access has no default approvers.'
                  : 'None named: Privileged Role Administrators and Global Administrators approve (directory roles only; a resource role needs an approver).'}
            </Text>
          ) : (
            <ul className={styles.approvers} aria-labelledby="approvers-label">
              {state.approvers.map((s) => (
                <li key={subjectId(s)} className={styles.approver}>
                  <Text>
                    {nameOf(s)}
                    {s.groupId ? ' (group)' : ''}
                  </Text>
                  <Button
                    size="small"
                    appearance="subtle"
                    icon={<DismissRegular />}
                    aria-label={`Remove approver ${nameOf(s)}`}
                    onClick={() => set({ approvers: state.approvers.filter((x) => subjectId(x) !== subjectId(s)) })}
                  />
                </li>
              ))}
            </ul>
          )}
          <PrincipalPicker
            key={state.approvers.length}
            label="Add an approver"
            value={picked}
            onChange={setPicked}
            accept={(p) => !state.approvers.some((s) => subjectId(s) === p.id)}
          />
          <Button
            size="small"
            style={{ alignSelf: 'flex-start' }}
            disabled={!picked}
            onClick={() => {
              if (picked) set({ approvers: [...state.approvers, subjectOf(picked)] });
              setPicked(null);
            }}
          >
            Add approver
          </Button>
        </div>
      )}
    </SettingsSection>
  );
}
