/** The real clock and id source: the only places that read the time or make random ids. */
import { randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../app/ports/clock.ts';

export const systemClock: Clock = { now: () => Date.now() };
export const randomIds: Ids = { uuid: () => randomUUID() };
