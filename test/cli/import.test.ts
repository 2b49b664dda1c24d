/**
 * `openpim import` against live servers: server A's PIM configuration (a changed tenant default,
 * rules set on three roles and on a group's member access while other roles inherit, eligible and
 * active assignments of users and a group, PIM for Groups member and owner access, groups with
 * members) is read over standard Graph v1.0 with A's admin token into a settings file; `config
 * apply` of that file on an empty server B with the same users makes B's exported tenant default,
 * policies, assignments and groups those of A. Then, against a tiny Graph stand-in with no tenant
 * default (as Microsoft Entra): each role's rules that differ from the built-in defaults are
 * imported, what cannot be mapped is reported and left out, and throttling is retried.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFromGraph } from '../../src/cli/client/graph-import.ts';
import { GraphReader } from '../../src/cli/client/graph-reader.ts';
import { renderSettings } from '../../src/cli/client/settings-file.ts';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { DAY } from '../../src/domain/time.ts';
import { DIR, STACK, type Harness, type TestUser } from './cli-harness.ts';
import { commonState, EXPIRATION, GROUPS_PIM, twoServers, type Side } from './settings-fixtures.ts';

let a: Harness;
let b: Harness;
let danaA: TestUser;
let danaB: TestUser;

async function buildState(h: Harness, users: Side['users']): Promise<void> {
  const { alice, bob, carol } = users;
  const { now, ops, readers, assign, until } = await commonState(h, users);
  await assign(`${DIR}/roleEligibilityScheduleRequests`, { principalId: alice.id, roleDefinitionId: ROLE.userAdministrator, directoryScopeId: '/' });
  await assign(`${DIR}/roleEligibilityScheduleRequests`, { principalId: alice.id, roleDefinitionId: ROLE.securityReader, directoryScopeId: '/' }, until(30));
  await assign(`${DIR}/roleAssignmentScheduleRequests`, { principalId: bob.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' }, until(7));
  await assign(
    `${DIR}/roleEligibilityScheduleRequests`,
    { principalId: carol.id, roleDefinitionId: ROLE.globalReader, directoryScopeId: '/' },
    until(10),
    now + 2 * DAY,
  );
  await assign(`${DIR}/roleAssignmentScheduleRequests`, { principalId: ops.id, roleDefinitionId: ROLE.helpdeskAdministrator, directoryScopeId: '/' });
  await assign(`${GROUPS_PIM}/eligibilityScheduleRequests`, { principalId: carol.id, groupId: ops.id, accessId: 'member' }, until(20));
  await assign(`${GROUPS_PIM}/eligibilityScheduleRequests`, { principalId: alice.id, groupId: readers.id, accessId: 'owner' });
  await assign(`${GROUPS_PIM}/assignmentScheduleRequests`, { principalId: bob.id, groupId: readers.id, accessId: 'owner' });
}

beforeAll(async () => {
  const [sideA, sideB] = await twoServers('import-a', 'import-b');
  [a, b, danaA, danaB] = [sideA.h, sideB.h, sideA.dana, sideB.dana];
  await buildState(a, sideA.users);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const sections = (text: string) => {
  const doc = parse(text) as Record<string, unknown>;
  return { tenantDefault: doc.tenantDefault, policies: doc.policies, assignments: doc.assignments, groups: doc.groups };
};

describe('openpim import', { timeout: 60_000 }, () => {
  it("imports another server's PIM configuration over Graph, which config apply reproduces on an empty server", async () => {
    const file = join(danaB.configDir, '..', 'imported.yaml');
    const run = await b.cli(danaB, ['import', '--from', a.server.url, '--token', a.adminToken, '--output', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^openpim: wrote .*imported\.yaml: \d+ policies, \d+ assignments, 2 groups\n$/);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(new RegExp(`^# OpenPIM settings imported from ${a.server.url.replace(/[.]/g, '\\.')} at \\S+Z \\(openpim \\S+\\)\\.\n`));
    expect(text).not.toMatch(/Not imported/);
    // The tenant default, and of each policy only the rules it sets: Helpdesk Administrator's is the built-in default, Security Reader inherits its maximum.
    expect(text).toContain(['tenantDefault:', '  rules:', '    Expiration_EndUser_Assignment:', '      maximumDuration: PT4H', 'policies:', ''].join('\n'));
    expect(text).toContain(['  - role: Helpdesk Administrator', '    scope: /', '    rules:', '      Expiration_EndUser_Assignment: {}', '  - '].join('\n'));
    expect(text).toMatch(
      /\n {2}- role: Security Reader\n {4}scope: \/\n {4}rules:\n {6}Approval_EndUser_Assignment:\n(?: {8}.*\n)+ {2}- role: User Administrator\n/,
    );
    // Approvers by name, a group's own settings, PIM for Groups, a start still to come.
    expect(text).toMatch(/primaryApprovers:\n\s+- user: carol@contoso\.test\n\s+- group: Ops\n/);
    expect(text).toContain(
      ['  - group: Ops', '    access: member', '    rules:', '      Expiration_EndUser_Assignment:', '        maximumDuration: PT4H'].join('\n'),
    );
    expect(text).toContain(['      - group: Readers', '        access: owner', '        type: active', '        permanent: true'].join('\n'));
    expect(text).toMatch(/ {6}- role: Global Reader\n {8}scope: \/\n {8}type: eligible\n {8}start: \S+\n {8}end: \S+\n/);
    expect(text).toMatch(
      /\ngroups:\n {2}Ops:\n {4}description: On-call operators\n {4}isAssignableToRole: true\n {4}members:\n {6}- alice@contoso\.test\n {6}- bob@contoso\.test\n {2}Readers:\n/,
    );

    const plan = await b.cli(danaB, ['config', 'plan', file]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(9);
    const applied = await b.cli(danaB, ['config', 'apply', file, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code, applied.stdout).toBe(0);

    const [fromA, fromB] = await Promise.all([a.cli(danaA, ['config', 'export']), b.cli(danaB, ['config', 'export'])]);
    expect(fromA.code, fromA.stderr).toBe(0);
    expect(fromB.code, fromB.stderr).toBe(0);
    const want = sections(fromA.stdout);
    expect(want.tenantDefault).toEqual({ rules: { Expiration_EndUser_Assignment: { maximumDuration: 'PT4H' } } });
    expect(want.policies).toHaveLength(4);
    expect(Object.keys(want.assignments as object)).toEqual(['users', 'groups', 'servicePrincipals']);
    expect(sections(fromB.stdout)).toEqual(want);
    // Once applied, the imported file and the server agree.
    expect((await b.cli(danaB, ['config', 'plan', file])).code).toBe(0);
  });

  it('refuses to run without a token (exit 2), and names an endpoint that refuses it', async () => {
    const none = await b.cli(danaB, ['import', '--from', a.server.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--token/);
    const refused = await b.cli(danaB, ['import', '--from', a.server.url, '--token', 'not-a-token']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^openpim: GET \/v1\.0\/roleManagement\/directory\/roleDefinitions on /);
    expect(refused.stderr).not.toMatch(STACK);
  });
});

describe('openpim import: what it cannot map', () => {
  let graph: Server;
  let url: string;
  let throttled = 0;
  const user = { '@odata.type': '#microsoft.graph.user', id: 'u1', displayName: 'Alice', userPrincipalName: 'alice@contoso.test' };
  const device = { '@odata.type': '#microsoft.graph.device', id: 'd1', displayName: 'Kiosk' };
  const schedule = (id: string, principal: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id,
    principalId: principal.id,
    principal,
    roleDefinitionId: 'r1',
    directoryScopeId: '/',
    appScopeId: null,
    memberType: 'Direct',
    scheduleInfo: { startDateTime: '2020-01-01T00:00:00Z', expiration: { type: 'noExpiration', endDateTime: null } },
    ...extra,
  });
  const routes: Record<string, unknown> = {
    '/v1.0/roleManagement/directory/roleDefinitions': { value: [{ id: 'r1', displayName: 'Reader' }] },
    '/v1.0/policies/roleManagementPolicyAssignments': {
      value: [
        {
          roleDefinitionId: 'r1',
          scopeId: '/',
          scopeType: 'DirectoryRole',
          policy: {
            id: 'p1',
            rules: [
              {
                '@odata.type': EXPIRATION,
                id: 'Expiration_EndUser_Assignment',
                isExpirationRequired: true,
                maximumDuration: 'PT3H',
                target: { caller: 'EndUser', operations: ['All'], level: 'Assignment', inheritableSettings: [], enforcedSettings: [] },
              },
              // As OpenPIM's built-in default: the tenant default (the built-in defaults) gives it.
              {
                '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
                id: 'Enablement_Admin_Eligibility',
                enabledRules: [],
                target: { caller: 'Admin', operations: ['All'], level: 'Eligibility', inheritableSettings: [], enforcedSettings: [] },
              },
              { '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyFutureRule', id: 'Future_EndUser_Assignment' },
            ],
          },
        },
      ],
    },
    '/v1.0/roleManagement/directory/roleEligibilitySchedules': {
      value: [schedule('e1', user), schedule('e2', device), schedule('e3', user, { directoryScopeId: '/', appScopeId: '/app1' })],
      '@odata.nextLink': '/v1.0/roleManagement/directory/roleEligibilitySchedules?page=2',
    },
    '/v1.0/roleManagement/directory/roleEligibilitySchedules?page=2': { value: [schedule('e4', user, { directoryScopeId: '/subscriptions/s1' })] },
    '/v1.0/roleManagement/directory/roleAssignmentSchedules': { value: [schedule('a1', user, { assignmentType: 'Activated' })] },
    [`${GROUPS_PIM}/eligibilitySchedules`]: { value: [] },
    [`${GROUPS_PIM}/assignmentSchedules`]: { value: [] },
  };

  beforeAll(async () => {
    graph = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname.endsWith('/roleDefinitions') && throttled++ === 0) {
        res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'slow down' } }));
        return;
      }
      const body = routes[u.searchParams.get('page') ? `${u.pathname}?page=${u.searchParams.get('page')}` : u.pathname];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: { code: 'NotFound', message: 'no' } }));
    });
    await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => graph.close(() => resolve())));

  it('lists unknown rules, principals, app scopes and directory scopes, leaves them out, and retries when throttled', async () => {
    const waits: number[] = [];
    const { settings, unmapped } = await importFromGraph(new GraphReader(`${url}/v1.0/`, 't', { sleep: async (ms) => void waits.push(ms) }));
    expect(waits).toEqual([0]);
    expect(unmapped).toEqual([
      'role settings of Reader: rule Future_EndUser_Assignment (#microsoft.graph.unifiedRoleManagementPolicyFutureRule), which OpenPIM does not have',
      'principal Kiosk (d1): a device, which OpenPIM cannot name',
      'eligible assignment e3 (Reader for alice@contoso.test): app-scoped (appScopeId /app1), which OpenPIM does not have',
      'eligible assignment e4 (Reader for alice@contoso.test): directory scope /subscriptions/s1, which is neither / nor an administrative unit',
    ]);
    // Only what maps: the one rule, Alice's eligibility at / (the activation is not configuration).
    expect(settings.assignments).toEqual([
      {
        principal: { type: 'user', name: 'alice@contoso.test' },
        target: { kind: 'role', role: 'Reader', scope: { path: '/' } },
        type: 'eligible',
        start: null,
        end: null,
        duration: null,
      },
    ]);
    const text = renderSettings(settings, ['imported']);
    expect(parse(text).tenantDefault).toEqual({ rules: {} });
    const policies = parse(text).policies as { role: string; rules: Record<string, Record<string, unknown>> }[];
    expect(policies).toHaveLength(1);
    expect(policies[0]!.role).toBe('Reader');
    expect(Object.keys(policies[0]!.rules)).toEqual(['Expiration_EndUser_Assignment']);
    expect(policies[0]!.rules.Expiration_EndUser_Assignment!.maximumDuration).toBe('PT3H');
  });
});
