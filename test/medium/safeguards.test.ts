/**
 * The tenant never loses its last standing (permanent, active, tenant-wide) Global Administrator or
 * Privileged Role Administrator (docs/guide.md, "Rules that always hold"). Written as stories:
 * steps in order, each with the time that passes first and its outcome. Time-bound grants end by
 * design, so they neither count as standing nor are held back from ending.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.ts';
import { REQUEST_STATUSES, type Principal, type RequestAction, type RequestStatus } from '../../src/domain/model.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { activitiesSince, auditMark, failureOf, rolesHeld, scheduleOf, type Span, closeVerifiedAfterEach } from '../support/scenario.ts';

type Who = 'admin' | 'bob' | 'carol';

interface Step {
  readonly wait?: string;
  readonly action: Extract<RequestAction, 'adminAssign' | 'adminRemove' | 'adminUpdate'>;
  readonly role: string;
  /** Whose grant: the bootstrap admin's, bob's or carol's. */
  readonly of: Who;
  readonly span?: Span;
  readonly expect: RequestStatus | ErrorCode;
}

const GA = ROLE.globalAdministrator;
const PRA = ROLE.privilegedRoleAdministrator;

const STORIES: Readonly<Record<string, readonly Step[]>> = {
  "the bootstrap admin's Global Administrator stays until another permanent one exists": [
    // The five-minute floor is checked first, even for the last holder.
    { action: 'adminRemove', role: GA, of: 'admin', expect: 'ActiveDurationTooShort' },
    { wait: 'PT5M', action: 'adminRemove', role: GA, of: 'admin', expect: 'LastPrivilegedRoleHolder' },
    // A time-bound Global Administrator is not standing: the bootstrap one is still the last.
    { action: 'adminAssign', role: GA, of: 'bob', span: 'P30D', expect: 'Provisioned' },
    { action: 'adminRemove', role: GA, of: 'admin', expect: 'LastPrivilegedRoleHolder' },
    // Making the last standing grant time-bound would let it lapse: refused too.
    { action: 'adminUpdate', role: GA, of: 'admin', span: { endIn: 'P30D' }, expect: 'LastPrivilegedRoleHolder' },
    { action: 'adminAssign', role: GA, of: 'carol', span: 'permanent', expect: 'Provisioned' },
    { action: 'adminRemove', role: GA, of: 'admin', expect: 'Revoked' },
    // Carol is now the last one; her grant is under 5 minutes old, then simply the last.
    { action: 'adminRemove', role: GA, of: 'carol', expect: 'ActiveDurationTooShort' },
    { wait: 'PT5M', action: 'adminRemove', role: GA, of: 'carol', expect: 'LastPrivilegedRoleHolder' },
    // The time-bound one may go at any time (after its floor).
    { action: 'adminRemove', role: GA, of: 'bob', expect: 'Revoked' },
  ],
  'a sole permanent Privileged Role Administrator is guarded the same way': [
    { action: 'adminAssign', role: PRA, of: 'bob', span: 'permanent', expect: 'Provisioned' },
    { wait: 'PT5M', action: 'adminRemove', role: PRA, of: 'bob', expect: 'LastPrivilegedRoleHolder' },
    { action: 'adminUpdate', role: PRA, of: 'bob', span: { endIn: 'P1D' }, expect: 'LastPrivilegedRoleHolder' },
    { action: 'adminAssign', role: PRA, of: 'carol', span: 'permanent', expect: 'Provisioned' },
    { action: 'adminUpdate', role: PRA, of: 'bob', span: { endIn: 'P1D' }, expect: 'Provisioned' },
  ],
  'other privileged roles are not guarded': [
    { action: 'adminAssign', role: ROLE.securityAdministrator, of: 'bob', span: 'permanent', expect: 'Provisioned' },
    { wait: 'PT5M', action: 'adminRemove', role: ROLE.securityAdministrator, of: 'bob', expect: 'Revoked' },
  ],
};

describe.each(TEST_DATABASES)('safeguards on $name', (db) => {
  let h: Harness;
  closeVerifiedAfterEach(() => h);

  it.each(Object.entries(STORIES))('%s', async (_name, steps) => {
    h = await openHarness(db);
    const people: Record<Who, Principal> = { admin: h.admin.principal, bob: await h.user('bob@contoso.test'), carol: await h.user('carol@contoso.test') };
    for (const [i, step] of steps.entries()) {
      if (step.wait) h.clock.advance(step.wait);
      const mark = await auditMark(h);
      const submitting = h.submit(h.admin, {
        kind: 'assignment',
        action: step.action,
        principalId: people[step.of].id,
        roleDefinitionId: step.role,
        scheduleInfo: scheduleOf(h, step.span ?? 'unspecified'),
      });
      const outcome = await submitting.then(
        (r) => r.status,
        async (e: unknown) => (await failureOf(Promise.reject(e))).code,
      );
      expect({ step: i + 1, outcome }).toEqual({ step: i + 1, outcome: step.expect });
      // A granted step records its one event; a refused one records nothing.
      expect(await activitiesSince(h, mark)).toHaveLength((REQUEST_STATUSES as readonly string[]).includes(outcome) ? 1 : 0);
    }
  });

  it('the refusal names the role and what to do', async () => {
    h = await openHarness(db);
    h.clock.advance('PT5M');
    const failure = await failureOf(h.submit(h.admin, { action: 'adminRemove', principalId: h.admin.principal.id, roleDefinitionId: GA }));
    expect(failure.code).toBe('LastPrivilegedRoleHolder');
    expect(failure.message).toContain('Global Administrator');
    expect(failure.message).toContain('assign another permanent');
    expect(await rolesHeld(h, h.admin.principal)).toEqual([GA]);
  });
});
