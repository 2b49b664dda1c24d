/**
 * The decision index's roles: numbered, compiled once. Per action (bounded cache, cleared on any
 * role change) a byte per role caches the decision: 0 unknown, 1 allow, 2 deny.
 */
import type { RoleDefinition } from '../domain/model.ts';
import { type ActionMatcher, compileRole, DENY_ALL, splitAction } from './actions.ts';

/** Bounds on cached action rows (cleared when full: requested actions are caller-controlled). */
const ACTION_CACHE_LIMIT = 4096;
const ACTION_CACHE_MAX_LENGTH = 512;

export class RoleEntry {
  id: string;
  idx: number;
  def: RoleDefinition | null = null;
  allows: ActionMatcher = DENY_ALL;
  constructor(id: string, idx: number) {
    this.id = id;
    this.idx = idx;
  }
}

/** Per action: its segments and one cached decision byte per role number. */
export interface ActionRow {
  readonly segments: readonly string[];
  readonly decisions: Uint8Array;
}

/** Does role number `roleIdx` allow the row's action? Caches the answer in the row. */
export function allows(row: ActionRow, roleList: readonly RoleEntry[], roleIdx: number): boolean {
  const d = row.decisions[roleIdx];
  if (d === 1) return true;
  if (d === 2) return false;
  const ok = roleList[roleIdx]!.allows(row.segments);
  if (roleIdx < row.decisions.length) row.decisions[roleIdx] = ok ? 1 : 2;
  return ok;
}

export class RoleTable {
  private byId = new Map<string, RoleEntry>();
  /** By role number; only grows until `reset` (a new array then). */
  list: RoleEntry[] = [];
  private actionRows = new Map<string, ActionRow>();
  private rowWidth = 64;

  get size(): number {
    return this.byId.size;
  }

  reset(): void {
    this.byId = new Map();
    this.list = [];
    this.actionRows = new Map();
    this.rowWidth = 64;
  }

  /** The entry for role `id`, numbering it if new (an unknown role allows nothing). */
  role(id: string): RoleEntry {
    let entry = this.byId.get(id);
    if (entry === undefined) {
      entry = new RoleEntry(id, this.list.length);
      this.byId.set(id, entry);
      this.list.push(entry);
      if (this.list.length > this.rowWidth) {
        this.rowWidth *= 2;
        this.actionRows.clear();
      }
    }
    return entry;
  }

  /** Adds or replaces a role definition. Grants refer to it by number, so they see the change at once. */
  put(role: RoleDefinition): void {
    const entry = this.role(role.id);
    entry.def = role;
    entry.allows = compileRole(role);
    this.actionRows.clear();
  }

  /**
   * Forgets role `id`'s definition: its entry becomes what a role the index has never seen is — it
   * allows nothing and names no role — and keeps its number, so a grant still naming it (none
   * should: a role in use is not deleted) allows nothing, and a `put` of the same id would bring it back.
   */
  remove(id: string): void {
    const entry = this.byId.get(id);
    if (entry === undefined) return;
    entry.def = null;
    entry.allows = DENY_ALL;
    this.actionRows.clear();
  }

  /** The cached decision row for `action` (a fresh, unkept one for an overlong action). */
  actionRow(action: string): ActionRow {
    let row = this.actionRows.get(action);
    if (row === undefined) {
      row = { segments: splitAction(action), decisions: new Uint8Array(this.rowWidth) };
      if (action.length > ACTION_CACHE_MAX_LENGTH) return row; // answered, not kept
      if (this.actionRows.size >= ACTION_CACHE_LIMIT) this.actionRows.clear();
      this.actionRows.set(action, row);
    }
    return row;
  }
}
