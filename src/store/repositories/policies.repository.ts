import type { Kysely, Selectable } from 'kysely';
import type { PolicyRecord, PolicyRepository } from '../../app/ports/repositories.ts';
import type { OwnRules } from '../../domain/policy/inherit.ts';
import type { PolicyRule } from '../../domain/policy/rules.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { Database, PoliciesTable } from '../schema.ts';
import { bool, fromJson, int, toJson } from './json.ts';

const FIELDS: FieldMap = {
  id: { column: 'p.id', type: 'string' },
  scopeId: { column: 'p.scope_id', type: 'string' },
  scopeType: { column: 'p.scope_type', type: 'string' },
  roleDefinitionId: { column: 'p.role_definition_id', type: 'string' },
  displayName: { column: 'p.display_name', type: 'string' },
  isOrganizationDefault: { column: 'p.is_organization_default', type: 'boolean' },
  lastModifiedDateTime: { column: 'p.last_modified_at', type: 'instant', nullable: true },
};

export function policiesRepository(db: Kysely<Database>): PolicyRepository {
  async function withRules(rows: Selectable<PoliciesTable>[]): Promise<PolicyRecord[]> {
    if (rows.length === 0) return [];
    const ruleRows = await db
      .selectFrom('policy_rules')
      .selectAll()
      .where('tenant_id', '=', rows[0]!.tenant_id)
      .where(
        'policy_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const byPolicy = new Map<string, Record<string, PolicyRule>>();
    for (const r of ruleRows) {
      const rules = byPolicy.get(r.policy_id) ?? {};
      rules[r.rule_id] = fromJson<PolicyRule>(r.body);
      byPolicy.set(r.policy_id, rules);
    }
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      id: r.id,
      scopeId: r.scope_id,
      scopeType: r.scope_type,
      roleDefinitionId: r.role_definition_id,
      displayName: r.display_name,
      description: r.description,
      isOrganizationDefault: bool(r.is_organization_default),
      lastModifiedBy: fromJson(r.last_modified_by),
      lastModifiedAt: r.last_modified_at,
      rules: (byPolicy.get(r.id) ?? {}) as OwnRules,
    }));
  }

  async function touch(tenantId: string, policyId: string, modifiedBy: { id: string; displayName: string | null }, at: number): Promise<void> {
    await db
      .updateTable('policies')
      .set({ last_modified_by: toJson(modifiedBy), last_modified_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', policyId)
      .execute();
  }

  return {
    async get(tenantId, id) {
      const rows = await db.selectFrom('policies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).execute();
      return (await withRules(rows))[0] ?? null;
    },
    async forRoleAt(tenantId, roleDefinitionId, scopeId) {
      const rows = await db
        .selectFrom('policies')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('role_definition_id', '=', roleDefinitionId)
        .where('scope_id', '=', scopeId)
        .execute();
      return (await withRules(rows))[0] ?? null;
    },
    async organizationDefault(tenantId) {
      const rows = await db.selectFrom('policies').selectAll().where('tenant_id', '=', tenantId).where('is_organization_default', '=', 1).execute();
      return (await withRules(rows))[0] ?? null;
    },
    async list(tenantId, query) {
      const page = await listPage(db.selectFrom('policies as p').selectAll('p').where('p.tenant_id', '=', tenantId), query, FIELDS, (r) => r);
      return { ...page, items: await withRules([...page.items]) };
    },
    async insert(policy) {
      await db
        .insertInto('policies')
        .values({
          tenant_id: policy.tenantId,
          id: policy.id,
          scope_id: policy.scopeId,
          scope_type: policy.scopeType,
          role_definition_id: policy.roleDefinitionId,
          display_name: policy.displayName,
          description: policy.description,
          is_organization_default: int(policy.isOrganizationDefault),
          last_modified_by: toJson(policy.lastModifiedBy),
          last_modified_at: policy.lastModifiedAt,
        })
        .execute();
      const rules = Object.values(policy.rules);
      if (rules.length === 0) return;
      await db
        .insertInto('policy_rules')
        .values(rules.map((rule) => ({ tenant_id: policy.tenantId, policy_id: policy.id, rule_id: rule.id, body: toJson(rule) })))
        .execute();
    },
    async setRule(tenantId, policyId, rule, modifiedBy, at) {
      await db
        .insertInto('policy_rules')
        .values({ tenant_id: tenantId, policy_id: policyId, rule_id: rule.id, body: toJson(rule) })
        .onConflict((oc) => oc.columns(['tenant_id', 'policy_id', 'rule_id']).doUpdateSet({ body: toJson(rule) }))
        .execute();
      await touch(tenantId, policyId, modifiedBy, at);
    },
    async inheritRule(tenantId, policyId, ruleId, modifiedBy, at) {
      const deleted = await db
        .deleteFrom('policy_rules')
        .where('tenant_id', '=', tenantId)
        .where('policy_id', '=', policyId)
        .where('rule_id', '=', ruleId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) return false;
      if (modifiedBy) await touch(tenantId, policyId, modifiedBy, at);
      return true;
    },
    async deleteForRole(tenantId, roleDefinitionId) {
      const ids = db.selectFrom('policies').select('id').where('tenant_id', '=', tenantId).where('role_definition_id', '=', roleDefinitionId);
      await db.deleteFrom('policy_rules').where('tenant_id', '=', tenantId).where('policy_id', 'in', ids).execute();
      const deleted = await db.deleteFrom('policies').where('tenant_id', '=', tenantId).where('role_definition_id', '=', roleDefinitionId).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },
  };
}
