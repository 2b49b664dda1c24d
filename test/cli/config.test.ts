/**
 * Settings as code against live servers: a state built through the API (a changed tenant default,
 * rules set on three roles while others inherit, a scoped policy, a group's own policy, eligible and
 * active assignments of users, a group and PIM for Groups, groups with members, resource scopes, an
 * administrative unit) is exported
 * with `openpim config export`, applied to a second, empty server with the same users, and exported
 * there again — the same file, but for the header. `plan` then shows exactly what was changed by
 * hand since, `apply` puts it back, a second `apply` changes nothing, and an apply whose checks
 * fail (an unknown user, a request the server would refuse) changes nothing at all.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY, MINUTE } from '../../src/domain/time.ts';
import { DIR, STACK, type Harness, type TestUser } from './cli-harness.ts';
import { commonState, EXPIRATION, GROUPS_PIM, inheritRule, iso, patchRule, policyOf, tenantDefaultOf, twoServers, type Side } from './settings-fixtures.ts';

let a: Harness; // the server whose state is exported
let b: Harness; // an empty one, with the same users
let danaA: TestUser;
let danaB: TestUser;
let exported: string;
let file: string;

const withoutHeader = (text: string) => text.replace(/^(#.*\n)+/, '');

async function buildState(h: Harness, users: Side['users']): Promise<void> {
  const { alice, bob, carol } = users;
  // Directory: two resource scopes, an administrative unit, two groups with members.
  await h.api(h.adminToken, 'POST', '/openpim/scopes', { id: '/subscriptions/s1', displayName: 'Production' });
  await h.api(h.adminToken, 'POST', '/openpim/scopes', { id: '/subscriptions/s1/resourceGroups/rg1' });
  const sales = await h.api<{ id: string }>(h.adminToken, 'POST', '/v1.0/directory/administrativeUnits', { displayName: 'Sales' });
  const { now, ops, readers, assign, until } = await commonState(h, users);
  const scoped = await h.api<{ id: string }>(h.adminToken, 'POST', '/openpim/policies', { roleDefinitionId: ROLE.reader, scopeId: '/subscriptions/s1' });
  await patchRule(h, scoped.id, 'Expiration_Admin_Eligibility', { '@odata.type': EXPIRATION, isExpirationRequired: true, maximumDuration: 'P90D' });
  // Assignments: eligible and active, users and a group, at /, an administrative unit, a resource scope, and PIM for Groups.
  await assign(`${DIR}/roleEligibilityScheduleRequests`, { principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/' });
  await assign(`${DIR}/roleEligibilityScheduleRequests`, { principalId: alice.id, roleDefinitionId: ROLE.securityReader, directoryScopeId: '/' }, until(30));
  await assign(`${DIR}/roleAssignmentScheduleRequests`, { principalId: bob.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' }, until(7));
  await assign(`${DIR}/roleEligibilityScheduleRequests`, {
    principalId: bob.id,
    roleDefinitionId: ROLE.userAdministrator,
    directoryScopeId: `/administrativeUnits/${sales.id}`,
  });
  await assign(
    `${DIR}/roleEligibilityScheduleRequests`,
    { principalId: carol.id, roleDefinitionId: ROLE.reader, directoryScopeId: '/subscriptions/s1' },
    until(60),
  );
  await assign(
    `${DIR}/roleEligibilityScheduleRequests`,
    { principalId: carol.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' },
    until(10),
    now + 2 * DAY,
  );
  await assign(`${DIR}/roleAssignmentScheduleRequests`, { principalId: ops.id, roleDefinitionId: ROLE.helpdeskAdministrator, directoryScopeId: '/' });
  await assign(`${GROUPS_PIM}/eligibilityScheduleRequests`, { principalId: carol.id, groupId: ops.id, accessId: 'member' }, until(20));
  await assign(`${GROUPS_PIM}/assignmentScheduleRequests`, { principalId: bob.id, groupId: readers.id, accessId: 'owner' });
}

beforeAll(async () => {
  const [sideA, sideB] = await twoServers('config-a', 'config-b');
  [a, b, danaA, danaB] = [sideA.h, sideB.h, sideA.dana, sideB.dana];
  await buildState(a, sideA.users);
  file = join(danaA.configDir, '..', 'settings.yaml');
  const run = await a.cli(danaA, ['config', 'export', '--output', file]);
  expect(run.code, run.stderr).toBe(0);
  exported = await readFile(file, 'utf8');
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe('openpim config export, plan and apply', { timeout: 60_000 }, () => {
  it('exports the settings as YAML, the same text each time', async () => {
    expect(exported).toMatch(
      new RegExp(`^# OpenPIM settings exported from ${a.server.url.replace(/[.]/g, '\\.')} at \\S+Z by dana@contoso\\.test \\(openpim \\S+\\)\\.\n#`),
    );
    const body = withoutHeader(exported);
    expect(body).toMatch(
      /^version: 1\nadministrativeUnits:\n {2}- Sales\nscopes:\n {2}\/subscriptions\/s1:\n {4}displayName: Production\n {2}\/subscriptions\/s1\/resourceGroups\/rg1: \{\}\ngroups:\n {2}Ops:\n {4}description: On-call operators\n {4}isAssignableToRole: true\n {4}members:\n {6}- alice@contoso\.test\n {6}- bob@contoso\.test\n/,
    );
    // The tenant default: its rules that differ from the built-in defaults.
    expect(body).toContain(['tenantDefault:', '  rules:', '    Expiration_EndUser_Assignment:', '      maximumDuration: PT4H', 'policies:', ''].join('\n'));
    // A policy: the rules it sets, in each the fields that differ from the built-in default; approvers by name.
    expect(body).toContain(
      [
        '  - role: User Administrator',
        '    scope: /',
        '    rules:',
        '      Expiration_EndUser_Assignment:',
        '        maximumDuration: PT2H',
        '      Enablement_EndUser_Assignment:',
        '        enabledRules:',
        '          - MultiFactorAuthentication',
        '          - Justification',
        '          - Ticketing',
      ].join('\n'),
    );
    expect(body).toMatch(/primaryApprovers:\n\s+- user: carol@contoso\.test\n\s+- group: Ops\n/);
    // A rule set to the built-in default (not the tenant default's PT4H it would inherit) is listed, with no field.
    expect(body).toContain(['  - role: Helpdesk Administrator', '    scope: /', '    rules:', '      Expiration_EndUser_Assignment: {}', '  - '].join('\n'));
    // Security Reader sets only its approval rule: it inherits the tenant default's maximum.
    expect(body).toMatch(
      /\n {2}- role: Security Reader\n {4}scope: \/\n {4}rules:\n {6}Approval_EndUser_Assignment:\n(?: {8}.*\n)+ {2}- role: User Administrator\n/,
    );
    expect(body).toContain(
      [
        '  - role: Reader',
        '    scope: /subscriptions/s1',
        '    rules:',
        '      Expiration_Admin_Eligibility:',
        '        isExpirationRequired: true',
        '        maximumDuration: P90D',
      ].join('\n'),
    );
    expect(body).toContain(
      ['  - group: Ops', '    access: member', '    rules:', '      Expiration_EndUser_Assignment:', '        maximumDuration: PT4H'].join('\n'),
    );
    expect(body).not.toMatch(/Notification_/);
    // Assignments keyed by principal: users by UPN, groups by name; PIM for Groups and an administrative unit by name.
    expect(body).toContain(['    bob@contoso.test:', '      - role: Global Reader', '        scope: /', '        type: active', '        end: '].join('\n'));
    expect(body).toContain(
      ['      - role: User Administrator', '        administrativeUnit: Sales', '        type: eligible', '        permanent: true'].join('\n'),
    );
    expect(body).toContain(['      - group: Readers', '        access: owner', '        type: active', '        permanent: true'].join('\n'));
    expect(body).toMatch(/ {6}- role: Global Reader\n {8}scope: \/\n {8}type: eligible\n {8}start: \S+\n {8}end: \S+\n/);
    expect(body).toContain(
      ['  groups:', '    Ops:', '      - role: Helpdesk Administrator', '        scope: /', '        type: active', '        permanent: true'].join('\n'),
    );

    const again = await a.cli(danaA, ['config', 'export']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(withoutHeader(again.stdout)).toBe(body);
  });

  it('applies the file to an empty server, which then exports the same file', async () => {
    const before = await b.cli(danaB, ['config', 'plan', file]);
    expect(before.code, before.stderr).toBe(9);
    expect(before.stdout).toMatch(
      /^Administrative units:\n {2}\+ Sales\nResource scopes:\n {2}\+ \/subscriptions\/s1 \(Production\)\n {2}\+ \/subscriptions\/s1\/resourceGroups\/rg1\nGroups:\n/,
    );
    expect(before.stdout).toMatch(/\nPlan: \d+ to add, \d+ to change, 0 to remove\.\n$/);

    const applied = await b.cli(danaB, ['config', 'apply', file, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/\nApplying:\n(  [+~-] .+\n)+Applied \d+ changes to /);

    const there = await b.cli(danaB, ['config', 'export']);
    expect(there.code, there.stderr).toBe(0);
    expect(withoutHeader(there.stdout)).toBe(withoutHeader(exported));
    // Every change went through the API as the administrator, with the justification.
    const requests = await b.api<{ value: { justification: string; createdBy: { user: { id: string } } }[] }>(
      b.adminToken,
      'GET',
      `${DIR}/roleEligibilityScheduleRequests`,
    );
    expect(requests.value.length).toBeGreaterThan(0);
    expect(requests.value.every((r) => r.justification === 'openpim config apply' && r.createdBy.user.id === danaB.id)).toBe(true);
  });

  it('changes nothing the second time', async () => {
    const plan = await b.cli(danaB, ['config', 'plan', file]);
    expect(plan).toMatchObject({ code: 0, stderr: '', stdout: `No changes: ${b.server.url} matches ${file}.\n` });
    const apply = await b.cli(danaB, ['config', 'apply', file, '--yes']);
    expect(apply).toMatchObject({ code: 0, stderr: '', stdout: `No changes: ${b.server.url} matches ${file}.\n` });
    const json = await b.cli(danaB, ['config', 'apply', file, '--yes', '--output', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'unchanged', changes: [], applied: [], failures: [] });
    // JSON asks nothing: without --yes it is a usage error.
    expect((await b.cli(danaB, ['config', 'apply', file, '--output', 'json'])).code).toBe(2);
  });

  it('plans exactly what was changed by hand since, and apply puts it back', async () => {
    await patchRule(b, await policyOf(b, ROLE.userAdministrator), 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT3H' });
    // The tenant default changed; a rule Helpdesk Administrator set reset to inherit; one Security Reader inherited set.
    await patchRule(b, await tenantDefaultOf(b), 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT5H' });
    await inheritRule(b, await policyOf(b, ROLE.helpdeskAdministrator), 'Expiration_EndUser_Assignment');
    await patchRule(b, await policyOf(b, ROLE.securityReader), 'Expiration_EndUser_Assignment', { '@odata.type': EXPIRATION, maximumDuration: 'PT1H' });
    const alice = (await b.api<{ id: string }>(b.adminToken, 'GET', '/v1.0/users/alice@contoso.test')).id;
    await b.api(b.adminToken, 'POST', `${DIR}/roleEligibilityScheduleRequests`, {
      action: 'adminRemove',
      principalId: alice,
      roleDefinitionId: ROLE.userAdministrator,
      directoryScopeId: '/',
      justification: 'by hand',
    });

    const plan = await b.cli(danaB, ['config', 'plan', file]);
    expect(plan).toMatchObject({ code: 9, stderr: '' });
    expect(plan.stdout).toBe(
      [
        'Policies (role settings):',
        '  ~ the tenant default',
        '      Expiration_EndUser_Assignment.maximumDuration: PT5H → PT4H',
        '  ~ Helpdesk Administrator at /',
        '      + Expiration_EndUser_Assignment: set here, no longer inherited from the tenant default',
        '          maximumDuration: PT5H → PT8H',
        '  ~ Security Reader at /',
        '      - Expiration_EndUser_Assignment: inherit from the tenant default',
        '          maximumDuration: PT1H → PT4H',
        '  ~ User Administrator at /',
        '      Expiration_EndUser_Assignment.maximumDuration: PT3H → PT2H',
        'Assignments:',
        '  + alice@contoso.test: eligible User Administrator at /, permanent',
        'Plan: 1 to add, 4 to change, 0 to remove.',
        '',
      ].join('\n'),
    );
    const json = await b.cli(danaB, ['config', 'plan', file, '--output', 'json']);
    expect(json.code).toBe(9);
    expect(JSON.parse(json.stdout)).toEqual({
      server: b.server.url,
      file,
      warnings: [],
      errors: [],
      summary: { add: 1, change: 4, remove: 0 },
      changes: [
        {
          section: 'policies',
          action: 'change',
          tenantDefault: true,
          fields: [{ field: 'Expiration_EndUser_Assignment.maximumDuration', old: 'PT5H', new: 'PT4H' }],
          rules: [{ rule: 'Expiration_EndUser_Assignment', action: 'change', inheritedFrom: null }],
        },
        {
          section: 'policies',
          action: 'change',
          role: 'Helpdesk Administrator',
          scope: '/',
          fields: [{ field: 'Expiration_EndUser_Assignment.maximumDuration', old: 'PT5H', new: 'PT8H' }],
          rules: [{ rule: 'Expiration_EndUser_Assignment', action: 'set', inheritedFrom: 'the tenant default' }],
        },
        {
          section: 'policies',
          action: 'change',
          role: 'Security Reader',
          scope: '/',
          fields: [{ field: 'Expiration_EndUser_Assignment.maximumDuration', old: 'PT1H', new: 'PT4H' }],
          rules: [{ rule: 'Expiration_EndUser_Assignment', action: 'inherit', inheritedFrom: 'the tenant default' }],
        },
        {
          section: 'policies',
          action: 'change',
          role: 'User Administrator',
          scope: '/',
          fields: [{ field: 'Expiration_EndUser_Assignment.maximumDuration', old: 'PT3H', new: 'PT2H' }],
          rules: [{ rule: 'Expiration_EndUser_Assignment', action: 'change', inheritedFrom: null }],
        },
        {
          section: 'assignments',
          action: 'add',
          principal: { type: 'user', name: 'alice@contoso.test' },
          role: 'User Administrator',
          scope: '/',
          type: 'eligible',
          start: null,
          end: null,
          duration: null,
          fields: [],
        },
      ],
    });

    const apply = await b.cli(danaB, ['config', 'apply', file, '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(
      /Applying:\n {2}~ the tenant default\n {2}~ Helpdesk Administrator at \/\n {2}~ Security Reader at \/\n {2}~ User Administrator at \/\n {2}\+ alice@contoso\.test: eligible User Administrator at \/, permanent\nApplied 5 changes/,
    );
    expect((await b.cli(danaB, ['config', 'plan', file])).code).toBe(0);
    // Set again, and inherited again, as the file has them.
    const rules = async (roleId: string) =>
      (
        await b.api<{ value: { id: string; maximumDuration?: string; inheritedFrom?: unknown }[] }>(
          b.adminToken,
          'GET',
          `/v1.0/policies/roleManagementPolicies/${await policyOf(b, roleId)}/rules`,
        )
      ).value.find((r) => r.id === 'Expiration_EndUser_Assignment')!;
    expect(await rules(ROLE.helpdeskAdministrator)).toMatchObject({ maximumDuration: 'PT8H' });
    expect(await rules(ROLE.helpdeskAdministrator)).not.toHaveProperty('inheritedFrom');
    expect(await rules(ROLE.securityReader)).toMatchObject({ maximumDuration: 'PT4H', inheritedFrom: { isOrganizationDefault: true } });
  });

  it('removes assignments the file leaves out, and changes window-only differences in place', async () => {
    const edited = join(danaB.configDir, '..', 'edited.yaml');
    const end = iso(b.clock.now() + 14 * DAY);
    // Bob's active Global Reader now ends later; Carol's PIM for Groups eligibility is gone.
    const text = exported
      .replace(/( {4}bob@contoso\.test:\n {6}- role: Global Reader\n {8}scope: \/\n {8}type: active\n {8}end: )\S+/, `$1${end}`)
      .replace(/ {6}- group: Ops\n {8}access: member\n {8}type: eligible\n {8}end: \S+\n/, '');
    expect(text).not.toBe(exported);
    await writeFile(edited, text);
    const plan = await b.cli(danaB, ['config', 'plan', edited]);
    expect(plan.code, plan.stderr).toBe(9);
    expect(plan.stdout).toMatch(
      /^Assignments:\n {2}~ bob@contoso\.test: active Global Reader at \/\n {6}end: \S+ → \S+\n {2}- carol@contoso\.test: eligible member of group Ops, until \S+\nPlan: 0 to add, 1 to change, 1 to remove\.\n$/,
    );
    // As JSON: the plan, then each change as it was applied.
    const apply = await b.cli(danaB, ['config', 'apply', edited, '--yes', '--output', 'json']);
    expect(apply.code, apply.stderr).toBe(0);
    const report = JSON.parse(apply.stdout) as { outcome: string; applied: string[]; failures: string[]; changes: { section: string; action: string }[] };
    expect(report).toMatchObject({ outcome: 'applied', failures: [], summary: { add: 0, change: 1, remove: 1 } });
    expect(report.changes.map((c) => `${c.section} ${c.action}`)).toEqual(['assignments change', 'assignments remove']);
    expect(report.applied).toHaveLength(2);
    expect(report.applied[0]).toMatch(/^~ bob@contoso\.test: active Global Reader at \//);
    expect((await b.cli(danaB, ['config', 'plan', edited])).code).toBe(0);
    const requests = await b.api<{ value: { action: string }[] }>(
      b.adminToken,
      'GET',
      `${DIR}/roleAssignmentScheduleRequests?$filter=${encodeURIComponent("action eq 'adminUpdate'")}`,
    );
    expect(requests.value).toHaveLength(1);
    // And back.
    b.clock.advance(6 * MINUTE);
    const back = await b.cli(danaB, ['config', 'apply', file, '--yes']);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const after = await b.cli(danaB, ['config', 'plan', file]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });

  it('changes nothing when a check fails: an unknown principal, or a request the server would refuse', async () => {
    const bad = join(danaB.configDir, '..', 'bad.yaml');
    // The exported file, plus a new group, a changed rule, and `tail` in place of its (empty) service principals' assignments.
    const extra = (tail: string) => {
      const text = exported
        .replace(/\ngroups:\n/, '\ngroups:\n  Auditors:\n    isAssignableToRole: false\n    members: []\n')
        .replace(
          '      Expiration_EndUser_Assignment:\n        maximumDuration: PT2H\n',
          '      Expiration_EndUser_Assignment:\n        maximumDuration: PT1H\n',
        )
        .replace(/\n {2}servicePrincipals: \{\}\n$/, `\n${tail}`);
      expect(text).toMatch(/Auditors[^]*PT1H/);
      return text;
    };
    const groups = async () => (await b.api<{ value: { displayName: string }[] }>(b.adminToken, 'GET', '/v1.0/groups')).value.map((g) => g.displayName).sort();

    await writeFile(
      bad,
      extra(
        '  servicePrincipals:\n    Nobody:\n      - role: Reader\n        scope: /subscriptions/s1\n        type: active\n        permanent: true\n',
      ).replace(
        '    alice@contoso.test:\n',
        '    nobody@contoso.test:\n      - role: Reader\n        scope: /\n        type: eligible\n        permanent: true\n    alice@contoso.test:\n',
      ),
    );
    const unknown = await b.cli(danaB, ['config', 'apply', bad, '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("✗ assignments: nobody@contoso.test: no user 'nobody@contoso.test' (config does not create users)");
    expect(unknown.stdout).toContain("✗ assignments: service principal Nobody: no service principal named 'Nobody'");
    expect(unknown.stderr).toBe('openpim: nothing was changed: fix the errors above first\n');
    const unknownJson = await b.cli(danaB, ['config', 'apply', bad, '--yes', '--output', 'json']);
    expect(unknownJson.code).toBe(1);
    expect(JSON.parse(unknownJson.stdout)).toMatchObject({
      outcome: 'refused',
      applied: [],
      errors: expect.arrayContaining([expect.stringContaining('nobody@contoso.test')]),
    });
    expect((await b.cli(danaB, ['config', 'plan', bad])).code).toBe(1);

    // Readers is not role-assignable: the server refuses the request when it is validated, before anything changes.
    await writeFile(
      bad,
      extra('    Readers:\n      - role: Global Reader\n        scope: /\n        type: active\n        permanent: true\n  servicePrincipals: {}\n'),
    );
    const plan = await b.cli(danaB, ['config', 'plan', bad]);
    expect(plan.code, plan.stdout).toBe(9);
    const refused = await b.cli(danaB, ['config', 'apply', bad, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^openpim: ✗ group Readers: active Global Reader at \/, permanent: Group 'Readers' is not role-assignable.*\nopenpim: nothing was changed: 1 of the changes would fail\n$/,
    );
    expect(refused.stderr).not.toMatch(STACK);
    expect(await groups()).toEqual(['Ops', 'Readers']);

    // The tenant default's approval rule must name an approver (groups and resource roles inherit it), checked before anything changes.
    const withApproval = (text: string) =>
      text.replace(
        '\ntenantDefault:\n  rules:\n',
        '\ntenantDefault:\n  rules:\n    Approval_EndUser_Assignment:\n      setting:\n        isApprovalRequired: true\n',
      );
    await writeFile(bad, withApproval(extra('  servicePrincipals: {}\n')));
    expect(await readFile(bad, 'utf8')).toContain(
      '    Approval_EndUser_Assignment:\n      setting:\n        isApprovalRequired: true\n    Expiration_EndUser_Assignment:',
    );
    const approval = await b.cli(danaB, ['config', 'apply', bad, '--yes']);
    expect(approval.code).toBe(1);
    expect(approval.stderr).toBe(
      'openpim: ✗ policies: the tenant default: Approval_EndUser_Assignment: every stage needs at least one primary approver for this role.\nopenpim: nothing was changed: 1 of the changes would fail\n',
    );
    expect(await groups()).toEqual(['Ops', 'Readers']);
    expect((await b.cli(danaB, ['config', 'plan', file])).code).toBe(0);
  });

  it('refuses a file that is not a settings file, naming each mistake (exit 2)', async () => {
    const bad = join(danaB.configDir, '..', 'typo.yaml');
    await writeFile(
      bad,
      'version: 1\npolicies:\n  - role: Reader\n    rules:\n      Expiration_Admin_Eligibility:\n        maximumDuraton: P1D\nassignments:\n  users:\n    alice@contoso.test:\n      - role: Reader\n        type: eligble\n',
    );
    const run = await b.cli(danaB, ['config', 'plan', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`openpim: ${bad} is not a valid settings file:\n`);
    expect(run.stderr).toMatch(/policies\[0\]\.rules\.Expiration_Admin_Eligibility: .*maximumDuraton/);
    expect(run.stderr).toMatch(/assignments\.users\.alice@contoso\.test\[0\]\.type: /);
    expect((await b.cli(danaB, ['config', 'apply', bad])).code).toBe(2);
  });
});
