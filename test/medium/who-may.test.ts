/**
 * Who may be granted what, and who may ask (docs/guide.md, "The model" and "Who may do what"):
 * service principals are never eligible, only role-assignable groups hold roles, requests name
 * things that exist, admin actions need an admin role (held now — an activated one counts, an
 * expired one doesn't), and self actions are for one's own assignments.
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/app/caller.ts';
import { addGroupMember } from '../../src/app/directory/change-group-members.ts';
import { createAdministrativeUnit } from '../../src/app/directory/create-administrative-unit.ts';
import { createGroup } from '../../src/app/directory/create-group.ts';
import type { ErrorCode } from '../../src/domain/errors.ts';
import type { Principal, RequestAction, RequestStatus, ScheduleKind } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { activitiesSince, adminAssign, auditMark, failureOf, rolesHeld, selfActivate, closeVerifiedAfterEach } from '../support/scenario.ts';

type Subject = 'user' | 'service principal' | 'role-assignable group' | 'ordinary group' | 'unknown id';
type Asker = 'Global Administrator' | 'Privileged Role Administrator' | 'Global Reader' | 'user without roles' | 'the subject';

interface WhoCase {
  readonly name: string;
  readonly subject: Subject;
  readonly by: Asker;
  readonly kind: ScheduleKind;
  readonly action: RequestAction;
  readonly role?: string;
  /** `'AU'`: an administrative unit created for the test. */
  readonly scope?: string;
  readonly expect: RequestStatus | ErrorCode;
}

const CASES: readonly WhoCase[] = [
  {
    name: 'a service principal made eligible',
    subject: 'service principal',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'PrincipalCannotBeEligible',
  },
  {
    name: 'a service principal assigned active',
    subject: 'service principal',
    by: 'Global Administrator',
    kind: 'assignment',
    action: 'adminAssign',
    expect: 'Provisioned',
  },
  {
    name: 'an ordinary group made eligible',
    subject: 'ordinary group',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'GroupNotAssignableToRole',
  },
  {
    name: 'an ordinary group assigned active',
    subject: 'ordinary group',
    by: 'Global Administrator',
    kind: 'assignment',
    action: 'adminAssign',
    expect: 'GroupNotAssignableToRole',
  },
  {
    name: 'a role-assignable group assigned active',
    subject: 'role-assignable group',
    by: 'Global Administrator',
    kind: 'assignment',
    action: 'adminAssign',
    expect: 'Provisioned',
  },
  {
    name: 'a role-assignable group made eligible',
    subject: 'role-assignable group',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'Provisioned',
  },
  {
    name: 'a principal that does not exist',
    subject: 'unknown id',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'Request_BadRequest',
  },
  {
    name: 'a role that does not exist',
    subject: 'user',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    role: '00000000-0000-0000-0000-00000000dead',
    expect: 'Request_BadRequest',
  },
  {
    name: 'a scope that does not exist',
    subject: 'user',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    scope: '/administrativeUnits/nope',
    expect: 'Request_BadRequest',
  },
  {
    name: 'a resource role at the directory root',
    subject: 'user',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    role: ROLE.owner,
    expect: 'Request_BadRequest',
  },
  {
    name: 'an administrative unit scope',
    subject: 'user',
    by: 'Global Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    scope: 'AU',
    expect: 'Provisioned',
  },
  {
    name: 'adminAssign by a Privileged Role Administrator',
    subject: 'user',
    by: 'Privileged Role Administrator',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'Provisioned',
  },
  {
    name: 'adminAssign by a Global Reader (reads, never changes)',
    subject: 'user',
    by: 'Global Reader',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'Authorization_RequestDenied',
  },
  {
    name: 'adminAssign by a user without roles',
    subject: 'user',
    by: 'user without roles',
    kind: 'eligibility',
    action: 'adminAssign',
    expect: 'Authorization_RequestDenied',
  },
  {
    name: 'adminAssign to oneself by a user without roles',
    subject: 'user',
    by: 'the subject',
    kind: 'assignment',
    action: 'adminAssign',
    expect: 'Authorization_RequestDenied',
  },
  {
    name: 'selfActivate for someone else, by a user',
    subject: 'user',
    by: 'user without roles',
    kind: 'assignment',
    action: 'selfActivate',
    expect: 'Authorization_RequestDenied',
  },
  {
    name: 'selfActivate for someone else, even by a Global Administrator',
    subject: 'user',
    by: 'Global Administrator',
    kind: 'assignment',
    action: 'selfActivate',
    expect: 'Authorization_RequestDenied',
  },
  {
    name: 'selfDeactivate for someone else',
    subject: 'user',
    by: 'user without roles',
    kind: 'assignment',
    action: 'selfDeactivate',
    expect: 'Authorization_RequestDenied',
  },
  {
    name: 'selfActivate sent as an eligibility request',
    subject: 'user',
    by: 'the subject',
    kind: 'eligibility',
    action: 'selfActivate',
    expect: 'Request_BadRequest',
  },
];

