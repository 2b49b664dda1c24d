/**
 * New group: a security group, role-assignable or not. Role-assignable is chosen at creation and
 * cannot change later (its members may then hold roles, and it takes no groups as members), so the
 * dialog says so; the API's refusal is shown in its words.
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
  Textarea,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { useCreateGroup, type Group } from './groups-api.ts';

const useStyles = makeStyles({ content: { display: 'flex', flexDirection: 'column', gap: '12px' } });

export function NewGroupDialog({ onClose, onCreated }: { onClose(): void; onCreated(group: Group): void }) {
  const styles = useStyles();
  const withStepUp = useWithStepUp();
  const create = useCreateGroup();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [assignable, setAssignable] = useState(false);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nameProblem = name.trim() === '' ? 'Give the group a name.' : undefined;

  const go = async () => {
    setTried(true);
    setError(null);
    if (nameProblem) return;
    try {
      onCreated(
        await withStepUp(() => create.mutateAsync({ displayName: name.trim(), description: description.trim() || null, isAssignableToRole: assignable })),
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
            <DialogTitle>New group</DialogTitle>
            <DialogContent className={styles.content}>
              <Field label="Name" required validationMessage={tried ? nameProblem : undefined}>
                <Input value={name} onChange={(_e, d) => setName(d.value)} maxLength={256} autoFocus />
              </Field>
              <Field label="Description">
                <Textarea value={description} onChange={(_e, d) => setDescription(d.value)} maxLength={1024} />
              </Field>
              <Field hint="Its members may then hold roles assigned to it. It takes no groups as members, only privileged administrators change it, and this cannot be changed later.">
                <Checkbox label="Roles can be assigned to this group" checked={assignable} onChange={(_e, d) => setAssignable(d.checked === true)} />
              </Field>
              {error !== null && (
                <MessageBar intent="error" role="alert">
                  <MessageBarBody>{messageOf(error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" appearance="primary" disabled={create.isPending}>
                {create.isPending ? 'Creating…' : 'Create'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
