/**
 * Add assignment: who (a user or a role-assignable group), eligible or active, where (the
 * directory, an administrative unit, or a resource scope) and for how long — permanent, or from a
 * start to an end date or for a duration. The role's settings at that scope are shown up front.
 * For a group (PIM for Groups) the same, with member or owner in place of the scope. At one resource
 * scope (the Resource scopes page) the same, with the role chosen and the scope given.
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
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Radio,
  RadioGroup,
  Text,
  Textarea,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { minutesToDuration } from '../../lib/time.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { placeName, type DirectoryObject, type Place } from './api.ts';
import { ACCESS_LABEL } from './names.ts';
import { adminRulesOf, describeAdminRules, localToIso, policyAt } from './assignment-rules.ts';
import { useRolePolicies, type GroupAccess, type Policy } from './policy-api.ts';
import { PrincipalPicker } from './principal-picker.tsx';
import { useAdminRequest, type Expiration, type HolderKind } from './roles-api.ts';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: '12px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'flex-end' },
  grow: { flexGrow: 1, minWidth: '160px' },
});

/** What is assigned: a role at one of its places, or a group's member or owner access. */
export type AssignTarget =
  | { readonly provider: 'directory'; readonly roleId: string; readonly places: readonly Place[]; readonly policies: readonly Policy[] | undefined }
  | {
      readonly provider: 'group';
      readonly groupId: string;
      readonly isAssignableToRole: boolean;
      readonly initialAccess: GroupAccess;
      readonly policies: Partial<Record<GroupAccess, Policy>> | undefined;
    }
  /** A role chosen among `roles` (resource and custom roles), at one resource scope. */
  | { readonly provider: 'scope'; readonly scope: Place; readonly roles: readonly { readonly id: string; readonly displayName: string }[] };

export interface AssignDialogProps {
  readonly target: AssignTarget;
  /** The role's, the group's or the scope's name. */
  readonly name: string;
  readonly initialKind: HolderKind;
  onDone(message: string): void;
  onClose(): void;
}

type Length = 'permanent' | 'until' | 'for';

