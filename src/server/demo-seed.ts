/**
 * A small realistic organisation for `openpim demo`, created through the same use cases the API
 * uses (so it is audited like everything else).
 */
import { resolveCaller, type Caller } from '../app/caller.ts';
import { addGroupMember } from '../app/directory/change-group-members.ts';
import { createAdministrativeUnit } from '../app/directory/create-administrative-unit.ts';
import { createGroup } from '../app/directory/create-group.ts';
import { createUser } from '../app/directory/create-user.ts';
import { setManager } from '../app/directory/set-manager.ts';
import type { Clock, Ids } from '../app/ports/clock.ts';
import type { PasswordHasher, Random } from '../app/ports/identity.ts';
import type { UnitOfWork } from '../app/ports/repositories.ts';
import { confirmTotp } from '../app/identity/confirm-totp.ts';
import { enrollTotp } from '../app/identity/enroll-totp.ts';
import { updateAccount } from '../app/identity/update-account.ts';
import { base32Decode } from '../domain/identity/base32.ts';
import { totpAt } from '../domain/identity/totp.ts';
import { updatePolicyRule } from '../app/policies/update-policy-rule.ts';
import { submitRequest } from '../app/requests/submit-request.ts';
import type { Principal } from '../domain/model.ts';
import { ROLE } from '../domain/roles/catalogue.ts';

export interface DemoOrganisation {
  readonly users: readonly Principal[];
}

const PEOPLE = [
  { upn: 'alice@contoso.example', name: 'Alice Martin', eligible: [ROLE.userAdministrator, ROLE.helpdeskAdministrator] },
  { upn: 'bob@contoso.example', name: 'Bob Okafor', eligible: [ROLE.securityAdministrator, ROLE.securityReader] },
  { upn: 'carol@contoso.example', name: 'Carol Nguyen', eligible: [ROLE.privilegedRoleAdministrator, ROLE.globalAdministrator] },
  { upn: 'dave@contoso.example', name: 'Dave Schmidt', eligible: [ROLE.applicationAdministrator, ROLE.conditionalAccessAdministrator] },
  { upn: 'erin@contoso.example', name: 'Erin Rossi', eligible: [ROLE.globalReader] },
  { upn: 'frank@contoso.example', name: 'Frank Dubois', eligible: [] },
] as const;

