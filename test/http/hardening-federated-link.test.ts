/**
 * The same privileged-account rule at the identity-provider door: an account at the organisation's
 * provider whose verified email matches a *privileged* OpenPIM user is never linked to it by email
 * (whoever controls that address at the provider would become that user). Privileged includes
 * every group the user may become a member of — PIM for Groups eligibility, future membership,
 * ownership — as the credential rules do (hardening-privileged-accounts.test.ts).
 *
 * In-memory SQLite only: the OpenID provider harness (test/support/oidc-app.ts) opens no other
 * database; the walk over groups it relies on runs on both databases in the credential tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { GROUP_ROLE, groupScope } from '../../src/domain/group-access.ts';
import type { Principal } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { account, counts, errorOf, openApi, signIn, useOidcProvider, type Api } from '../support/oidc-app.ts';
import { adminAssign, groupWith, scheduleOf } from '../support/scenario.ts';

useOidcProvider();

type Setup = (api: Api, v: Principal) => Promise<unknown>;

let groups = 0;

/** A role-assignable group holding Global Administrator. */
async function privilegedGroup(api: Api): Promise<Principal> {
  const group = await groupWith(api.h, `Tier 0 #${++groups}`, [], { assignable: true });
  await adminAssign(api.h, 'assignment', group, ROLE.globalAdministrator);
  return group;
}

const groupAccess = (api: Api, v: Principal, group: Principal, kind: 'eligibility' | 'assignment', accessId: 'member' | 'owner', startIn?: string) =>
  api.h.submit(api.h.admin, {
    kind,
    action: 'adminAssign',
    principalId: v.id,
    roleDefinitionId: GROUP_ROLE[accessId],
    directoryScopeId: groupScope(group.id),
    scheduleInfo: scheduleOf(api.h, 'permanent', startIn),
  });

const PRIVILEGED: Record<string, Setup> = {
  'is an eligible member (PIM for Groups) of a group holding Global Administrator': async (api, v) =>
    groupAccess(api, v, await privilegedGroup(api), 'eligibility', 'member'),
  'becomes a member (PIM for Groups) of a group holding Global Administrator next week': async (api, v) =>
    groupAccess(api, v, await privilegedGroup(api), 'assignment', 'member', 'P7D'),
  'is an eligible owner (PIM for Groups) of a group holding Global Administrator': async (api, v) =>
    groupAccess(api, v, await privilegedGroup(api), 'eligibility', 'owner'),
  'is a static member of a group holding Global Administrator': async (api, v) =>
    addGroupMember(api.h.deps, api.h.admin, (await privilegedGroup(api)).id, v.id),
};

describe('an identity provider never links a privileged account by email', () => {
  let api: Api;
  let seq = 0;
  beforeAll(async () => {
    api = await openApi();
  });
  afterAll(async () => api?.close());

  const user = async (setup: Setup): Promise<Principal> => {
    const v = await api.h.user(`victim${++seq}@contoso.test`, `Victim ${seq}`);
    await setup(api, v);
    return v;
  };

  it.each(Object.entries(PRIVILEGED))('refuses to link the user who %s, and writes nothing', async (_case, setup) => {
    const v = await user(setup);
    const before = await counts(api);

    const { res, session } = await signIn(api, { accountId: account({ email: v.userPrincipalName!, email_verified: true }), amr: ['pwd', 'mfa'] });

    expect(res.statusCode, res.body).toBe(403);
    expect(errorOf(res).code).toBe('Authorization_RequestDenied');
    expect(session).toBeNull();
    expect(await counts(api)).toEqual(before);
  });

  it('still links an ordinary user by verified email', async () => {
    const v = await user(async () => undefined);
    const { res, session } = await signIn(api, { accountId: account({ email: v.userPrincipalName!, email_verified: true }), amr: ['pwd'] });
    expect(res.statusCode, res.body).toBe(302);
    expect(session).toEqual(expect.any(String));
  });
});
