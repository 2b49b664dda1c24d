/** Errors as people read them: the API's own message, never a bare code. */
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { ApiError } from '../lib/api-client.ts';

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Not signed in (no step-up asked): the shell is on its way to the sign-in page, so there is nothing to say here. */
const signedOut = (error: unknown) => error instanceof ApiError && error.status === 401 && error.challenge === null;

export function ErrorMessage({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  if (!error || signedOut(error)) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {messageOf(error)}
      </MessageBarBody>
    </MessageBar>
  );
}
