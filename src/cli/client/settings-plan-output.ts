/** How a plan (settings-plan.ts) is shown: lines for people, and JSON for `--output json`. */
import { principalLabel, targetLabel, type AssignmentSetting, type PolicyTarget, type TenantDefault } from './settings-model.ts';
import type { Change, Plan, RuleChange } from './settings-changes.ts';
import { SECTIONS, windowOf, type Section } from './settings-plan.ts';

const SYMBOL = { add: '+', remove: '-', change: '~' } as const;
const TITLE: Record<Section, string> = {
  administrativeUnits: 'Administrative units',
  scopes: 'Resource scopes',
  groups: 'Groups',
  policies: 'Policies (role settings)',
  assignments: 'Assignments',
};

const show = (v: unknown): string => (v === null || v === undefined ? 'null' : typeof v === 'string' ? v : JSON.stringify(v));

const assignmentLine = (a: AssignmentSetting): string =>
  `${principalLabel(a.principal)}: ${a.type} ${a.target.kind === 'role' ? targetLabel(a.target) : `${a.target.access} of group ${a.target.group}`}`;

/**
 * The lines of one rule of a policy change: `Rule.field: old → new` for a rule set both sides;
 * `+ Rule: set here, no longer inherited from …` and `- Rule: inherit from …`, each with how the
 * rule in force changes.
 */
function ruleLines(r: RuleChange): string[] {
  if (r.action === 'change') return r.fields.map((f) => `    ${r.id}.${f.field}: ${show(f.old)} → ${show(f.new)}`);
  const head = r.action === 'set' ? `    + ${r.id}: set here, no longer inherited from ${r.inheritedFrom}` : `    - ${r.id}: inherit from ${r.inheritedFrom}`;
  if (r.fields.length === 0) return [`${head} (the same rule)`];
  return [head, ...r.fields.map((f) => `        ${f.field}: ${show(f.old)} → ${show(f.new)}`)];
}

/** One line (and its field lines) of the text plan. */
export function describeChange(c: Change): string[] {
  const head = `${SYMBOL[c.action]} `;
  switch (c.section) {
    case 'administrativeUnits':
      return [`${head}${c.name}`];
    case 'scopes':
      return [`${head}${c.scope.path}${c.scope.displayName ? ` (${c.scope.displayName})` : ''}${c.scope.parent ? `, parent ${c.scope.parent}` : ''}`];
    case 'groups':
      if ('member' in c) return [`${head}${c.group.name}: member ${principalLabel(c.member)}`];
      return [`${head}${c.group.name}${c.group.isAssignableToRole ? ' (role-assignable)' : ''}${c.group.description ? `: ${c.group.description}` : ''}`];
    case 'policies':
      return [`${head}${targetLabel(c.target)}${c.action === 'add' ? ' (a new policy for this scope)' : ''}`, ...c.rules.flatMap(ruleLines)];
    case 'assignments':
      if (c.action === 'change') return [`${head}${assignmentLine(c.assignment)}`, ...c.fields.map((f) => `    ${f.field}: ${show(f.old)} → ${show(f.new)}`)];
      return [`${head}${assignmentLine(c.assignment)}, ${windowOf(c.assignment)}`];
  }
}

export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}
export const countsOf = (plan: Plan): PlanCounts => ({
  add: plan.changes.filter((c) => c.action === 'add').length,
  change: plan.changes.filter((c) => c.action === 'change').length,
  remove: plan.changes.filter((c) => c.action === 'remove').length,
});

/** The plan for people: changes by section, then warnings and errors, then a count. */
export function planText(plan: Plan, file: string, server: string): string {
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const changes = plan.changes.filter((c) => c.section === section);
    if (changes.length === 0) continue;
    lines.push(`${TITLE[section]}:`);
    for (const c of changes) lines.push(...describeChange(c).map((l) => `  ${l}`));
  }
  if (plan.warnings.length > 0) lines.push('Not reconciled:', ...plan.warnings.map((w) => `  ! ${w}`));
  if (plan.errors.length > 0) lines.push('Errors (nothing can be applied until they are fixed):', ...plan.errors.map((e) => `  ✗ ${e}`));
  const n = countsOf(plan);
  lines.push(plan.changes.length === 0 ? `No changes: ${server} matches ${file}.` : `Plan: ${n.add} to add, ${n.change} to change, ${n.remove} to remove.`);
  return `${lines.join('\n')}\n`;
}

const targetJson = (t: PolicyTarget | TenantDefault) =>
  t.kind === 'tenantDefault'
    ? { tenantDefault: true }
    : t.kind === 'role'
      ? { role: t.role, ...('path' in t.scope ? { scope: t.scope.path } : { administrativeUnit: t.scope.administrativeUnit }) }
      : t.kind === 'group'
        ? { group: t.group, access: t.access }
        : { access: t.access, scope: '/' };

/**
 * `--output json`: `{server, file, changes: [{section, action, …}], warnings, errors, summary}`
 * (docs/guide.md); a policy change has `fields` (`Rule.field`, old, new: how the rules in force
 * change) and `rules` (`{rule, action: set|change|inherit, inheritedFrom}`).
 */
export function planJson(plan: Plan, file: string, server: string): unknown {
  const changes = plan.changes.map((c) => {
    const base = { section: c.section, action: c.action };
    switch (c.section) {
      case 'administrativeUnits':
        return { ...base, displayName: c.name };
      case 'scopes':
        return { ...base, scope: c.scope.path, displayName: c.scope.displayName, parent: c.scope.parent };
      case 'groups':
        return 'member' in c
          ? { ...base, group: c.group.name, member: { type: c.member.type, name: c.member.name } }
          : { ...base, group: c.group.name, description: c.group.description, isAssignableToRole: c.group.isAssignableToRole };
      case 'policies':
        return {
          ...base,
          ...targetJson(c.target),
          fields: c.rules.flatMap((r) => r.fields.map((f) => ({ ...f, field: `${r.id}.${f.field}` }))),
          rules: c.rules.map((r) => ({ rule: r.id, action: r.action, inheritedFrom: r.inheritedFrom })),
        };
      case 'assignments':
        return {
          ...base,
          principal: c.assignment.principal,
          ...targetJson(c.assignment.target),
          type: c.assignment.type,
          start: c.assignment.start,
          end: c.assignment.end,
          duration: c.assignment.duration,
          fields: c.fields,
        };
    }
  });
  return { server, file, changes, warnings: plan.warnings, errors: plan.errors, summary: countsOf(plan) };
}
