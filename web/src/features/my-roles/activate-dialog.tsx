/**
 * Activate one or several roles at once: one justification and ticket for all, one duration
 * bounded by each role's own maximum, an optional start. The roles' settings are read again when
 * the dialog opens (an administrator may have changed them since the page loaded), and Activate
 * waits for them. Each request goes through the step-up dialog when its policy asks for MFA; the
 * result of each is shown as the API answered it.
 */
import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Slider,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { describeMinutes, durationToMinutes, minutesToDuration } from '../../lib/time.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { statusLabel } from '../requests/labels.ts';
import { useCurrentActivationRules, useSelfRequest, type ActivationRules, type Grant } from './api.ts';
import { grantKey } from './names.ts';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: '12px' },
  roles: { display: 'flex', flexDirection: 'column', gap: '4px', margin: 0, paddingLeft: '18px' },
  result: { display: 'flex', gap: '8px', alignItems: 'baseline', flexWrap: 'wrap' },
  row: { display: 'flex', gap: '12px', flexWrap: 'wrap' },
  error: { color: tokens.colorPaletteRedForeground1 },
});

export interface Activation {
  readonly grant: Grant;
  readonly name: string;
  /** The rules as My roles last read them; the dialog reads them again. */
  readonly rules: ActivationRules | undefined;
}

type Outcome = { readonly status: string } | { readonly error: string };

const DEFAULT_MAX_MINUTES = 8 * 60;

export function ActivateDialog({ activations, onClose }: { activations: readonly Activation[]; onClose(): void }) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const submit = useSelfRequest();
  const current = useCurrentActivationRules(activations.map((a) => a.grant));
  const rulesOf = (a: Activation) => current.rules.get(grantKey(a.grant)) ?? a.rules;
  const maxOf = (a: Activation) => durationToMinutes(rulesOf(a)?.maximumDuration) ?? DEFAULT_MAX_MINUTES;
  const longest = Math.max(...activations.map(maxOf));
  const [chosen, setMinutes] = useState(Math.min(longest, 60));
  // A maximum lowered since the dialog opened lowers the duration with it.
  const minutes = Math.min(chosen, longest);
  const [justification, setJustification] = useState('');
  const [ticketNumber, setTicketNumber] = useState('');
  const [ticketSystem, setTicketSystem] = useState('');
  const [start, setStart] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, Outcome>>(new Map());
  const needsJustification = activations.some((a) => rulesOf(a)?.justification);
  const needsTicket = activations.some((a) => rulesOf(a)?.ticket);
  const done = outcomes.size === activations.length && [...outcomes.values()].every((o) => 'status' in o);
  const step = longest > 24 * 60 ? 60 : longest > 4 * 60 ? 30 : 15;

  const activate = async () => {
    setBusy(true);
    const results = new Map(outcomes);
    for (const a of activations) {
      const key = grantKey(a.grant);
      if (results.get(key) && 'status' in results.get(key)!) continue;
      try {
        const request = await withStepUp(() =>
          submit.mutateAsync({
            grant: a.grant,
            action: 'selfActivate',
            justification: justification.trim() || undefined,
            ticketNumber: ticketNumber.trim() || undefined,
            ticketSystem: ticketSystem.trim() || undefined,
            duration: minutesToDuration(Math.min(minutes, maxOf(a))),
            startDateTime: start ? new Date(start).toISOString() : undefined,
          }),
        );
        results.set(key, { status: request.status });
      } catch (e) {
        results.set(key, { error: messageOf(e) });
      }
      setOutcomes(new Map(results));
    }
    setBusy(false);
  };

  return (
    <Dialog
      open
      onOpenChange={(_e, d) => {
        if (!d.open && !busy) onClose();
      }}
    >
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!done) void activate();
            else onClose();
          }}
        >
          <DialogBody>
            <DialogTitle>{activations.length === 1 ? `Activate ${activations[0]!.name}` : `Activate ${activations.length} roles`}</DialogTitle>
            <DialogContent className={styles.body}>
              <ul className={styles.roles} aria-label="Roles to activate">
                {activations.map((a) => {
                  const outcome = outcomes.get(grantKey(a.grant));
                  return (
                    <li key={grantKey(a.grant)}>
                      <span className={styles.result}>
                        <Text weight="semibold">{a.name}</Text>
                        <Text size={200}>up to {describeMinutes(maxOf(a))}</Text>
                        {rulesOf(a)?.approval && (
                          <Badge appearance="tint" color="warning">
                            needs approval
                          </Badge>
                        )}
                        {outcome && 'status' in outcome && (
                          <Badge appearance="filled" color={outcome.status === 'Provisioned' ? 'success' : 'informative'}>
                            {statusLabel(outcome.status)}
                          </Badge>
                        )}
                        {outcome && 'error' in outcome && (
                          <Text className={styles.error} role="alert">
                            {outcome.error}
                          </Text>
                        )}
                      </span>
                    </li>
                  );
                })}
              </ul>
              <Field label={`Duration: ${describeMinutes(minutes)}`} hint={activations.length > 1 ? 'Each role gets at most its own maximum.' : undefined}>
                <Slider
                  min={Math.min(step, longest)}
                  max={longest}
                  step={step}
                  value={minutes}
                  onChange={(_e, d) => setMinutes(d.value)}
                  disabled={busy || done}
                />
              </Field>
              <Field label="Justification" required={needsJustification}>
                <Textarea
                  value={justification}
                  onChange={(_e, d) => setJustification(d.value)}
                  maxLength={500}
                  disabled={busy || done}
                  placeholder="Why do you need this access?"
                />
              </Field>
              <div className={styles.row}>
                <Field label="Ticket number" required={needsTicket}>
                  <Input value={ticketNumber} onChange={(_e, d) => setTicketNumber(d.value)} disabled={busy || done} />
                </Field>
                <Field label="Ticket system" required={needsTicket}>
                  <Input value={ticketSystem} onChange={(_e, d) => setTicketSystem(d.value)} disabled={busy || done} placeholder="e.g. JIRA" />
                </Field>
              </div>
              <Field label="Start (optional)" hint="Leave empty to start now. Your time zone.">
                <Input type="datetime-local" value={start} onChange={(_e, d) => setStart(d.value)} disabled={busy || done} />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                {done ? 'Close' : 'Cancel'}
              </Button>
              {!done && (
                <Button
                  type="submit"
                  appearance="primary"
                  disabled={
                    busy || current.checking || (needsJustification && !justification.trim()) || (needsTicket && (!ticketNumber.trim() || !ticketSystem.trim()))
                  }
                >
                  {busy ? 'Activating…' : 'Activate'}
                </Button>
              )}
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/** Request statuses in words (kept here for existing imports; the words live with requests). */
export { statusLabel } from '../requests/labels.ts';