describe.each(TEST_DATABASES)('who may on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  async function subjectOf(kind: Subject): Promise<Principal | { id: string }> {
    switch (kind) {
      case 'user':
        return h.user('alice@contoso.test');
      case 'service principal': {
        const sp: Principal = {
          tenantId: h.tenantId,
          id: 'sp-build-agent',
          type: 'servicePrincipal',
          displayName: 'Build agent',
          userPrincipalName: null,
          mail: null,
          accountEnabled: true,
          isBreakGlass: false,
          isAssignableToRole: false,
          description: null,
          managerId: null,
          createdAt: h.clock.now(),
        };
        await h.store.run((tx) => tx.principals.insert(sp));
        return sp;
      }
      case 'role-assignable group':
      case 'ordinary group':
        return createGroup(h.deps, h.admin, { displayName: kind, description: null, mailNickname: null, isAssignableToRole: kind === 'role-assignable group' });
      case 'unknown id':
        return { id: '00000000-0000-0000-0000-00000000beef' };
    }
  }

  async function askerOf(by: Asker, subject: Principal | { id: string }): Promise<Caller> {
    if (by === 'Global Administrator') return h.admin;
    if (by === 'the subject') return h.caller(subject.id);
    const user = await h.user('bob@contoso.test');
    if (by === 'Privileged Role Administrator') await adminAssign(h, 'assignment', user, ROLE.privilegedRoleAdministrator);
    if (by === 'Global Reader') await adminAssign(h, 'assignment', user, ROLE.globalReader);
    return h.caller(user);
  }

  it.each(CASES)('$name → $expect', async (c) => {
    h = await openHarness(db);
    const subject = await subjectOf(c.subject);
    const caller = await askerOf(c.by, subject);
    const scope = c.scope === 'AU' ? (await createAdministrativeUnit(h.deps, h.admin, { displayName: 'Sales' })).id : (c.scope ?? '/');
    const mark = await auditMark(h);
    const submitting = h.submit(caller, {
      kind: c.kind,
      action: c.action,
      principalId: subject.id,
      roleDefinitionId: c.role ?? ROLE.helpdeskAdministrator,
      directoryScopeId: scope,
    });
    if (c.expect === 'Provisioned') {
      expect((await submitting).status).toBe('Provisioned');
      expect(await activitiesSince(h, mark)).toHaveLength(1);
      return;
    }
    expect((await failureOf(submitting)).code).toBe(c.expect);
    expect(await activitiesSince(h, mark)).toEqual([]);
  });

  it("members of a role-assignable group hold the group's active role, and lose it with the assignment", async () => {
    h = await openHarness(db);
    const alice = await h.user('alice@contoso.test');
    const group = await createGroup(h.deps, h.admin, { displayName: 'Helpdesk', description: null, mailNickname: null, isAssignableToRole: true });
    await addGroupMember(h.deps, h.admin, group.id, alice.id);
    await adminAssign(h, 'assignment', group, ROLE.helpdeskAdministrator, 'PT1H');
    expect(await rolesHeld(h, alice)).toEqual([ROLE.helpdeskAdministrator]);
    h.clock.advance('PT1H');
    expect(await rolesHeld(h, alice)).toEqual([]);
  });

  it('admin rights come from the roles held now: an activated Privileged Role Administrator may assign, until the activation ends', async () => {
    h = await openHarness(db);
    const bob = await h.user('bob@contoso.test');
    const carol = await h.user('carol@contoso.test');
    const assignCarol = async () =>
      h.submit(await h.caller(bob), { kind: 'eligibility', action: 'adminAssign', principalId: carol.id, roleDefinitionId: ROLE.helpdeskAdministrator });
    await adminAssign(h, 'eligibility', bob, ROLE.privilegedRoleAdministrator);
    expect((await failureOf(assignCarol())).code).toBe('Authorization_RequestDenied');

    await selfActivate(h, bob, ROLE.privilegedRoleAdministrator, 'PT1H');
    expect((await assignCarol()).status).toBe('Provisioned');
    await h.submit(h.admin, { kind: 'eligibility', action: 'adminRemove', principalId: carol.id, roleDefinitionId: ROLE.helpdeskAdministrator });

    // At the activation's end — before the timeline has run — the right is gone.
    h.clock.advance('PT1H');
    expect((await failureOf(assignCarol())).code).toBe('Authorization_RequestDenied');
  });
});
