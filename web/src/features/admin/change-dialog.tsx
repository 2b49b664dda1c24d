/**
 * Update (a new end, or permanent), Extend (a later end for a time-bound grant), Renew (one that
 * ran out in the last 30 days, from now to a new end or permanently) and Remove one
 * eligible or active assignment — of a role, or of a group's member / owner access. A refusal shows
 * the API's own words — e.g. why the last Global Administrator or a group's last owner cannot be removed.
 */
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Text,
  Textarea,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { serverNow } from '../../lib/api-client.ts';
import { formatInstant } from '../../lib/time.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { isoToLocal, localToIso } from './assignment-rules.ts';
import { endOf, holderName } from './names.ts';
import { useAdminRequest, type AdminAction, type HolderKind, type Holding } from './roles-api.ts';

const useStyles = makeStyles({ content: { display: 'flex', flexDirection: 'column', gap: '12px' } });

export type Change = 'adminUpdate' | 'adminExtend' | 'adminRenew' | 'adminRemove';

const TITLE: Record<Change, string> = {
  adminUpdate: 'Update assignment',
  adminExtend: 'Extend assignment',
  adminRenew: 'Renew assignment',
  adminRemove: 'Remove assignment',
};
const DONE: Record<Change, string> = { adminUpdate: 'updated', adminExtend: 'extended', adminRenew: 'renewed', adminRemove: 'removed' };
const BUTTON: Record<Change, string> = { adminUpdate: 'Update', adminExtend: 'Extend', adminRenew: 'Renew', adminRemove: 'Remove' };

export interface ChangeDialogProps {
  readonly change: Change;
  readonly holding: Holding;
  readonly kind: HolderKind;
  /** What is held: a role's name, or a group's access ("Ops admins (member)"). */
  readonly roleName: string;
  /** Where a role is held; absent for a group's access. */
  readonly scopeName?: string;
  readonly justificationRequired: boolean;
  onDone(message: string): void;
  onClose(): void;
}

export function ChangeDialog({ change, holding, kind, roleName, scopeName, justificationRequired, onDone, onClose }: ChangeDialogProps) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const submit = useAdminRequest();
  const who = holderName(holding).name;
  const currentEnd = endOf(holding);
  const [permanent, setPermanent] = useState(change === 'adminUpdate' && currentEnd === null);
  const renewing = change === 'adminRenew';
  // A renewal's end starts a month from now (the old end has passed); the others start at the current end.
  const [end, setEnd] = useState(isoToLocal(change === 'adminRenew' ? new Date(serverNow() + 30 * 86_400_000).toISOString() : currentEnd));
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const endIso = localToIso(end);
  const endProblem =
    change === 'adminRemove' || permanent
      ? undefined
      : endIso === null
        ? 'Give the new end date and time.'
        : change === 'adminExtend' && currentEnd && Date.parse(endIso) <= Date.parse(currentEnd)
          ? 'An extension ends later than now planned.'
          : renewing && Date.parse(endIso) <= serverNow()
            ? 'A renewal ends in the future.'
            : undefined;
  const justificationProblem =
    justificationRequired && change !== 'adminRemove' && justification.trim() === '' ? 'The settings ask for a justification.' : undefined;

  const go = async () => {
    setTried(true);
    setError(null);
    if (endProblem || justificationProblem) return;
    try {
      await withStepUp(() =>
        submit.mutateAsync({
          provider: holding.provider,
          kind,
          action: change as AdminAction,
          principalId: holding.principalId,
          roleDefinitionId: holding.roleDefinitionId,
          directoryScopeId: holding.directoryScopeId,
          targetScheduleId: holding.id,
          justification: justification.trim() || undefined,
          ...(change === 'adminRemove'
            ? {}
            : {
                // A renewal starts now; the others keep the grant's start.
                ...(renewing ? {} : { startDateTime: holding.scheduleInfo.startDateTime ?? undefined }),
                expiration: permanent ? { type: 'noExpiration' } : { type: 'afterDateTime', endDateTime: endIso! },
              }),
        }),
      );
      onDone(`${who}’s ${kind === 'eligible' ? 'eligibility for' : 'assignment of'} ${roleName} was ${DONE[change]}.`);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Dialog
      open
      modalType={change === 'adminRemove' ? 'alert' : 'modal'}
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
            <DialogTitle>{TITLE[change]}</DialogTitle>
            <DialogContent className={styles.content}>
              <Text>
                <strong>{who}</strong> — {kind === 'eligible' ? 'eligible for' : 'active in'} <strong>{roleName}</strong>
                {scopeName ? ` at ${scopeName}` : ''}
                {renewing ? `, ended ${formatInstant(currentEnd)}` : currentEnd ? `, until ${formatInstant(currentEnd)}` : ', permanently'}.
              </Text>
              {change === 'adminRemove' && (
                <Text>
                  The {kind === 'eligible' ? 'eligibility' : 'assignment'} ends now{kind === 'eligible' ? ', with any activation made from it' : ''}.
                </Text>
              )}
              {renewing && <Text>The renewed {kind === 'eligible' ? 'eligibility' : 'assignment'} starts now.</Text>}
              {(change === 'adminUpdate' || renewing) && (
                <Checkbox label="Permanent (no end)" checked={permanent} onChange={(_e, d) => setPermanent(d.checked === true)} />
              )}
              {change !== 'adminRemove' && !permanent && (
                <Field label="New end" required validationMessage={tried ? endProblem : undefined}>
                  <Input type="datetime-local" value={end} onChange={(_e, d) => setEnd(d.value)} />
                </Field>
              )}
              <Field
                label="Justification"
                required={justificationRequired && change !== 'adminRemove'}
                validationMessage={tried ? justificationProblem : undefined}
              >
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
                {submit.isPending ? 'Working…' : BUTTON[change]}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
