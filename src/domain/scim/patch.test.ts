import { describe, expect, it } from 'vitest';
import { applyGroupPatch, applyUserPatch, type ScimUserState } from './patch.ts';

const ada: ScimUserState = { userName: 'ada@contoso.test', displayName: 'Ada', givenName: null, familyName: null, email: null, active: true, externalId: null };

describe('applyUserPatch', () => {
  it('reads Entra-style operations (capitalised op, "False" strings, emails filter path)', () => {
    expect(
      applyUserPatch(ada, [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'ada@mail.test' },
        { op: 'Replace', path: 'name.givenName', value: 'Ada' },
      ]),
    ).toEqual({ ...ada, active: false, email: 'ada@mail.test', givenName: 'Ada' });
  });

  it('reads Okta-style operations (no path, an object of attributes)', () => {
    expect(applyUserPatch(ada, [{ op: 'replace', value: { active: false, displayName: 'Ada L.', name: { familyName: 'Lovelace' } } }])).toEqual({
      ...ada,
      active: false,
      displayName: 'Ada L.',
      familyName: 'Lovelace',
    });
  });

  it('ignores attributes it does not keep and refuses what cannot be', () => {
    expect(applyUserPatch(ada, [{ op: 'replace', path: 'title', value: 'Engineer' }])).toEqual(ada);
    expect(() => applyUserPatch(ada, [{ op: 'remove', path: 'userName' }])).toThrow(expect.objectContaining({ details: { scimType: 'mutability' } }));
    expect(() => applyUserPatch(ada, [{ op: 'replace', path: 'active', value: 'maybe' }])).toThrow(
      expect.objectContaining({ details: { scimType: 'invalidValue' } }),
    );
    expect(() => applyUserPatch(ada, [{ op: 'move', path: 'active', value: true }])).toThrow(/not a PATCH operation/);
  });
});

describe('applyGroupPatch', () => {
  const ops = { displayName: 'Ops', externalId: null, members: ['a', 'b'] };
  it('adds, removes by filter or by value, and replaces members', () => {
    expect(applyGroupPatch(ops, [{ op: 'Add', path: 'members', value: [{ value: 'c' }, { value: 'a' }] }]).members).toEqual(['a', 'b', 'c']);
    expect(applyGroupPatch(ops, [{ op: 'Remove', path: 'members[value eq "a"]' }]).members).toEqual(['b']);
    expect(applyGroupPatch(ops, [{ op: 'remove', path: 'members', value: [{ value: 'b' }] }]).members).toEqual(['a']);
    expect(applyGroupPatch(ops, [{ op: 'replace', path: 'members', value: [{ value: 'z' }] }]).members).toEqual(['z']);
    expect(applyGroupPatch(ops, [{ op: 'replace', value: { displayName: 'Ops 2' } }]).displayName).toBe('Ops 2');
  });

  it('refuses paths it does not manage', () => {
    expect(() => applyGroupPatch(ops, [{ op: 'add', path: 'owners', value: [] }])).toThrow(expect.objectContaining({ details: { scimType: 'invalidPath' } }));
  });
});
