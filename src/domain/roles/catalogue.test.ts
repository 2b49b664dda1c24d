import { describe, expect, it } from 'vitest';
import { actionMatches, BUILT_IN_ROLES, ROLE, roleAllows } from './catalogue.ts';

describe('built-in role catalogue', () => {
  it('has the 13 directory and 4 resource roles with unique ids and names', () => {
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'directory')).toHaveLength(13);
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'resource')).toHaveLength(4);
    expect(BUILT_IN_ROLES.filter((r) => r.kind === 'group').map((r) => r.id)).toEqual(['member', 'owner']);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.id)).size).toBe(19);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.displayName)).size).toBe(19);
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
