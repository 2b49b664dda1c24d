import { describe, expect, it } from 'vitest';
import type { FilterExpr } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';
import { splitTargetConditions, TARGET_ID } from './audit-targets.ts';

const target = (value: string | number): FilterExpr => ({ op: 'eq', field: TARGET_ID, value });
const success: FilterExpr = { op: 'eq', field: 'result', value: 'success' };
const and = (left: FilterExpr, right: FilterExpr): FilterExpr => ({ op: 'and', left, right });

const codeOf = (filter: FilterExpr): string => {
  try {
    splitTargetConditions(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).code;
  }
  throw new Error('accepted');
};

describe('splitTargetConditions', () => {
  it('leaves a filter without target conditions alone', () => {
    expect(splitTargetConditions(undefined)).toEqual({ targetIds: [], rest: undefined });
    expect(splitTargetConditions(success)).toEqual({ targetIds: [], rest: success });
  });

  it('takes out every target condition ANDed in, at any depth, keeping the rest', () => {
    expect(splitTargetConditions(target('u1'))).toEqual({ targetIds: ['u1'], rest: undefined });
    expect(splitTargetConditions(and(target('u1'), success))).toEqual({ targetIds: ['u1'], rest: success });
    const activity: FilterExpr = { op: 'eq', field: 'activityDisplayName', value: 'Add user' };
    expect(splitTargetConditions(and(and(success, target('u1')), and(target('r1'), activity)))).toEqual({
      targetIds: ['u1', 'r1'],
      rest: and(success, activity),
    });
  });

  it('refuses a target condition under or / not, with another operator, or with a non-string', () => {
    expect(codeOf({ op: 'or', left: target('u1'), right: success })).toBe('Request_UnsupportedQuery');
    expect(codeOf({ op: 'not', expr: target('u1') })).toBe('Request_UnsupportedQuery');
    expect(codeOf({ op: 'ne', field: TARGET_ID, value: 'u1' })).toBe('Request_UnsupportedQuery');
    expect(codeOf({ op: 'in', field: TARGET_ID, values: ['u1'] })).toBe('Request_UnsupportedQuery');
    expect(codeOf(and(success, { op: 'or', left: success, right: target('u1') }))).toBe('Request_UnsupportedQuery');
    expect(codeOf(target(3))).toBe('Request_BadRequest');
  });
});
