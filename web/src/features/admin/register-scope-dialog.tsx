/**
 * Register scope: a resource path (type/name pairs), an optional display name, and an optional
 * parent (another registered scope; by default the path minus its last pair). A refusal — a
 * malformed or reserved path, an unknown parent, a scope already registered — shows the API's words.
 */
import {
  Button,
  Combobox,
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
  Option,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import type { Place } from './api.ts';
import { parentPath, useRegisterScope } from './scopes-api.ts';

const useStyles = makeStyles({ content: { display: 'flex', flexDirection: 'column', gap: '12px' } });

export interface RegisterScopeDialogProps {
  /** Registered scopes, offered as parents. */
  readonly scopes: readonly Place[];
  /** The path to start from: `{selected}/` when registering below a scope. */
  readonly initialPath?: string;
  onDone(scope: Place): void;
  onClose(): void;
}

export function RegisterScopeDialog({ scopes, initialPath = '', onDone, onClose }: RegisterScopeDialogProps) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const register = useRegisterScope();
  const [path, setPath] = useState(initialPath);
  const [displayName, setDisplayName] = useState('');
  const [parent, setParent] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const busy = register.isPending;
  const id = path.trim();
  const problems = {
    path: id === '' ? 'Give the scope’s path.' : !id.startsWith('/') ? 'A path starts with “/”, e.g. /subscriptions/s1.' : undefined,
    parent: parent.trim() !== '' && !parent.trim().startsWith('/') ? 'A parent is a registered scope’s path, starting with “/”.' : undefined,
  };
  const q = parent.trim().toLowerCase();
  const parents = scopes.filter((s) => s.id !== id && (q === '' || s.id.toLowerCase().includes(q) || s.displayName.toLowerCase().includes(q))).slice(0, 20);
  const defaultParent = id.startsWith('/') && id.length > 1 ? parentPath(id) : null;

  const go = async () => {
    setTried(true);
    setError(null);
    if (problems.path || problems.parent) return;
    try {
      const created = await withStepUp(() =>
        register.mutateAsync({
          id,
          ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
          ...(parent.trim() ? { parentId: parent.trim() } : {}),
        }),
      );
      onDone(created);
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
            <DialogTitle>Register scope</DialogTitle>
            <DialogContent className={styles.content}>
              <Field
                label="Path"
                required
                validationMessage={tried ? problems.path : undefined}
                hint="Type/name pairs, as the resource system writes them: /subscriptions/s1, /subscriptions/s1/resourceGroups/rg1, /databases/pg-prod."
              >
                <Input
                  value={path}
                  onChange={(_e, d) => setPath(d.value)}
                  maxLength={400}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="/subscriptions/s1"
                />
              </Field>
              <Field label="Display name" hint="Empty: the last part of the path.">
                <Input value={displayName} onChange={(_e, d) => setDisplayName(d.value)} maxLength={256} autoComplete="off" />
              </Field>
              <Field
                label="Parent"
                validationMessage={tried ? problems.parent : undefined}
                hint={`Empty: ${defaultParent && defaultParent !== '/' ? defaultParent : 'the path minus its last type/name pair'}. Name another registered scope to place it elsewhere — a subscription below a management group.`}
              >
                <Combobox
                  freeform
                  value={parent}
                  selectedOptions={parent ? [parent] : []}
                  placeholder="Type a name or path"
                  onChange={(e) => setParent(e.target.value)}
                  onOptionSelect={(_e, d) => setParent(d.optionValue ?? '')}
                >
                  {parents.length === 0 && (
                    <Option disabled value="" text="No match">
                      No registered scope matches
                    </Option>
                  )}
                  {parents.map((s) => (
                    <Option key={s.id} value={s.id} text={s.id}>
                      {s.displayName === s.id ? s.id : `${s.displayName} — ${s.id}`}
                    </Option>
                  ))}
                </Combobox>
              </Field>
              {error !== null && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{messageOf(error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" appearance="primary" disabled={busy}>
                {busy ? 'Registering…' : 'Register'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
