/** The tenant's SCIM tokens without their secrets (GET /openpim/scim/tokens). */
import { authorize, PERMISSION } from '../authorization.ts';
import type { Caller } from '../caller.ts';
import type { ScimToken } from '../ports/provisioning.ts';
import type { ReadRepositories } from '../ports/repositories.ts';

export async function listScimTokens(read: ReadRepositories<'provisioning'>, caller: Caller): Promise<Omit<ScimToken, 'tokenHash'>[]> {
  authorize(caller, PERMISSION.scimTokensManage);
  return (await read.provisioning.listTokens(caller.tenantId)).map(({ tokenHash: _hash, ...rest }) => rest);
}
