/** A clock tests move by hand: nothing sleeps to wait for an expiry. */
import type { Clock, Ids } from '../../src/app/ports/clock.ts';
import { parseDuration } from '../../src/domain/time.ts';
import { randomUUID } from 'node:crypto';

export class FakeClock implements Clock {
  #now: number;
  constructor(start = Date.parse('2026-01-05T09:00:00Z')) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  /** Moves time forward by an ISO duration (`PT5M`) or milliseconds. */
  advance(by: string | number): number {
    this.#now += typeof by === 'number' ? by : parseDuration(by);
    return this.#now;
  }
  set(at: number | string): void {
    this.#now = typeof at === 'number' ? at : Date.parse(at);
  }
}

export const testIds: Ids = { uuid: () => randomUUID() };
