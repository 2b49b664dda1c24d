import type { Kysely, Selectable } from 'kysely';
import type { RoleRepository } from '../../app/ports/repositories.ts';
import { DomainError } from '../../domain/errors.ts';
import type { RoleDefinition } from '../../domain/model.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { Database, RoleDefinitionsTable } from '../schema.ts';
import { bool, fromJson, int, toJson } from './json.ts';

const FIELDS: FieldMap = {
  id: { column: 'r.id', type: 'string' },
  templateId: { column: 'r.template_id', type: 'string' },
  displayName: { column: 'r.display_name', type: 'string' },
  isBuiltIn: { column: 'r.is_built_in', type: 'boolean' },
  isEnabled: { column: 'r.is_enabled', type: 'boolean' },
  isPrivileged: { column: 'r.is_privileged', type: 'boolean' },
  kind: { column: 'r.kind', type: 'string' },
};

const map = (r: Selectable<RoleDefinitionsTable>): RoleDefinition => ({
  tenantId: r.tenant_id,
  id: r.id,
  templateId: r.template_id,
  displayName: r.display_name,
  description: r.description,
  isBuiltIn: bool(r.is_built_in),
  isEnabled: bool(r.is_enabled),
  isPrivileged: bool(r.is_privileged),
  kind: r.kind,
  allowedActions: fromJson(r.allowed_actions),
  excludedActions: fromJson(r.excluded_actions),
  version: r.version,
});

export function rolesRepository(db: Kysely<Database>): RoleRepository {
  return {
    async get(tenantId, id) {
      const row = await db.selectFrom('role_definitions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? map(row) : null;
    },
    async getMany(tenantId, ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('role_definitions').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
      return rows.map(map);
    },
    list(tenantId, query) {
      return listPage(db.selectFrom('role_definitions as r').selectAll('r').where('r.tenant_id', '=', tenantId), query, FIELDS, map);
    },
    async update(role) {
      try {
        await db
          .updateTable('role_definitions')
          .set({
            display_name: role.displayName,
            description: role.description,
            is_enabled: int(role.isEnabled),
            allowed_actions: toJson(role.allowedActions),
            excluded_actions: toJson(role.excludedActions),
            version: role.version,
          })
          .where('tenant_id', '=', role.tenantId)
          .where('id', '=', role.id)
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'role_definitions')) {
          throw new DomainError('ObjectConflict', `A role definition named '${role.displayName}' already exists.`);
        }
        throw error;
      }
    },
    async delete(tenantId, id) {
      await db.deleteFrom('role_definitions').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    },
    async usage(tenantId, id) {
      const schedules = await db
        .selectFrom('schedules')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('role_definition_id', '=', id)
        .where('closed', '=', 0)
        .executeTakeFirstOrThrow();
      const requests = await db
        .selectFrom('schedule_requests')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('role_definition_id', '=', id)
        .where('is_pending', '=', 1)
        .executeTakeFirstOrThrow();
      return { openSchedules: Number(schedules.n), pendingRequests: Number(requests.n) };
    },
    async insert(role) {
      try {
        await db
          .insertInto('role_definitions')
          .values({
            tenant_id: role.tenantId,
            id: role.id,
            template_id: role.templateId,
            display_name: role.displayName,
            description: role.description,
            is_built_in: int(role.isBuiltIn),
            is_enabled: int(role.isEnabled),
            is_privileged: int(role.isPrivileged),
            kind: role.kind,
            allowed_actions: toJson(role.allowedActions),
            excluded_actions: toJson(role.excludedActions),
            version: role.version,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'role_definitions')) {
          throw new DomainError('ObjectConflict', `A role definition named '${role.displayName}' already exists.`);
        }
        throw error;
      }
    },
  };
}
