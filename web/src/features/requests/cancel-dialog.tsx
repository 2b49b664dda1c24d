/** Cancel a pending request, after saying what stops; the API's own words when it refuses. */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../components/error-message.tsx';
import { useWithStepUp } from '../auth/step-up.tsx';
import { useCancelRequest, type MyRequest } from './api.ts';
import { actionLabel } from './labels.ts';

export function CancelDialog({ request, name, onClose, onCanceled }: { request: MyRequest; name: string; onClose(): void; onCanceled(): void }) {
  const cancel = useCancelRequest();
  const withStepUp = useWithStepUp();
  const [error, setError] = useState<string | null>(null);
  const busy = cancel.isPending;
  const confirm = async () => {
    setError(null);
    try {
      await withStepUp(() => cancel.mutateAsync(request));
      onCanceled();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const verb = actionLabel(request).toLowerCase();
  const what =
    request.status === 'Granted' ? (
      <>
        Your request to {verb} <strong>{name}</strong> is scheduled; it will not start.
      </>
    ) : request.status === 'PendingApproval' ? (
      <>
        Approvers will no longer be asked to decide on your request to {verb} <strong>{name}</strong>.
      </>
    ) : (
      <>
        Your request to {verb} <strong>{name}</strong> will not be carried out.
      </>
    );
  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_e, d) => {
        if (!d.open && !busy) onClose();
      }}
    >
      <DialogSurface aria-describedby="cancel-request-what">
        <DialogBody>
          <DialogTitle>Cancel this request?</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            <Text id="cancel-request-what">{what} You can ask again later.</Text>
            {error && (
              <MessageBar intent="error" role="alert">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose} disabled={busy} style={{ whiteSpace: 'nowrap' }}>
              Keep it
            </Button>
            <Button appearance="primary" onClick={() => void confirm()} disabled={busy} style={{ whiteSpace: 'nowrap' }}>
              {busy ? 'Canceling…' : 'Cancel request'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
