/** /v1.0/policies/roleManagementPolicies (+ rules, `$expand=rules,effectiveRules`) and roleManagementPolicyAssignments, each with `$count`. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createScopedPolicy } from '../../app/policies/create-scoped-policy.ts';
import { groupScope } from '../../domain/group-access.ts';
import { getPolicy, listPolicies, listRolePolicies } from '../../app/queries/directory.ts';
import { inheritPolicyRule } from '../../app/policies/inherit-policy-rule.ts';
import type { FilterExpr } from '../../app/query.ts';
import { updatePolicyRule } from '../../app/policies/update-policy-rule.ts';
import { DomainError } from '../../domain/errors.ts';
import { isRuleId, RULE_IDS } from '../../domain/policy/rules.ts';
import { collection, entity } from '../collection.ts';
import type { HttpDeps } from '../context.ts';
import { doc, entityQuery, listQuery } from '../openapi.ts';
import { parseListQuery } from '../odata/parse-query.ts';
import {
  parseRulePatch,
  POLICY_ASSIGNMENT_PROPERTIES,
  rulesForBeta,
  POLICY_FIELDS,
  POLICY_PROPERTIES,
  policyAssignmentShape,
  policyShape,
  rulePatchDoc,
  ruleShape,
  rulesShape,
} from '../shapes/policies.ts';
import { idString, parseBody, singleLine } from '../validation.ts';
import { countRoute } from './list-route.ts';

const POLICIES = '/v1.0/policies/roleManagementPolicies';
const ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';
const byId = [{ field: 'id', direction: 'asc' as const }];
const tags = ['policies'] as const;
const POLICY_NOT_FOUND = '`Request_ResourceNotFound`: no policy has this id.';
const RULE_ID = `The rule id: ${RULE_IDS.join(', ')}.`;

/**
 * Entra tools filter role policies by scopeType 'Directory' or 'DirectoryRole' (both mean ours), and
 * a group's policies by `scopeId eq '{groupId}' and scopeType eq 'Group'` (its scope is /groups/{id}).
 */
function normaliseScopeType(expr: FilterExpr | undefined): FilterExpr | undefined {
  if (!expr) return expr;
  switch (expr.op) {
    case 'and':
    case 'or':
      return { ...expr, left: normaliseScopeType(expr.left)!, right: normaliseScopeType(expr.right)! };
    case 'not':
      return { ...expr, expr: normaliseScopeType(expr.expr)! };
    case 'in':
      return expr;
    default:
      if (expr.field === 'scopeType' && expr.value === 'Directory') return { ...expr, value: 'DirectoryRole' };
      if (expr.field === 'scopeId' && typeof expr.value === 'string' && !expr.value.startsWith('/')) return { ...expr, value: groupScope(expr.value) };
      return expr;
  }
}

/** `$expand=policy($expand=rules)`, as Entra's documentation writes it, means policy with rules. */
function withoutNestedExpand(query: Record<string, unknown>): Record<string, unknown> {
  const expand = query.$expand;
  return typeof expand === 'string' ? { ...query, $expand: expand.replace(/policy\(\s*\$expand\s*=\s*rules\s*\)/i, 'policy') } : query;
}

/** Under /beta, approvers name their user or group `id` (shapes/policies.ts: rulesForBeta). */
const versioned = <T>(req: FastifyRequest, body: T): T => (req.url.startsWith('/beta/') ? rulesForBeta(body) : body);

