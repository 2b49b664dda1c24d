/**
 * The Users page's dialogs: create a user (with an initial password), reset a password, and the
 * confirmations of disable / enable, remove the authenticator app and sign out everywhere. A
 * refusal shows the API's own words — why a privileged account needs a Privileged Authentication
 * Administrator, why the last working administrator stays enabled.
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
  makeStyles,
} from '@fluentui/react-components';
import { useId, useState, type ReactNode } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { PASSWORD_RULES, passwordProblem, useChangeUser, useCreateUser, type User, type UserChange } from './users-api.ts';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: '12px' },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '180px' },
});

const UPN = /^[^\s@]+@[^\s@]+$/;

/** 16 characters from an unambiguous alphabet, from the browser's CSPRNG: about 90 bits. */
function suggestPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function ErrorBar({ error }: { error: unknown }) {
  if (error === null) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>{messageOf(error)}</MessageBarBody>
    </MessageBar>
  );
}

/** A password field with its rules, "Show" and "Suggest one". */
function PasswordField({
  label,
  value,
  onChange,
  problem,
  required,
  hint,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  problem: string | undefined;
  required: boolean;
  hint?: ReactNode;
}) {
  const styles = useStyles();
  const [shown, setShown] = useState(false);
  return (
    <>
      <div className={styles.row}>
        <Field
          label={label}
          required={required}
          className={styles.grow}
          validationMessage={problem}
          hint={
            <>
              {PASSWORD_RULES}
              {hint ? <> {hint}</> : null}
            </>
          }
        >
          <Input type={shown ? 'text' : 'password'} value={value} onChange={(_e, d) => onChange(d.value)} autoComplete="new-password" spellCheck={false} />
        </Field>
      </div>
      <div className={styles.row}>
        <Checkbox label="Show the password" checked={shown} onChange={(_e, d) => setShown(d.checked === true)} />
        <Button
          size="small"
          onClick={() => {
            onChange(suggestPassword());
            setShown(true);
          }}
        >
          Suggest a password
        </Button>
      </div>
    </>
  );
}

