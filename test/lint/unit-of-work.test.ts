// A use case declares the repositories it touches — `UnitOfWork<'requests' | …>` — and reads
// outside a transaction get them without their writes (`ReadRepositories`): docs/architecture.md,
// "Adding a use case". The compiler enforces it. `npm run check` runs tsc over this file, so each
// `@ts-expect-error` below fails the check the day its error is gone; the functions never run.
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/audit/event.ts';
import type { ScheduleRequest } from '../../src/domain/model.ts';
import type { ReadRepositories, UnitOfWork } from '../../src/app/ports/repositories.ts';

/** Declares the requests only: the transaction has no other repository. */
const touchesUndeclared = (uow: UnitOfWork<'requests'>, request: ScheduleRequest) =>
  uow.run(async (tx) => {
    await tx.requests.insert(request);
    // @ts-expect-error -- the schedules are not among the repositories it declared
    await tx.schedules.get(request.tenantId, request.id);
  });

/** `uow.read` reads: the same repositories, without their writes. */
async function writesThroughRead(uow: UnitOfWork<'requests'>, request: ScheduleRequest) {
  await uow.read.requests.get(request.tenantId, request.kind, request.id);
  // @ts-expect-error -- a write outside the transaction
  await uow.read.requests.insert(request);
}

/** A read-only function takes ReadRepositories: it can't append to the audit log either. */
const appendsThroughReadRepositories = (read: ReadRepositories<'audit'>, record: AuditRecord) =>
  // @ts-expect-error -- append is a write
  read.audit.append(record);

/** Whoever holds the full unit of work (the store, a route) passes it to a use case that declares less. */
const narrowsTheFullOne = (full: UnitOfWork): UnitOfWork<'requests'> => full;

describe('narrow units of work', () => {
  it('are checked by the compiler (tsc over this file)', () => {
    const checked = [touchesUndeclared, writesThroughRead, appendsThroughReadRepositories, narrowsTheFullOne];
    expect(checked.every((f) => typeof f === 'function')).toBe(true);
  });
});
