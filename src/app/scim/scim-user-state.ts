/** A principal as a SCIM user's state, and the directory attributes a state asks for. */
import { DomainError } from '../../domain/errors.ts';
import type { ScimUserState } from '../../domain/scim/patch.ts';
import type { ProvisionedPrincipal, ScimChanges } from '../ports/provisioning.ts';

export const userStateOf = ({ principal, scim }: ProvisionedPrincipal): ScimUserState => ({
  userName: principal.userPrincipalName ?? '',
  displayName: principal.displayName,
  givenName: scim.givenName,
  familyName: scim.familyName,
  email: principal.mail,
  active: principal.accountEnabled,
  externalId: scim.externalId,
});

/** The directory attributes of a SCIM user state: displayName falls back to the name parts, then userName. */
export function directoryAttributesOf(state: ScimUserState): Required<ScimChanges> {
  if (!/^[^\s@]+@[^\s@]+$/.test(state.userName)) {
    throw new DomainError('Request_BadRequest', `userName '${state.userName}' must look like name@domain (it becomes the userPrincipalName).`, {
      scimType: 'invalidValue',
    });
  }
  const parts = [state.givenName, state.familyName].filter((p) => p).join(' ');
  return {
    displayName: (state.displayName?.trim() || parts || state.userName).slice(0, 256),
    userPrincipalName: state.userName,
    mail: state.email ?? state.userName,
    externalId: state.externalId,
    givenName: state.givenName,
    familyName: state.familyName,
  };
}
