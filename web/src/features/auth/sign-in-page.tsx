/**
 * Sign-in: the password first, then — when the account has one — the authenticator app or a
 * security key, so the session starts with MFA. Afterwards back to where the person was going
 * (an approval link, a request).
 */
import { Button, Card, Field, Input, Link, MessageBar, MessageBarBody, Spinner, Text, Title2, makeStyles, tokens } from '@fluentui/react-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../lib/api-client.ts';
import { messageOf } from '../../components/error-message.tsx';
import { sessionKeys, useSignIn } from './api.ts';
import { getAssertion, webAuthnAvailable } from './webauthn.ts';

const useStyles = makeStyles({
  page: { minHeight: '100vh', display: 'grid', placeItems: 'center', padding: '16px', backgroundColor: tokens.colorNeutralBackground2 },
  card: { width: 'min(400px, 100%)', padding: '28px', display: 'flex', flexDirection: 'column', gap: '16px' },
  brand: { display: 'flex', alignItems: 'center', gap: '10px' },
  actions: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
});

interface Methods {
  readonly totp: { readonly id: string } | null;
}

/** Only a path on this server: never an absolute URL or a protocol-relative one. */
export function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

export function SignInPage() {
  const styles = useStyles();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const signIn = useSignIn();
  const [upn, setUpn] = useState('');
  const [password, setPassword] = useState('');
  const [second, setSecond] = useState<null | { hasTotp: boolean; hasKey: boolean }>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const returnTo = safeReturnTo(params.get('returnTo'));
  const expired = params.get('expired') === '1';

  const finish = async () => {
    await client.invalidateQueries({ queryKey: sessionKeys.session });
    // A page the server renders (the CLI's sign-in confirmation) is loaded, not routed to.
    if (returnTo.startsWith('/openpim/')) window.location.assign(returnTo);
    else navigate(returnTo, { replace: true });
  };

  const submitPassword = async () => {
    setError(null);
    try {
      await signIn.mutateAsync({ userPrincipalName: upn.trim(), password });
      const [methods, keys] = await Promise.all([
        api<Methods>('/openpim/me/authentication/methods'),
        api<{ value: readonly unknown[] }>('/openpim/me/authentication/webauthn'),
      ]);
      const hasTotp = methods.totp !== null;
      const hasKey = keys.value.length > 0 && webAuthnAvailable();
      if (!hasTotp && !hasKey) return finish();
      setSecond({ hasTotp, hasKey });
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const step = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await run();
      await finish();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const withCode = () =>
    step(() => api('/openpim/auth/stepup', { method: 'POST', body: /^\d{6}$/.test(code.trim()) ? { totp: code.trim() } : { recoveryCode: code.trim() } }));
  const withKey = () =>
    step(async () => {
      const options = await api<unknown>('/openpim/auth/webauthn/stepup/options', { method: 'POST', body: {} });
      await api('/openpim/auth/webauthn/stepup', { method: 'POST', body: { response: await getAssertion(options) } });
    });

  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <div className={styles.brand}>
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <Title2 as="h1">OpenPIM</Title2>
        </div>
        {expired && !second && (
          <MessageBar intent="warning">
            <MessageBarBody>Your session ended. Sign in again to continue.</MessageBarBody>
          </MessageBar>
        )}
        {!second ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submitPassword();
            }}
            style={{ display: 'flex', flexDirection: 'column', gap: 12 }}
          >
            <Text>Sign in to manage your privileged access.</Text>
            <Field label="User name" required>
              <Input autoFocus type="email" autoComplete="username" value={upn} onChange={(_e, d) => setUpn(d.value)} placeholder="you@example.com" />
            </Field>
            <Field label="Password" required validationMessage={error ?? undefined}>
              <Input type="password" autoComplete="current-password" value={password} onChange={(_e, d) => setPassword(d.value)} />
            </Field>
            <div className={styles.actions}>
              <Button type="submit" appearance="primary" disabled={signIn.isPending || upn.trim() === '' || password === ''}>
                {signIn.isPending ? <Spinner size="tiny" label="Signing in…" /> : 'Sign in'}
              </Button>
              <OidcButton returnTo={returnTo} />
            </div>
          </form>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void withCode();
            }}
            style={{ display: 'flex', flexDirection: 'column', gap: 12 }}
          >
            <Text>Verify it's you with your second factor.</Text>
            {second.hasTotp && (
              <Field label="Code from your authenticator app (or a recovery code)" validationMessage={error ?? undefined}>
                <Input autoFocus autoComplete="one-time-code" value={code} onChange={(_e, d) => setCode(d.value)} name="code" />
              </Field>
            )}
            {!second.hasTotp && error && (
              <MessageBar intent="error">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
            <div className={styles.actions}>
              {second.hasTotp && (
                <Button type="submit" appearance="primary" disabled={busy || code.trim() === ''}>
                  Verify
                </Button>
              )}
              {second.hasKey && (
                <Button onClick={() => void withKey()} disabled={busy} appearance={second.hasTotp ? 'secondary' : 'primary'}>
                  Use a security key or passkey
                </Button>
              )}
              <Button appearance="subtle" onClick={() => void finish()} disabled={busy}>
                Not now
              </Button>
            </div>
            <Text size={200}>Without it you are asked again when an action needs multi-factor authentication.</Text>
          </form>
        )}
      </Card>
    </main>
  );
}

interface Providers {
  readonly oidc: { readonly displayName: string } | null;
}

function OidcButton({ returnTo }: { returnTo: string }) {
  const providers = useQuery({ queryKey: ['auth-providers'], queryFn: () => api<Providers>('/openpim/auth/providers'), staleTime: Infinity, retry: false });
  const oidc = providers.data?.oidc;
  if (!oidc) return null;
  return (
    <Link href={`/openpim/auth/oidc/signin?returnTo=${encodeURIComponent(returnTo)}`} style={{ alignSelf: 'center' }}>
      Sign in with {oidc.displayName}
    </Link>
  );
}
