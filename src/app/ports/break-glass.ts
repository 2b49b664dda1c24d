/** Storage for break-glass account uses: each is recorded, audited and alerted once (docs/guide.md). */
import type { Instant } from '../../domain/time.ts';

export interface BreakGlassUse {
  readonly tenantId: string;
  /** Names one use (a digest of a token id or session id). */
  readonly useKey: string;
  readonly principalId: string;
  readonly at: Instant;
}

export interface BreakGlassUseRepository {
  /** Records a use unless it is recorded already (by this node or another). Returns whether it was new. */
  record(use: BreakGlassUse): Promise<boolean>;
  /** Whether a use is recorded: a plain read, so a known use costs no write transaction. */
  isRecorded(tenantId: string, useKey: string): Promise<boolean>;
}
