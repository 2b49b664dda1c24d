import type { Kysely } from 'kysely';
import type { ApprovalLinkUses } from '../../app/ports/notifications.ts';
import { DomainError } from '../../domain/errors.ts';
import { isUniqueViolation } from '../driver-errors.ts';
import type { Database } from '../schema.ts';

/** Approval links already used: the primary key on jti makes a link decide once. */
export function linkUsesRepository(db: Kysely<Database>): ApprovalLinkUses {
  return {
    async use(u) {
      try {
        await db
          .insertInto('approval_link_uses')
          .values({ jti: u.jti, tenant_id: u.tenantId, approval_id: u.approvalId, approver_id: u.approverId, used_at: u.usedAt })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error, 'approval_link_uses', 'approval_link_uses_pkey')) {
          throw new DomainError('ApprovalLinkUsed', 'This approval link has already been used.');
        }
        throw error;
      }
    },
    async release(jti) {
      await db.deleteFrom('approval_link_uses').where('jti', '=', jti).execute();
    },
    async isUsed(jti) {
      return (await db.selectFrom('approval_link_uses').select('jti').where('jti', '=', jti).executeTakeFirst()) !== undefined;
    },
  };
}