export function AssignDialog({ target, name, initialKind, onDone, onClose }: AssignDialogProps) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const submit = useAdminRequest();
  const group = target.provider === 'group' ? target : null;
  const atScope = target.provider === 'scope' ? target : null;
  const places = target.provider === 'directory' ? target.places : atScope ? [atScope.scope] : [];
  const [kind, setKind] = useState<HolderKind>(initialKind);
  const [principal, setPrincipal] = useState<DirectoryObject | null>(null);
  const [scope, setScope] = useState(places[0]?.id ?? '/');
  const [access, setAccess] = useState<GroupAccess>(group?.initialAccess ?? 'member');
  const [roleId, setRoleId] = useState('');
  const chosenPolicies = useRolePolicies(roleId, { enabled: atScope !== null && roleId !== '' });
  const role = atScope?.roles.find((r) => r.id === roleId);
  const rules = adminRulesOf(
    target.provider === 'group' ? target.policies?.[access] : policyAt(target.provider === 'directory' ? target.policies : chosenPolicies.data, scope),
    kind,
  );
  const [length, setLength] = useState<Length>('permanent');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [amount, setAmount] = useState('30');
  const [unit, setUnit] = useState<'hours' | 'days'>('days');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const effectiveLength: Length = length === 'permanent' && rules && !rules.permanentAllowed ? 'for' : length;

  const expiration = (): Expiration | null => {
    if (effectiveLength === 'permanent') return { type: 'noExpiration' };
    if (effectiveLength === 'until') {
      const iso = localToIso(end);
      return iso ? { type: 'afterDateTime', endDateTime: iso } : null;
    }
    const n = Number(amount);
    if (!Number.isFinite(n) || n <= 0) return null;
    return { type: 'afterDuration', duration: unit === 'days' ? `P${Math.round(n)}D` : minutesToDuration(Math.round(n * 60)) };
  };
  const missing = {
    role: atScope && !role ? 'Choose a role.' : undefined,
    principal: principal === null ? 'Choose a person or group.' : undefined,
    end: expiration() === null ? (effectiveLength === 'until' ? 'Give an end date and time.' : 'Give a positive number.') : undefined,
    justification: rules?.justification && justification.trim() === '' ? 'The settings ask for a justification.' : undefined,
  };

  const go = async () => {
    setTried(true);
    setError(null);
    const exp = expiration();
    if (!principal || !exp || missing.justification || missing.role) return;
    try {
      const startIso = localToIso(start);
      const where =
        target.provider === 'group'
          ? { provider: 'group' as const, roleDefinitionId: access, directoryScopeId: target.groupId }
          : { roleDefinitionId: target.provider === 'scope' ? roleId : target.roleId, directoryScopeId: scope };
      const result = await withStepUp(() =>
        submit.mutateAsync({
          ...where,
          kind,
          action: 'adminAssign',
          principalId: principal.id,
          justification: justification.trim() || undefined,
          startDateTime: startIso ?? undefined,
          expiration: exp,
        }),
      );
      const later = result.status === 'Granted' ? ' from the start you gave' : '';
      onDone(
        group
          ? `${principal.displayName} is now ${kind === 'eligible' ? 'eligible as' : 'active as'} ${access} of ${name}${later}.`
          : role
            ? `${principal.displayName} is now ${kind === 'eligible' ? 'eligible for' : 'assigned'} ${role.displayName} at ${name}${later}.`
            : `${principal.displayName} is now ${kind === 'eligible' ? 'eligible for' : 'assigned'} ${name}${later}.`,
      );
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
          noValidate
        >
          <DialogBody>
            <DialogTitle>Add assignment: {name}</DialogTitle>
            <DialogContent className={styles.content}>
              <Field label="Assignment type">
                <RadioGroup value={kind} onChange={(_e, d) => setKind(d.value as HolderKind)} layout="horizontal">
                  <Radio value="eligible" label="Eligible (activates when needed)" />
                  <Radio value="active" label="Active (holds it now)" />
                </RadioGroup>
              </Field>
              {group ? (
                <>
                  <Field label="Role in the group">
                    <RadioGroup value={access} onChange={(_e, d) => setAccess(d.value === 'owner' ? 'owner' : 'member')}>
                      <Radio value="member" label="Member (holds what the group holds)" />
                      <Radio value="owner" label="Owner (manages its members)" />
                    </RadioGroup>
                  </Field>
                  <PrincipalPicker
                    label="User or group"
                    required
                    value={principal}
                    onChange={setPrincipal}
                    accept={(p) => p.id !== group.groupId}
                    hint={group.isAssignableToRole ? 'This group is role-assignable: its members and owners are people, not groups.' : 'A person or a group.'}
                    validationMessage={tried ? missing.principal : undefined}
                  />
                </>
              ) : atScope ? (
                <>
                  <Field label="Role" required validationMessage={tried ? missing.role : undefined}>
                    <Dropdown
                      placeholder="Choose a role"
                      value={role?.displayName ?? ''}
                      selectedOptions={roleId ? [roleId] : []}
                      onOptionSelect={(_e, d) => setRoleId(d.optionValue ?? '')}
                    >
                      {atScope.roles.map((r) => (
                        <Option key={r.id} value={r.id}>
                          {r.displayName}
                        </Option>
                      ))}
                    </Dropdown>
                  </Field>
                  <PrincipalPicker
                    label="Member"
                    required
                    value={principal}
                    onChange={setPrincipal}
                    accept={(p) => p.kind === 'user' || p.isAssignableToRole === true}
                    hint="Users, and groups marked role-assignable."
                    validationMessage={tried ? missing.principal : undefined}
                  />
                  <Text>
                    Scope: <strong>{placeName(atScope.scope.id, places)}</strong> — and every scope below it.
                  </Text>
                </>
              ) : (
                <>
                  <PrincipalPicker
                    label="Member"
                    required
                    value={principal}
                    onChange={setPrincipal}
                    accept={(p) => p.kind === 'user' || p.isAssignableToRole === true}
                    hint="Users, and groups marked role-assignable."
                    validationMessage={tried ? missing.principal : undefined}
                  />
                  <Field label="Scope" required>
                    <Dropdown value={placeName(scope, places)} selectedOptions={[scope]} onOptionSelect={(_e, d) => setScope(d.optionValue ?? '/')}>
                      {places.map((p) => (
                        <Option key={p.id} value={p.id} text={placeName(p.id, places)}>
                          {placeName(p.id, places)}
                        </Option>
                      ))}
                    </Dropdown>
                  </Field>
                </>
              )}
              {rules && <Text size={200}>{describeAdminRules(rules, group ? `${ACCESS_LABEL[access]} settings` : undefined)}</Text>}
              <Field label="Duration">
                <RadioGroup value={effectiveLength} onChange={(_e, d) => setLength(d.value as Length)}>
                  <Radio
                    value="permanent"
                    label={rules && !rules.permanentAllowed ? 'Permanent (not allowed by the settings)' : 'Permanent'}
                    disabled={rules ? !rules.permanentAllowed : false}
                  />
                  <Radio value="until" label="Until a date" />
                  <Radio value="for" label="For a duration" />
                </RadioGroup>
              </Field>
              {effectiveLength !== 'permanent' && (
                <div className={styles.row}>
                  <Field label="Starts" hint="Empty: now." className={styles.grow}>
                    <Input type="datetime-local" value={start} onChange={(_e, d) => setStart(d.value)} />
                  </Field>
                  {effectiveLength === 'until' ? (
                    <Field label="Ends" required className={styles.grow} validationMessage={tried ? missing.end : undefined}>
                      <Input type="datetime-local" value={end} onChange={(_e, d) => setEnd(d.value)} />
                    </Field>
                  ) : (
                    <>
                      <Field label="Length" required validationMessage={tried ? missing.end : undefined}>
                        <Input type="number" min={1} value={amount} onChange={(_e, d) => setAmount(d.value)} style={{ width: 96 }} />
                      </Field>
                      <Field label="Unit">
                        <Dropdown
                          value={unit}
                          selectedOptions={[unit]}
                          onOptionSelect={(_e, d) => setUnit(d.optionValue === 'hours' ? 'hours' : 'days')}
                          style={{ minWidth: 110 }}
                        >
                          <Option value="hours">hours</Option>
                          <Option value="days">days</Option>
                        </Dropdown>
                      </Field>
                    </>
                  )}
                </div>
              )}
              <Field label="Justification" required={rules?.justification} validationMessage={tried ? missing.justification : undefined}>
                <Textarea value={justification} onChange={(_e, d) => setJustification(d.value)} maxLength={500} />
              </Field>
              {error !== null && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{messageOf(error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" appearance="primary" disabled={submit.isPending}>
                {submit.isPending ? 'Assigning…' : 'Assign'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
