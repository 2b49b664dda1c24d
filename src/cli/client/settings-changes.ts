/** What `openpim config plan` finds and `apply` carries out: the changes, one per thing, and the plan they make up. */
import type { RuleId } from '../../domain/policy/rules.ts';
import type { LiveSchedule } from './settings-live.ts';
import type { AssignmentSetting, GroupSetting, OwnRules, PolicyTarget, PrincipalRef, ScopeSetting, TenantDefault } from './settings-model.ts';
import type { FieldChange } from './settings-rules.ts';

export type Change =
  | { readonly section: 'administrativeUnits'; readonly action: 'add'; readonly name: string }
  | { readonly section: 'scopes'; readonly action: 'add'; readonly scope: ScopeSetting }
  | { readonly section: 'groups'; readonly action: 'add'; readonly group: GroupSetting }
  | { readonly section: 'groups'; readonly action: 'add' | 'remove'; readonly group: GroupSetting; readonly member: PrincipalRef }
  | {
      readonly section: 'policies';
      /** `add`: a new policy for a narrower scope. */
      readonly action: 'add' | 'change';
      readonly target: PolicyTarget | TenantDefault;
      /** The rules the policy should set, whole (the tenant default: all 17). */
      readonly own: OwnRules;
      readonly rules: readonly RuleChange[];
    }
  | {
      readonly section: 'assignments';
      readonly action: 'add' | 'remove' | 'change';
      readonly assignment: AssignmentSetting;
      readonly schedule: LiveSchedule | null;
      readonly fields: readonly FieldChange[];
    };

/** One rule of a policy: set where it was inherited, changed where it is set, or reset to inherit. */
export interface RuleChange {
  readonly id: RuleId;
  readonly action: 'set' | 'change' | 'inherit';
  /** Where the rule is inherited from: until it is set (`set`), or once reset (`inherit`); null for `change`. */
  readonly inheritedFrom: string | null;
  /** How the rule in force changes, field by field (`maximumDuration`, `setting.isApprovalRequired`). */
  readonly fields: readonly FieldChange[];
}

export interface Plan {
  readonly changes: readonly Change[];
  /** Nothing may be applied while there are any. */
  readonly errors: readonly string[];
  /** Differences the API cannot reconcile; they are not changes. */
  readonly warnings: readonly string[];
}
