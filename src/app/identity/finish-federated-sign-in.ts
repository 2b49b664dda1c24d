/**
 * The provider's answer to a sign-in begun by begin-federated-sign-in.ts (docs/decisions/0012):
 * the state must be the one this browser's cookie holds, and a pending sign-in of this server that
 * has not expired — looked up with a read, then taken out (single use) before anything else is checked. Then the
 * provider's error, or the code redeemed and the ID token verified (IdentityProvider.exchange),
 * and the user found, linked or created (federated-sign-in.ts).
 */
import { DomainError } from '../../domain/errors.ts';
import { hashFlowState } from '../../domain/identity/federation.ts';
import { sameToken } from '../../domain/identity/sessions.ts';
import type { IdentityProvider } from '../ports/federation.ts';
import type { AttemptContext } from './attempts.ts';
import { federatedSignIn, type FederatedSignInDeps, type FederatedSignInResult } from './federated-sign-in.ts';

export interface FinishFederatedSignInInput {
  /** The callback's query string as received (without `?`). */
  readonly query: string;
  /** The state from the browser-binding cookie, if the browser sent one. */
  readonly browserState: string | null;
}

const refused = (message: string) => new DomainError('InvalidCredentials', message);
/** The provider's words, kept to printable text of a bounded length. */
const printable = (text: string, max: number) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

export async function finishFederatedSignIn(
  deps: FederatedSignInDeps & { readonly provider: IdentityProvider },
  input: FinishFederatedSignInInput,
  context: AttemptContext,
): Promise<FederatedSignInResult & { readonly returnTo: string }> {
  const params = new URLSearchParams(input.query);
  const state = params.get('state');
  if (!state) throw refused("The identity provider's answer carries no state; start the sign-in again.");
  if (!input.browserState || !sameToken(state, input.browserState)) {
    throw refused('This sign-in was not started in this browser (or its cookie expired); start the sign-in again.');
  }
  const stateHash = hashFlowState(state);
  // A read first: a callback with a state this server did not issue (or no longer holds) opens no
  // write transaction, which on PostgreSQL would queue behind the audit chain's lock.
  const gone = () => refused('This sign-in expired or was completed already; start the sign-in again.');
  if (!(await deps.uow.read.federation.findFlow(stateHash, deps.clock.now()))) throw gone();
  const flow = await deps.uow.run((tx) => tx.federation.takeFlow(stateHash, deps.clock.now()));
  if (!flow) throw gone();

  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    throw refused(`The identity provider refused the sign-in: ${printable(error, 64)}${description ? ` (${printable(description, 200)})` : ''}.`);
  }
  const claims = await deps.provider.exchange(input.query, { state, nonce: flow.nonce, codeVerifier: flow.codeVerifier });
  const result = await federatedSignIn(deps, flow.tenantId, claims, context);
  return { ...result, returnTo: flow.returnTo };
}