export function CreateUserDialog({ onClose, onCreated }: { onClose(): void; onCreated(user: User): void }) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const create = useCreateUser();
  const [displayName, setDisplayName] = useState('');
  const [upn, setUpn] = useState('');
  const [mail, setMail] = useState('');
  const [password, setPassword] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problems = {
    displayName: displayName.trim() === '' ? 'Give the person’s name.' : undefined,
    upn: upn.trim() === '' ? 'Give the name they sign in with.' : !UPN.test(upn.trim()) ? 'Write it as name@domain, e.g. jo@contoso.com.' : undefined,
    mail: mail.trim() !== '' && !UPN.test(mail.trim()) ? 'Write it as name@domain, or leave it empty.' : undefined,
    password: password === '' ? undefined : passwordProblem(password),
  };
  const busy = create.isPending;

  const go = async () => {
    setTried(true);
    setError(null);
    if (Object.values(problems).some(Boolean)) return;
    try {
      const user = await withStepUp(() =>
        create.mutateAsync({
          displayName: displayName.trim(),
          userPrincipalName: upn.trim(),
          mail: mail.trim() || null,
          accountEnabled: enabled,
          password: password === '' ? null : password,
        }),
      );
      onCreated(user);
    } catch (e) {
      setError(e);
    }
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
            void go();
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>New user</DialogTitle>
            <DialogContent className={styles.content}>
              <Field label="Display name" required validationMessage={tried ? problems.displayName : undefined}>
                <Input value={displayName} onChange={(_e, d) => setDisplayName(d.value)} maxLength={256} autoComplete="off" />
              </Field>
              <Field label="User name" required hint="What they sign in with: name@domain." validationMessage={tried ? problems.upn : undefined}>
                <Input value={upn} onChange={(_e, d) => setUpn(d.value)} maxLength={113} autoComplete="off" spellCheck={false} />
              </Field>
              <Field label="Email" hint="Where notifications go; the user name when left empty." validationMessage={tried ? problems.mail : undefined}>
                <Input type="email" value={mail} onChange={(_e, d) => setMail(d.value)} maxLength={256} autoComplete="off" />
              </Field>
              <PasswordField
                label="Initial password"
                value={password}
                onChange={setPassword}
                required={false}
                problem={tried ? problems.password : undefined}
                hint="Leave it empty for someone who signs in only through your identity provider."
              />
              <Checkbox label="Account enabled: the user can sign in" checked={enabled} onChange={(_e, d) => setEnabled(d.checked === true)} />
              <ErrorBar error={error} />
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Creating…' : 'Create user'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

export function ResetPasswordDialog({ user, onClose, onDone }: { user: User; onClose(): void; onDone(message: string): void }) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const change = useChangeUser();
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problem = passwordProblem(password);
  const busy = change.isPending;
  const whatId = useId();

  const go = async () => {
    setTried(true);
    setError(null);
    if (problem) return;
    try {
      await withStepUp(() => change.mutateAsync({ id: user.id, change: { kind: 'resetPassword', password } }));
      onDone(`${user.displayName}’s password was reset. They were signed out everywhere; give them the new password in a way you trust.`);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Dialog
      open
      onOpenChange={(_e, d) => {
        if (!d.open && !busy) onClose();
      }}
    >
      <DialogSurface aria-describedby={whatId}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void go();
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>Reset {user.displayName}’s password</DialogTitle>
            <DialogContent className={styles.content}>
              <Text id={whatId}>
                The old password stops working and <strong>{user.displayName}</strong> is signed out of every browser and the CLI. A lockout after wrong
                passwords is cleared.
              </Text>
              <PasswordField label="New password" value={password} onChange={setPassword} required problem={tried ? problem : undefined} />
              <ErrorBar error={error} />
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Resetting…' : 'Reset password'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

export type ConfirmedChange = Exclude<UserChange['kind'], 'resetPassword'>;

const CONFIRM: Record<
  ConfirmedChange,
  {
    title(name: string): string;
    what(name: string): ReactNode;
    button: string;
    busy: string;
    done(name: string): string;
  }
> = {
  disable: {
    title: (n) => `Disable ${n}?`,
    what: (n) => (
      <>
        <strong>{n}</strong> can no longer sign in, and every session and token they have stops working now. Their roles stay assigned; enabling the account
        again restores sign-in, not the old sessions.
      </>
    ),
    button: 'Disable',
    busy: 'Disabling…',
    done: (n) => `${n} was disabled and signed out everywhere.`,
  },
  enable: {
    title: (n) => `Enable ${n}?`,
    what: (n) => (
      <>
        <strong>{n}</strong> can sign in again with their password (and authenticator app, if they have one).
      </>
    ),
    button: 'Enable',
    busy: 'Enabling…',
    done: (n) => `${n} was enabled: they can sign in again.`,
  },
  removeTotp: {
    title: (n) => `Remove ${n}’s authenticator app?`,
    what: (n) => (
      <>
        For a lost or replaced phone. <strong>{n}</strong>’s recovery codes stop working too; they sign in with their password and set up an app again.
      </>
    ),
    button: 'Remove app',
    busy: 'Removing…',
    done: (n) => `${n}’s authenticator app and recovery codes were removed.`,
  },
  revokeSessions: {
    title: (n) => `Sign ${n} out everywhere?`,
    what: (n) => (
      <>
        Ends every sign-in session of <strong>{n}</strong> — in browsers and the CLI — and the tokens issued from them. Their account and password stay as they
        are.
      </>
    ),
    button: 'Sign out everywhere',
    busy: 'Signing out…',
    done: (n) => `${n} was signed out everywhere.`,
  },
};

export function ConfirmUserChangeDialog({
  user,
  change,
  onClose,
  onDone,
}: {
  user: User;
  change: ConfirmedChange;
  onClose(): void;
  onDone(message: string): void;
}) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const mutation = useChangeUser();
  const [error, setError] = useState<unknown>(null);
  const text = CONFIRM[change];
  const busy = mutation.isPending;
  const whatId = useId();

  const go = async () => {
    setError(null);
    try {
      await withStepUp(() => mutation.mutateAsync({ id: user.id, change: { kind: change } }));
      onDone(text.done(user.displayName));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_e, d) => {
        if (!d.open && !busy) onClose();
      }}
    >
      <DialogSurface aria-describedby={whatId}>
        <DialogBody>
          <DialogTitle>{text.title(user.displayName)}</DialogTitle>
          <DialogContent className={styles.content}>
            <Text id={whatId}>{text.what(user.displayName)}</Text>
            <ErrorBar error={error} />
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={() => void go()} disabled={busy}>
              {busy ? text.busy : text.button}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** Which dialog is open for which user, if any: the list and the detail page share it. */
export type UserDialog = { readonly user: User; readonly change: ConfirmedChange | 'resetPassword' } | null;

export function UserDialogs({ dialog, onClose, onDone }: { dialog: UserDialog; onClose(): void; onDone(message: string): void }) {
  if (!dialog) return null;
  return dialog.change === 'resetPassword' ? (
    <ResetPasswordDialog user={dialog.user} onClose={onClose} onDone={onDone} />
  ) : (
    <ConfirmUserChangeDialog user={dialog.user} change={dialog.change} onClose={onClose} onDone={onDone} />
  );
}
