import { describe, expect, it } from 'vitest';
import { actionMatches, BUILT_IN_ROLES, ROLE, roleAllows } from './catalogue.ts';

describe('built-in role catalogue', () => {
  it("has Entra's 123 directory roles, Audit Log Reader, 4 resource roles and the 2 group roles, with unique ids and names", () => {
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'directory')).toHaveLength(124);
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'resource')).toHaveLength(4);
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'group').map((r) => r.id)).toEqual(['member', 'owner']);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.id)).size).toBe(130);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.displayName)).size).toBe(130);
    for (const r of BUILT_IN_ROLES) expect(r.id).toMatch(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|member|owner)$/);
  });
  it('keeps the OpenPIM permissions of the roles it had, and gives the other Entra roles none', () => {
    expect(BUILT_IN_ROLES.find((r) => r.id === ROLE.globalAdministrator)?.allowedActions).toEqual(['*']);
    const exchange = BUILT_IN_ROLES.find((r) => r.displayName === 'Exchange Administrator')!;
    expect(exchange).toMatchObject({ id: '29232cdf-9323-42fd-ade2-1d097af3e4de', kind: 'directory', isPrivileged: false, allowedActions: [] });
    expect(BUILT_IN_ROLES.find((r) => r.displayName === 'Security Operator')).toMatchObject({ id: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', isPrivileged: true });
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'directory' && r.isPrivileged)).toHaveLength(29);
  });
  it("uses Entra's template ids", () => {
    expect(ROLE.globalAdministrator).toBe('62e90394-69f5-4237-9190-012177145e10');
    expect(ROLE.privilegedRoleAdministrator).toBe('e8611ab8-c189-46e8-94e1-60213ab1f814');
    expect(BUILT_IN_ROLES.find((r) => r.displayName === 'Security Reader')?.id).toBe('5d6b6bb7-de71-4623-b4af-96380a352509');
  });
});

describe('actions', () => {
  it.each([
    ['*', 'openpim.directory/users/create', true],
    ['openpim.directory/*/read', 'openpim.directory/users/read', true],
    ['openpim.directory/*/read', 'openpim.directory/users/create', false],
    ['openpim.directory/users/*', 'openpim.directory/users/password/update', false],
    ['openpim.directory/users/*/*', 'openpim.directory/users/password/update', true],
    ['openpim.directory/Users/Read', 'openpim.directory/users/read', true],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
  it('excluded actions win', () => {
    const contributor = BUILT_IN_ROLES.find((r) => r.id === ROLE.contributor)!;
    expect(roleAllows(contributor, 'openpim.resources/databases/write')).toBe(true);
    expect(roleAllows(contributor, 'openpim.resources/roleAssignments/write')).toBe(false);
  });
});