const scopedPolicyBody = z.strictObject({
  roleDefinitionId: idString,
  scopeId: z.string().min(2).max(400).regex(/^\//, "must be a scope path starting with '/'").check(singleLine),
});

export function policyRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = deps.uow.read;

  app.post(
    '/openpim/policies',
    doc({
      summary: 'Give a role its own policy at a narrower scope',
      tags: ['policies'],
      body: scopedPolicyBody,
      notes:
        'The new policy sets no rule of its own: it inherits each from the policy that governs the role there now (most specific first: the scope, its ancestors, then `/`, then the tenant default) until changed; change its rules with PATCH /v1.0/policies/roleManagementPolicies/{id}/rules/{ruleId}. Allowed to Global and Privileged Role Administrators, and to Owners and User Access Administrators at the scope or above.',
      responses: {
        201: 'The new policy with its rules.',
        400: '`Request_BadRequest`: an unknown or group role, `/`, or a scope the role cannot be assigned at.',
        403: '`Authorization_RequestDenied`: not allowed to manage this role at this scope.',
        409: '`ObjectConflict`: the role already has a policy at this scope.',
      },
    }),
    async (req, reply) => {
      const policy = await createScopedPolicy(deps, req.caller, parseBody(scopedPolicyBody, req.body));
      return reply.status(201).send(entity(req, 'policies/roleManagementPolicies', policyShape(policy, true)));
    },
  );

  app.get(
    POLICIES,
    doc({
      summary: 'List role management policies',
      tags,
      query: listQuery(POLICY_FIELDS, ['rules', 'effectiveRules']),
      notes:
        "Filter by scopeId and scopeType as Entra tools do (scopeType 'Directory' and 'DirectoryRole' both match a role's policy). The tenant default role settings are the policy with `isOrganizationDefault` true (`$filter=isOrganizationDefault eq true`); it has no role and no policy assignment.",
      responses: { 200: 'A page of policies (with $expand=rules, their rules).' },
    }),
    async (req) => {
      const query = parseListQuery(req.query as Record<string, unknown>, {
        fields: POLICY_FIELDS,
        defaultOrder: byId,
        expandable: ['rules', 'effectiveRules'],
      });
      const page = await listPolicies(read, req.caller, { ...query, filter: normaliseScopeType(query.filter) });
      const withRules = query.expand?.includes('rules') ?? false;
      const withEffective = query.expand?.includes('effectiveRules') ?? false;
      return versioned(
        req,
        collection(
          req,
          'policies/roleManagementPolicies',
          { ...page, items: page.items.map((p) => policyShape(p, withRules, withEffective)) },
          query,
          POLICY_PROPERTIES,
        ),
      );
    },
  );
  countRoute(app, {
    url: `${POLICIES}/$count`,
    noun: 'role management policie',
    tags,
    fields: POLICY_FIELDS,
    defaultOrder: byId,
    fetch: (req, q) => listPolicies(read, req.caller, { ...q, filter: normaliseScopeType(q.filter) }),
  });
  app.get<{ Params: { id: string } }>(
    `${POLICIES}/:id`,
    doc({
      summary: 'Get a role management policy',
      tags,
      params: { id: 'The policy id.' },
      query: entityQuery(['rules', 'effectiveRules']),
      responses: { 200: 'The policy.', 404: POLICY_NOT_FOUND },
    }),
    async (req) => {
      const query = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [], expandable: ['rules', 'effectiveRules'] });
      const policy = await getPolicy(read, req.caller, req.params.id);
      const shaped = policyShape(policy, query.expand?.includes('rules') ?? false, query.expand?.includes('effectiveRules') ?? false);
      return versioned(req, entity(req, 'policies/roleManagementPolicies', shaped, query.select, POLICY_PROPERTIES));
    },
  );
  app.get<{ Params: { id: string } }>(
    `${POLICIES}/:id/rules`,
    doc({
      summary: "List a policy's rules",
      tags,
      params: { id: 'The policy id.' },
      responses: { 200: 'All rules of the policy, each with its @odata.type.', 404: POLICY_NOT_FOUND },
    }),
    async (req) => {
      const policy = await getPolicy(read, req.caller, req.params.id);
      const query = parseListQuery(req.query as Record<string, unknown>, { fields: [], defaultOrder: [] });
      const rules = rulesShape(policy);
      return versioned(
        req,
        collection(
          req,
          `policies/roleManagementPolicies('${policy.id}')/rules`,
          { items: rules, hasMore: false, count: query.count ? rules.length : undefined },
          query,
          [],
        ),
      );
    },
  );
  app.get<{ Params: { id: string } }>(
    `${POLICIES}/:id/rules/$count`,
    doc({
      summary: "Count a policy's rules",
      tags,
      params: { id: 'The policy id.' },
      responses: { 200: 'The number of rules, as text/plain.', 404: POLICY_NOT_FOUND },
    }),
    async (req, reply) => reply.type('text/plain; charset=utf-8').send(String(Object.keys((await getPolicy(read, req.caller, req.params.id)).rules).length)),
  );
  app.get<{ Params: { id: string; ruleId: string } }>(
    `${POLICIES}/:id/rules/:ruleId`,
    doc({
      summary: 'Get a policy rule',
      tags,
      params: { id: 'The policy id.', ruleId: RULE_ID },
      responses: { 200: 'The rule, with its @odata.type.', 404: '`Request_ResourceNotFound`: no policy or rule has this id.' },
    }),
    async (req) => {
      const policy = await getPolicy(read, req.caller, req.params.id);
      if (!isRuleId(req.params.ruleId)) throw new DomainError('Request_ResourceNotFound', `Rule '${req.params.ruleId}' does not exist.`);
      return versioned(
        req,
        entity(
          req,
          `policies/roleManagementPolicies('${policy.id}')/rules`,
          ruleShape(policy.rules[req.params.ruleId], policy.inheritedFrom[req.params.ruleId]),
        ),
      );
    },
  );
  app.patch<{ Params: { id: string; ruleId: string } }>(
    `${POLICIES}/:id/rules/:ruleId`,
    doc({
      summary: 'Update a policy rule',
      tags,
      params: { id: 'The policy id.', ruleId: RULE_ID },
      body: rulePatchDoc,
      responses: {
        204: 'Updated.',
        400: "`Request_BadRequest`: a field invalid for the rule's type, an @odata.type or id that is not the rule's, or a resulting policy that is inconsistent.",
        404: '`Request_ResourceNotFound`: no policy or rule has this id.',
        409: '`ConcurrencyConflict`: the policy changed meanwhile; retry.',
      },
    }),
    async (req, reply) => {
      const ruleId = req.params.ruleId;
      if (!isRuleId(ruleId)) throw new DomainError('Request_ResourceNotFound', `Rule '${ruleId}' does not exist.`);
      await updatePolicyRule(deps, req.caller, req.params.id, ruleId, (current) => parseRulePatch(req.body, current));
      return reply.status(204).send();
    },
  );
  app.delete<{ Params: { id: string; ruleId: string } }>(
    `${POLICIES}/:id/rules/:ruleId`,
    doc({
      summary: 'Reset a policy rule to inherit it',
      tags,
      params: { id: 'The policy id.', ruleId: RULE_ID },
      notes:
        "OpenPIM extension. The policy stops setting the rule: the rule in force becomes the one of the nearest policy above that sets it (the role at an ancestor scope, then at `/`), else the tenant default's. Resetting a rule already inherited changes nothing.",
      responses: {
        204: 'The rule is inherited.',
        400: '`Request_BadRequest`: the policy is the tenant default, which sets every rule.',
        403: '`Authorization_RequestDenied`: not allowed to change this policy.',
        404: '`Request_ResourceNotFound`: no policy or rule has this id.',
      },
    }),
    async (req, reply) => {
      const ruleId = req.params.ruleId;
      if (!isRuleId(ruleId)) throw new DomainError('Request_ResourceNotFound', `Rule '${ruleId}' does not exist.`);
      await inheritPolicyRule(deps, req.caller, req.params.id, ruleId);
      return reply.status(204).send();
    },
  );

  app.get(
    ASSIGNMENTS,
    doc({
      summary: 'List role management policy assignments',
      tags,
      query: listQuery(POLICY_FIELDS, ['policy']),
      notes: 'Filter by scopeId, scopeType and roleDefinitionId to find the policy of a role; `$expand=policy($expand=rules)` is accepted.',
      responses: { 200: 'A page of policy assignments (with $expand=policy, the policy and its rules).' },
    }),
    async (req) => {
      const query = parseListQuery(withoutNestedExpand(req.query as Record<string, unknown>), {
        fields: POLICY_FIELDS,
        defaultOrder: byId,
        expandable: ['policy'],
      });
      const page = await listRolePolicies(read, req.caller, { ...query, filter: normaliseScopeType(query.filter) });
      const withPolicy = query.expand?.includes('policy') ?? false;
      const items = page.items.map((p) => policyAssignmentShape(p, withPolicy));
      return versioned(req, collection(req, 'policies/roleManagementPolicyAssignments', { ...page, items }, query, POLICY_ASSIGNMENT_PROPERTIES));
    },
  );
  countRoute(app, {
    url: `${ASSIGNMENTS}/$count`,
    noun: 'role management policy assignment',
    tags,
    fields: POLICY_FIELDS,
    defaultOrder: byId,
    fetch: (req, q) => listRolePolicies(read, req.caller, { ...q, filter: normaliseScopeType(q.filter) }),
  });
  app.get<{ Params: { id: string } }>(
    `${ASSIGNMENTS}/:id`,
    doc({
      summary: 'Get a role management policy assignment',
      tags,
      params: { id: 'The assignment id: {policyId}_{roleDefinitionId}.' },
      query: entityQuery(['policy']),
      responses: { 200: 'The policy assignment.', 404: '`Request_ResourceNotFound`: no policy assignment has this id.' },
    }),
    async (req) => {
      const query = parseListQuery(withoutNestedExpand(req.query as Record<string, unknown>), { fields: [], defaultOrder: [], expandable: ['policy'] });
      const policyId = req.params.id.replace(/_[^_]+$/, '');
      const policy = await getPolicy(read, req.caller, policyId);
      if (policy.roleDefinitionId === null || `${policy.id}_${policy.roleDefinitionId}` !== req.params.id)
        throw new DomainError('Request_ResourceNotFound', `Policy assignment '${req.params.id}' does not exist.`);
      return versioned(
        req,
        entity(
          req,
          'policies/roleManagementPolicyAssignments',
          policyAssignmentShape(policy, query.expand?.includes('policy') ?? false),
          query.select,
          POLICY_ASSIGNMENT_PROPERTIES,
        ),
      );
    },
  );
}
