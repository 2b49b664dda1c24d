import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/errors.ts';
import { applySelect, assertSelectable } from './select.ts';

const item = {
  '@odata.type': '#microsoft.graph.unifiedRoleEligibilitySchedule',
  id: 'e1',
  principalId: 'p1',
  roleDefinitionId: 'r1',
  status: 'Provisioned',
  memberType: 'Direct',
};

describe('applySelect', () => {
  it('returns the item unchanged without $select', () => {
    expect(applySelect(item)).toBe(item);
  });

  it('keeps the selected properties plus id and annotations, in item order', () => {
    const selected = applySelect(item, ['status', 'principalId']);
    expect(selected).toEqual({
      '@odata.type': item['@odata.type'],
      id: 'e1',
      principalId: 'p1',
      status: 'Provisioned',
    });
    expect(Object.keys(selected)).toEqual(['@odata.type', 'id', 'principalId', 'status']);
  });

  it('matches names case-insensitively and keeps the item spelling', () => {
    expect(applySelect(item, ['ROLEDEFINITIONID'])).toEqual({ '@odata.type': item['@odata.type'], id: 'e1', roleDefinitionId: 'r1' });
  });

  it('keeps null values of selected properties', () => {
    expect(applySelect({ id: 'x', endDateTime: null, status: 'a' }, ['endDateTime'])).toEqual({ id: 'x', endDateTime: null });
  });

  it('refuses unknown names with Request_BadRequest', () => {
    expect(() => applySelect(item, ['status', 'password'])).toThrow(DomainError);
    try {
      applySelect(item, ['password']);
    } catch (error) {
      expect((error as DomainError).code).toBe('Request_BadRequest');
      expect((error as DomainError).message).toContain("'password'");
    }
  });

  it('accepts names from known that the item omits', () => {
    expect(applySelect({ id: 'x' }, ['justification'], ['id', 'justification'])).toEqual({ id: 'x' });
    expect(() => applySelect({ id: 'x' }, ['secret'], ['id', 'justification'])).toThrow(DomainError);
  });
});

describe('assertSelectable', () => {
  it('validates names without an item (empty lists)', () => {
    expect(() => assertSelectable(['id', 'Status'], ['id', 'status'])).not.toThrow();
    expect(() => assertSelectable(['nope'], ['id', 'status'])).toThrow(/'nope'/);
  });
});
