/**
 * SCIM PATCH (RFC 7644 §3.5.2) as pure functions from a resource's state and the operations to
 * its next state; the use case then stores the difference. Covers what IdPs send: `add`,
 * `replace` and `remove` with a simple path (`active`, `displayName`, `name.givenName`,
 * `emails[type eq "work"].value`, `members[value eq "id"]`) or none (the value is an object of
 * attributes). Op names compare case-insensitively and "True"/"False" strings count as booleans,
 * as Microsoft Entra sends them.
 */
import { DomainError } from '../errors.ts';

export interface PatchOperation {
  readonly op: string;
  readonly path?: string | undefined;
  readonly value?: unknown;
}

/** What SCIM manages of a user. */
export interface ScimUserState {
  readonly userName: string;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly email: string | null;
  readonly active: boolean;
  readonly externalId: string | null;
}

/** What SCIM manages of a group: members by id. */
export interface ScimGroupState {
  readonly displayName: string;
  readonly externalId: string | null;
  readonly members: readonly string[];
}

const bad = (detail: string, scimType: 'invalidValue' | 'invalidPath' | 'noTarget' | 'mutability' = 'invalidValue') =>
  new DomainError('Request_BadRequest', detail, { scimType });

function opName(op: PatchOperation): 'add' | 'replace' | 'remove' {
  const name = op.op.toLowerCase();
  if (name === 'add' || name === 'replace' || name === 'remove') return name;
  throw bad(`'${op.op}' is not a PATCH operation: use add, replace or remove.`);
}

export function scimBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw bad(`'${attribute}' must be a boolean.`);
}

function scimString(value: unknown, attribute: string, nullable: true): string | null;
function scimString(value: unknown, attribute: string, nullable: false): string;
function scimString(value: unknown, attribute: string, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value === 'string' && value.length <= 1024 && (nullable || value.trim() !== '')) return value;
  throw bad(`'${attribute}' must be a ${nullable ? '' : 'non-empty '}string of at most 1024 characters.`);
}

/** The primary (or first) email's value from a SCIM `emails` array. */
export function primaryEmail(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw bad("'emails' must be an array.");
  const entries = value as { value?: unknown; primary?: unknown }[];
  const chosen = entries.find((e) => e && (e.primary === true || e.primary === 'True' || e.primary === 'true')) ?? entries[0];
  return chosen === undefined ? null : scimString(chosen.value, 'emails.value', true);
}

/** Sets one user attribute named by a lower-cased path; `value` undefined means remove. */
function setUserAttribute(state: ScimUserState, path: string, value: unknown): ScimUserState {
  const removing = value === undefined;
  switch (path) {
    case 'username':
      if (removing) throw bad("'userName' is required and cannot be removed.", 'mutability');
      return { ...state, userName: scimString(value, 'userName', false) };
    case 'displayname':
      return { ...state, displayName: removing ? null : scimString(value, 'displayName', true) };
    case 'externalid':
      return { ...state, externalId: removing ? null : scimString(value, 'externalId', true) };
    case 'active':
      if (removing) throw bad("'active' cannot be removed: replace it with false.", 'mutability');
      return { ...state, active: scimBoolean(value, 'active') };
    case 'name.givenname':
      return { ...state, givenName: removing ? null : scimString(value, 'name.givenName', true) };
    case 'name.familyname':
      return { ...state, familyName: removing ? null : scimString(value, 'name.familyName', true) };
    case 'name.formatted':
      return state;
    case 'name': {
      if (removing) return { ...state, givenName: null, familyName: null };
      if (!value || typeof value !== 'object') throw bad("'name' must be an object.");
      let next = state;
      for (const [k, v] of Object.entries(value)) next = setUserAttribute(next, `name.${k.toLowerCase()}`, v);
      return next;
    }
    case 'emails':
      return { ...state, email: removing ? null : primaryEmail(value) };
    default:
      if (/^emails\[.*\]\.value$/.test(path)) return { ...state, email: removing ? null : scimString(value, 'emails.value', true) };
      // Attributes OpenPIM does not keep (title, phone numbers, the enterprise extension, …) are ignored, not refused:
      // an IdP sends whatever its mapping names, and refusing would stop its whole sync.
      if (/^[a-z][\w.:\-[\]" ]*$/.test(path)) return state;
      throw bad(`'${path}' is not a valid attribute path.`, 'invalidPath');
  }
}

export function applyUserPatch(state: ScimUserState, operations: readonly PatchOperation[]): ScimUserState {
  let next = state;
  for (const op of operations) {
    const name = opName(op);
    if (op.path === undefined || op.path === '') {
      if (name === 'remove') throw bad('A remove operation needs a path.', 'noTarget');
      if (!op.value || typeof op.value !== 'object' || Array.isArray(op.value)) throw bad('Without a path, the value must be an object of attributes.');
      for (const [k, v] of Object.entries(op.value)) next = setUserAttribute(next, k.toLowerCase(), v);
      continue;
    }
    next = setUserAttribute(next, op.path.toLowerCase(), name === 'remove' ? undefined : op.value);
  }
  return next;
}

/** Member ids from a SCIM `members` value: `[{ "value": "id" }, …]`. */
export function memberIds(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((m: { value?: unknown } | null) => {
    if (!m || typeof m.value !== 'string' || m.value === '' || m.value.length > 200)
      throw bad("Each member must be an object with a string 'value' (the member's id).");
    return m.value;
  });
}

const MEMBER_FILTER = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i;

export function applyGroupPatch(state: ScimGroupState, operations: readonly PatchOperation[]): ScimGroupState {
  let next = state;
  const withMembers = (members: Iterable<string>) => ({ ...next, members: [...new Set(members)] });
  for (const op of operations) {
    const name = opName(op);
    const path = op.path?.trim() ?? '';
    const lower = path.toLowerCase();
    if (path === '') {
      if (name === 'remove') throw bad('A remove operation needs a path.', 'noTarget');
      if (!op.value || typeof op.value !== 'object' || Array.isArray(op.value)) throw bad('Without a path, the value must be an object of attributes.');
      for (const [k, v] of Object.entries(op.value)) next = applyGroupPatch(next, [{ op: name, path: k, value: v }]);
    } else if (lower === 'displayname') {
      if (name === 'remove') throw bad("'displayName' is required and cannot be removed.", 'mutability');
      next = { ...next, displayName: scimString(op.value, 'displayName', false) };
    } else if (lower === 'externalid') {
      next = { ...next, externalId: name === 'remove' ? null : scimString(op.value, 'externalId', true) };
    } else if (lower === 'members') {
      if (name === 'add') next = withMembers([...next.members, ...memberIds(op.value)]);
      else if (name === 'replace') next = withMembers(memberIds(op.value));
      else if (op.value === undefined) next = withMembers([]);
      else {
        const gone = new Set(memberIds(op.value));
        next = withMembers(next.members.filter((m) => !gone.has(m)));
      }
    } else if (MEMBER_FILTER.test(path)) {
      if (name !== 'remove') throw bad(`Use remove with '${path}', or add members with the path 'members'.`, 'invalidPath');
      const id = JSON.parse(`"${MEMBER_FILTER.exec(path)![1]!}"`) as string;
      next = withMembers(next.members.filter((m) => m !== id));
    } else {
      throw bad(`'${path}' is not a group attribute OpenPIM manages.`, 'invalidPath');
    }
  }
  return next;
}
