/** Verifies the whole audit hash chain in batches and reports the first broken link. */
import { CHAIN_START, checkHead, checkSegment, type ChainBreak } from '../../domain/audit/chain.ts';
import type { AuditLog } from '../ports/repositories.ts';

export interface VerifyResult {
  readonly ok: boolean;
  readonly events: number;
  readonly break: ChainBreak | null;
}

export async function verifyAudit(audit: Pick<AuditLog, 'head' | 'range'>, batch = 5000): Promise<VerifyResult> {
  const head = await audit.head();
  let position = CHAIN_START;
  for (;;) {
    const events = await audit.range(position.seq, batch);
    if (events.length === 0) break;
    const { broken, last } = checkSegment(events, position);
    if (broken) return { ok: false, events: last.seq, break: broken };
    position = last;
    if (events.length < batch) break;
  }
  const broken = checkHead(position, head);
  return { ok: broken === null, events: position.seq, break: broken };
}