export async function seedDemo(deps: { uow: UnitOfWork; clock: Clock; ids: Ids }, admin: Caller): Promise<DemoOrganisation> {
  const users: Principal[] = [];
  for (const person of PEOPLE) {
    const user = await createUser(deps, admin, { userPrincipalName: person.upn, displayName: person.name, mail: person.upn, accountEnabled: true });
    users.push(user);
    for (const roleId of person.eligible) {
      await submitRequest(deps, admin, {
        kind: 'eligibility',
        action: 'adminAssign',
        principalId: user.id,
        roleDefinitionId: roleId,
        directoryScopeId: '/',
        justification: 'Demo organisation',
        ticketInfo: { ticketNumber: null, ticketSystem: null },
        scheduleInfo: { startDateTime: null, expiration: { type: 'afterDuration', duration: 'P180D' } },
        isValidationOnly: false,
        targetScheduleId: null,
      });
    }
  }
  const helpdesk = await createGroup(deps, admin, {
    displayName: 'Helpdesk',
    description: 'First-line support',
    mailNickname: 'helpdesk',
    isAssignableToRole: false,
  });
  const security = await createGroup(deps, admin, {
    displayName: 'Security Operations',
    description: 'Role-assignable: holds Security Reader',
    mailNickname: 'secops',
    isAssignableToRole: true,
  });
  await addGroupMember(deps, admin, helpdesk.id, users[0]!.id);
  await addGroupMember(deps, admin, security.id, users[1]!.id);
  await addGroupMember(deps, admin, security.id, users[4]!.id);
  await submitRequest(deps, admin, {
    kind: 'assignment',
    action: 'adminAssign',
    principalId: security.id,
    roleDefinitionId: ROLE.securityReader,
    directoryScopeId: '/',
    justification: 'Security Operations read security settings',
    ticketInfo: { ticketNumber: null, ticketSystem: null },
    scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    isValidationOnly: false,
    targetScheduleId: null,
  });
  const paris = await createAdministrativeUnit(deps, admin, { displayName: 'Paris office' });
  await submitRequest(deps, admin, {
    kind: 'eligibility',
    action: 'adminAssign',
    principalId: users[5]!.id,
    roleDefinitionId: ROLE.userAdministrator,
    directoryScopeId: paris.id,
    justification: 'Manages Paris office accounts',
    ticketInfo: { ticketNumber: null, ticketSystem: null },
    scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    isValidationOnly: false,
    targetScheduleId: null,
  });
  // Managers: Alice manages Frank and Erin (a policy may name the requester's manager as approver).
  await setManager(deps, admin, users[5]!.id, users[0]!.id);
  await setManager(deps, admin, users[4]!.id, users[0]!.id);
  // Dave administers PIM day to day (permanent Privileged Role Administrator): an administrator who is not break-glass.
  await submitRequest(deps, admin, {
    kind: 'assignment',
    action: 'adminAssign',
    principalId: users[3]!.id,
    roleDefinitionId: ROLE.privilegedRoleAdministrator,
    directoryScopeId: '/',
    justification: 'Demo organisation: PIM administrator',
    ticketInfo: { ticketNumber: null, ticketSystem: null },
    scheduleInfo: { startDateTime: null, expiration: { type: 'noExpiration' } },
    isValidationOnly: false,
    targetScheduleId: null,
  });
  // Activating Helpdesk Administrator needs Bob's approval: the portal's approval flow, end to end.
  const helpdeskPolicy = await deps.uow.read.policies.forRoleAt(admin.tenantId, ROLE.helpdeskAdministrator, '/');
  if (helpdeskPolicy) {
    await updatePolicyRule(deps, admin, helpdeskPolicy.id, 'Approval_EndUser_Assignment', (r) =>
      r.kind === 'approval'
        ? {
            ...r,
            setting: {
              ...r.setting,
              isApprovalRequired: true,
              approvalStages: [{ ...r.setting.approvalStages[0]!, primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: users[1]!.id }] }],
            },
          }
        : r,
    );
  }
  // Activating Privileged Role Administrator needs an administrator's approval (none listed: the tenant's admins decide).
  const pra = await deps.uow.read.policies.forRoleAt(admin.tenantId, ROLE.privilegedRoleAdministrator, '/');
  if (pra) {
    await updatePolicyRule(deps, admin, pra.id, 'Approval_EndUser_Assignment', (r) =>
      r.kind === 'approval' ? { ...r, setting: { ...r.setting, isApprovalRequired: true } } : r,
    );
  }
  // Stricter settings for the most powerful roles: short activations and a ticket.
  for (const roleId of [ROLE.globalAdministrator, ROLE.privilegedRoleAdministrator]) {
    const policy = await deps.uow.read.policies.forRoleAt(admin.tenantId, roleId, '/');
    if (!policy) continue;
    await updatePolicyRule(deps, admin, policy.id, 'Expiration_EndUser_Assignment', (r) => ({ ...r, maximumDuration: 'PT2H' }) as typeof r);
    await updatePolicyRule(
      deps,
      admin,
      policy.id,
      'Enablement_EndUser_Assignment',
      (r) => ({ ...r, enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'] }) as typeof r,
    );
  }
  return { users };
}

/** 32 lowercase letters and digits, without the look-alikes l, o, 0 and 1 (a byte mod 32 is unbiased). */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A fresh password for one demo run, four groups of four (80 bits): a demo server reachable by
 * others must not open with a password everyone who read the source knows.
 * @example demoPassword(cryptoRandom) // 'k7tq-m2xa-9rfe-hw4c'
 */
export function demoPassword(random: Random): string {
  const chars = Array.from(random.bytes(16), (b) => PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]!).join('');
  return chars.match(/.{4}/g)!.join('-');
}

export interface DemoCredentials {
  readonly password: string;
  /** Alice's authenticator app (base32 TOTP secret), so the CLI's MFA step-up can be tried. */
  readonly aliceTotpSecret: string;
}

/**
 * Gives every demo user one password made for this run (returned, for `openpim demo` to print) and
 * Alice an authenticator app, through the same use cases as the API (audited). Alice's first code is used up by the enrollment: the next one works
 * 30 seconds later.
 */
export async function giveDemoCredentials(
  deps: { uow: UnitOfWork; clock: Clock; ids: Ids; random: Random; passwords: PasswordHasher },
  admin: Caller,
  users: readonly Principal[],
): Promise<DemoCredentials> {
  const password = demoPassword(deps.random);
  for (const user of users) await updateAccount(deps, admin, user.id, { password });
  const now = deps.clock.now();
  const alice = await resolveCaller(
    deps.uow.read,
    {
      tenantId: admin.tenantId,
      principalId: users[0]!.id,
      amr: ['pwd'],
      authTime: now,
      acrs: [],
      correlationId: deps.ids.uuid(),
    },
    now,
    0,
  );
  const enrollment = await enrollTotp(deps, alice);
  await confirmTotp(deps, alice, totpAt(base32Decode(enrollment.secret)!, now));
  return { password, aliceTotpSecret: enrollment.secret };
}
