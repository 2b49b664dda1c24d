/**
 * Ask to extend a grant in its last 14 days, or to renew one that ran out in the last 30: the
 * holder gives a reason and, if they like, an end; an administrator (or the policy's approvers)
 * decides, so the request waits for approval and My roles shows it waiting.
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
  Radio,
  RadioGroup,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { serverNow } from '../../lib/api-client.ts';
import { formatInstant } from '../../lib/time.ts';
import { useWithStepUp } from '../auth/step-up.tsx';
import { statusLabel } from '../requests/labels.ts';
import { useSelfRequest, type Grant } from './api.ts';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: '12px' },
  result: { display: 'flex', gap: '8px', alignItems: 'baseline', flexWrap: 'wrap' },
  error: { color: tokens.colorPaletteRedForeground1 },
});

export interface Extension {
  readonly grant: Grant;
  readonly name: string;
  readonly action: 'selfExtend' | 'selfRenew';
}

/** The date input's value (the viewer's day) for an instant. */
const dayOf = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function ExtendDialog({ extension, onClose }: { extension: Extension; onClose(): void }) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const submit = useSelfRequest();
  const { grant, name, action } = extension;
  const renewing = action === 'selfRenew';
  const verb = renewing ? 'Renew' : 'Extend';
  const [justification, setJustification] = useState('');
  const [until, setUntil] = useState<'policy' | 'date'>('policy');
  // At least a day after the current end (extending) or after today (renewing).
  const earliest = dayOf(Math.max(serverNow(), grant.endDateTime ? Date.parse(grant.endDateTime) : 0) + 86_400_000);
  const [day, setDay] = useState(earliest);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ status: string } | { error: string } | null>(null);
  const done = outcome !== null && 'status' in outcome;
  const what = grant.kind === 'eligible' ? 'eligibility' : 'assignment';

  const send = async () => {
    setBusy(true);
    try {
      const request = await withStepUp(() =>
        submit.mutateAsync({
          grant,
          action,
          justification: justification.trim(),
          // The end of the chosen day in the viewer's time zone.
          ...(until === 'date' ? { endDateTime: new Date(`${day}T23:59:00`).toISOString() } : {}),
        }),
      );
      setOutcome({ status: request.status });
    } catch (e) {
      setOutcome({ error: messageOf(e) });
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
            if (done) onClose();
            else void send();
          }}
        >
          <DialogBody>
            <DialogTitle>
              {verb} {name}
            </DialogTitle>
            <DialogContent className={styles.body}>
              <Text>
                Your {what} {renewing ? 'ended' : 'ends'} {formatInstant(grant.endDateTime)}. An administrator decides on{' '}
                {renewing ? 'a renewal' : 'an extension'}; you are told when they do.
              </Text>
              <Field label="Justification" required>
                <Textarea
                  value={justification}
                  onChange={(_e, d) => setJustification(d.value)}
                  maxLength={500}
                  disabled={busy || done}
                  placeholder={`Why do you still need this ${what}?`}
                />
              </Field>
              <Field label="Until">
                <RadioGroup value={until} onChange={(_e, d) => setUntil(d.value === 'date' ? 'date' : 'policy')} disabled={busy || done}>
                  <Radio value="policy" label="As long as the role's settings allow" />
                  <Radio value="date" label="A date I choose" />
                </RadioGroup>
              </Field>
              {until === 'date' && (
                <Field label="End date" hint="The end of that day, your time zone.">
                  <Input type="date" min={earliest} value={day} onChange={(_e, d) => setDay(d.value)} disabled={busy || done} />
                </Field>
              )}
              {outcome && 'status' in outcome && (
                <span className={styles.result} role="status">
                  <Text>Request sent:</Text>
                  <Badge appearance="filled" color="informative">
                    {statusLabel(outcome.status)}
                  </Badge>
                </span>
              )}
              {outcome && 'error' in outcome && (
                <Text className={styles.error} role="alert">
                  {outcome.error}
                </Text>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                {done ? 'Close' : 'Cancel'}
              </Button>
              {!done && (
                <Button type="submit" appearance="primary" disabled={busy || !justification.trim() || (until === 'date' && !day)}>
                  {busy ? 'Sending…' : `Ask to ${verb.toLowerCase()}`}
                </Button>
              )}
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
