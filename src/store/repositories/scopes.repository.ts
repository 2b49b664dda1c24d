import type { Kysely, Selectable } from 'kysely';
import type { ScopeRepository } from '../../app/ports/repositories.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Scope } from '../../domain/model.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import { listPage, type FieldMap } from '../query/apply-list-query.ts';
import type { Database, ScopesTable } from '../schema.ts';

const FIELDS: FieldMap = {
  id: { column: 's.id', type: 'string' },
  displayName: { column: 's.display_name', type: 'string' },
  type: { column: 's.type', type: 'string' },
  parentId: { column: 's.parent_id', type: 'string' },
};

const map = (r: Selectable<ScopesTable>): Scope => ({
  tenantId: r.tenant_id,
  id: r.id,
  type: r.type,
  displayName: r.display_name,
  parentId: r.parent_id,
});

export function scopesRepository(db: Kysely<Database>): ScopeRepository {
  return {
    async get(tenantId, id) {
      const row = await db.selectFrom('scopes').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row ? map(row) : null;
    },
    list(tenantId, query) {
      return listPage(db.selectFrom('scopes as s').selectAll('s').where('s.tenant_id', '=', tenantId), query, FIELDS, map);
    },
    async insert(scope) {
      try {
        await db
          .insertInto('scopes')
          .values({
            tenant_id: scope.tenantId,
            id: scope.id,
            type: scope.type,
            display_name: scope.displayName,
            parent_id: scope.parentId,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'scopes')) throw new DomainError('ObjectConflict', `Scope '${scope.id}' already exists.`);
        throw error;
      }
    },
  };
}
