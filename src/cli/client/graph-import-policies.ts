/**
 * The role settings `openpim import` reads (graph-import.ts). From another OpenPIM — an endpoint
 * whose `roleManagementPolicies` hold a tenant default (`isOrganizationDefault`) — the tenant
 * default, and of each policy the rules it sets itself, as `config export` writes them. From
 * Microsoft Entra, whose policies hold all their rules and inherit none, each policy's rules that
 * differ from OpenPIM's built-in defaults, over a tenant default of the built-in defaults: the same
 * rules in force. Rules OpenPIM does not have, and approvers it cannot name, are reported and left
 * out.
 */
import { RULE_IDS, kindOfRule, type RuleId } from '../../domain/policy/rules.ts';
import { CliError, EXIT } from './cli-error.ts';
import type { GraphReader } from './graph-reader.ts';
import type { OwnRules, Rules } from './settings-model.ts';
import { defaultRules, portableRule, ruleOverrides, RULE_TYPE } from './settings-rules.ts';

export interface GraphRule extends Record<string, unknown> {
  id: string;
  '@odata.type'?: string;
  /** OpenPIM: the rule is not the policy's own but inherited from this policy. */
  inheritedFrom?: { policyId?: string; isOrganizationDefault?: boolean } | null;
}
export interface GraphPolicy {
  id: string;
  isOrganizationDefault?: boolean | null;
  rules?: GraphRule[];
}

/** What naming approvers takes: looking principals up, and a place to report what cannot be named. */
export interface ApproverLookup {
  readonly graph: GraphReader;
  readonly unmapped: Set<string>;
  userName(id: string): Promise<string | null>;
  groupName(id: string): Promise<string | null>;
}

export interface PolicyImport {
  /** The tenant default's 17 rules, whole. */
  readonly tenantDefault: Rules;
  /** The rules the file should list for a policy (`label` names it in reports). */
  ownRules(policy: GraphPolicy | undefined, label: string): Promise<OwnRules>;
}

const APPROVER_TYPES = new Set(['#microsoft.graph.singleUser', '#microsoft.graph.groupMembers', '#microsoft.graph.requestorManager']);

/** The source's tenant default, or null when it has none: Microsoft Entra refuses the filter, or lists no such policy. */
async function tenantDefaultOf(graph: GraphReader): Promise<GraphPolicy | null> {
  try {
    const found = await graph.list<GraphPolicy>(
      `/v1.0/policies/roleManagementPolicies?$filter=${encodeURIComponent('isOrganizationDefault eq true')}&$expand=rules`,
    );
    return found.find((p) => p.isOrganizationDefault === true) ?? null;
  } catch (error) {
    if (error instanceof CliError && (error.exitCode === EXIT.failure || error.exitCode === EXIT.notFound)) return null;
    throw error;
  }
}

export async function policyImport(lookup: ApproverLookup): Promise<PolicyImport> {
  const defaults = defaultRules();
  const source = await tenantDefaultOf(lookup.graph);
  if (!source) {
    return {
      tenantDefault: defaults,
      async ownRules(policy, label) {
        const rules = await portableRules(lookup, policy?.rules ?? [], label);
        return Object.fromEntries(
          RULE_IDS.flatMap((id) => (rules[id] && Object.keys(ruleOverrides(id, rules[id], defaults)).length > 0 ? [[id, rules[id]]] : [])),
        );
      },
    };
  }
  return {
    tenantDefault: { ...defaults, ...(await portableRules(lookup, source.rules ?? [], 'the tenant default role settings')) },
    // What the policy sets; and a rule it inherits from a policy the file does not hold (the defaults for groups), so that it stays in force.
    ownRules: (policy, label) =>
      portableRules(
        lookup,
        (policy?.rules ?? []).filter((r) => r.inheritedFrom?.isOrganizationDefault !== true),
        label,
      ),
  };
}

/** Rules as Graph gives them, portable: approvers named, unknown rules and unnamed approvers reported and left out. */
async function portableRules(lookup: ApproverLookup, rules: readonly GraphRule[], label: string): Promise<OwnRules> {
  const out: OwnRules = {};
  for (const rule of rules) {
    const id = rule.id as RuleId;
    if (!(RULE_IDS as readonly string[]).includes(rule.id) || (rule['@odata.type'] && rule['@odata.type'] !== RULE_TYPE[kindOfRule(id)])) {
      lookup.unmapped.add(`${label}: rule ${rule.id} (${rule['@odata.type'] ?? 'no type'}), which OpenPIM does not have`);
      continue;
    }
    const raw = structuredClone(rule) as Record<string, unknown>;
    const ids = new Map<string, string | null>();
    const setting = raw.setting as { approvalStages?: Record<string, unknown>[] } | undefined;
    for (const [i, stage] of (setting?.approvalStages ?? []).entries()) {
      for (const list of ['primaryApprovers', 'escalationApprovers']) {
        const kept: Record<string, unknown>[] = [];
        for (const a of (stage[list] as Record<string, unknown>[] | undefined) ?? []) {
          const type = String(a['@odata.type'] ?? '');
          const approverId = String(a.userId ?? a.groupId ?? a.id ?? '');
          const resolved =
            type === '#microsoft.graph.singleUser'
              ? await lookup.userName(approverId)
              : type === '#microsoft.graph.groupMembers'
                ? await lookup.groupName(approverId)
                : APPROVER_TYPES.has(type)
                  ? ''
                  : null;
          if (resolved === null) {
            lookup.unmapped.add(`${label}: ${rule.id} stage ${i + 1}: approver ${type.replace('#microsoft.graph.', '') || '?'} ${approverId}`.trimEnd());
            continue;
          }
          if (approverId) ids.set(approverId, resolved);
          kept.push(a);
        }
        stage[list] = kept;
      }
    }
    const names = { userName: (x: string) => ids.get(x) ?? x, groupName: (x: string) => ids.get(x) ?? x };
    out[id] = portableRule(id, raw, names);
  }
  return out;
}
