/**
 * Step-up in place. When an action meets an MFA or authentication-context challenge, the portal
 * opens this dialog, completes the step-up on the session (a code from the authenticator app, a
 * recovery code, or a security key / passkey) and retries the action — never a dead end.
 */
import {
  Button,
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
} from '@fluentui/react-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, type Challenge, type Collection } from '../../lib/api-client.ts';
import { sessionKeys } from './api.ts';
import { getAssertion, webAuthnAvailable } from './webauthn.ts';

type WithStepUp = <T>(action: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<WithStepUp>((action) => action());

/** Runs an action; on a step-up challenge, asks for the second factor and runs it once more. */
export const useWithStepUp = (): WithStepUp => useContext(StepUpContext);

interface Pending {
  readonly challenge: Challenge;
  readonly message: string;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Where focus goes when the step-up dialog closes: back to the control the person acted with, or —
 * when that is gone or disabled meanwhile (an "Activate" button busy with the request) — into the
 * dialog it belongs to. Without this, focus fell to <body> and Fluent's focus manager left the
 * dialog underneath hidden from screen readers (`aria-hidden`) with the outcome of the action in it.
 */
function returnFocus(origin: HTMLElement): void {
  const usable = origin.isConnected && origin !== origin.ownerDocument.body && !origin.matches(':disabled, [aria-disabled="true"]');
  const target = usable ? origin : origin.closest<HTMLElement>('[role="dialog"], [role="alertdialog"]');
  if (target?.isConnected) target.focus();
}

export function StepUpProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const client = useQueryClient();
  const origin = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (pending || !origin.current) return;
    returnFocus(origin.current);
    origin.current = null;
  }, [pending]);

  const withStepUp = useCallback<WithStepUp>(
    async (action) => {
      // Read before the action runs: the control acted with still has focus.
      const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      try {
        return await action();
      } catch (error) {
        if (!(error instanceof ApiError) || !error.challenge) throw error;
        const challenge = error.challenge;
        origin.current = focused;
        await new Promise<void>((resolve, reject) => setPending({ challenge, message: error.message, resolve, reject }));
        await client.invalidateQueries({ queryKey: sessionKeys.session });
        return action();
      }
    },
    [client],
  );

  return (
    <StepUpContext.Provider value={withStepUp}>
      {children}
      {pending && (
        <StepUpDialog
          pending={pending}
          onDone={() => {
            pending.resolve();
            setPending(null);
          }}
          onCancel={() => {
            pending.reject(new ApiError(401, 'StepUpCanceled', 'Verification canceled: nothing was changed.'));
            setPending(null);
          }}
        />
      )}
    </StepUpContext.Provider>
  );
}

/**
 * Which second factors the signed-in person has: the dialog offers only those. Until the answer
 * comes (or if it cannot be read) it offers both, so a slow read never blocks a step-up.
 */
function useSecondFactors(): { code: boolean; key: boolean } {
  const methods = useQuery({
    queryKey: ['me', 'authentication', 'methods'],
    queryFn: () => api<{ totp: unknown; recoveryCodesRemaining: number }>('/openpim/me/authentication/methods'),
    staleTime: 60_000,
  });
  const keys = useQuery({
    queryKey: ['me', 'authentication', 'webauthn'],
    queryFn: () => api<Collection<unknown>>('/openpim/me/authentication/webauthn'),
    staleTime: 60_000,
  });
  return {
    code: methods.data ? methods.data.totp !== null || methods.data.recoveryCodesRemaining > 0 : true,
    key: webAuthnAvailable() && (keys.data ? keys.data.value.length > 0 : true),
  };
}

function StepUpDialog({ pending, onDone, onCancel }: { pending: Pending; onDone(): void; onCancel(): void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const keyOnly = pending.challenge.kind === 'authenticationContext';
  const has = useSecondFactors();
  const offerCode = !keyOnly && has.code;
  const none = keyOnly ? !has.key : !has.code && !has.key;

  const run = async (step: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const withCode = () => {
    const value = code.trim();
    const body = /^\d{6}$/.test(value) ? { totp: value } : { recoveryCode: value };
    return run(() => api('/openpim/auth/stepup', { method: 'POST', body }));
  };
  const withKey = () =>
    run(async () => {
      const options = await api<unknown>('/openpim/auth/webauthn/stepup/options', { method: 'POST', body: {} });
      await api('/openpim/auth/webauthn/stepup', { method: 'POST', body: { response: await getAssertion(options) } });
    });

  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_e, d) => {
        if (!d.open) onCancel();
      }}
    >
      <DialogSurface aria-describedby="step-up-why">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void withCode();
          }}
        >
          <DialogBody>
            <DialogTitle>Verify it's you</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              <Text id="step-up-why">
                {keyOnly
                  ? 'This role asks for a phishing-resistant sign-in: use your security key or passkey.'
                  : `This needs a recent multi-factor sign-in. ${
                      offerCode && has.key
                        ? 'Enter a code from your authenticator app, or use your security key.'
                        : offerCode
                          ? 'Enter a code from your authenticator app.'
                          : has.key
                            ? 'Use your security key or passkey.'
                            : ''
                    }`}
              </Text>
              {none && (
                <MessageBar intent="warning">
                  <MessageBarBody>
                    {keyOnly ? 'Your account has no security key or passkey' : 'Your account has no authenticator app or security key'}, so it cannot verify
                    this way. Ask an administrator to help you set one up.
                  </MessageBarBody>
                </MessageBar>
              )}
              {offerCode && (
                <Field label="Code from your authenticator app (or a recovery code)" validationMessage={error ?? undefined}>
                  <Input ref={input} autoFocus value={code} onChange={(_e, d) => setCode(d.value)} autoComplete="one-time-code" inputMode="text" name="code" />
                </Field>
              )}
              {!offerCode && error && (
                <MessageBar intent="error">
                  <MessageBarBody>{error}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions fluid>
              <Button onClick={onCancel} disabled={busy}>
                Cancel
              </Button>
              {has.key && (
                <Button onClick={() => void withKey()} disabled={busy} appearance={offerCode ? 'secondary' : 'primary'}>
                  Use a security key or passkey
                </Button>
              )}
              {offerCode && (
                <Button type="submit" appearance="primary" disabled={busy || code.trim() === ''}>
                  Verify
                </Button>
              )}
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
