import type { Instant } from '../../domain/time.ts';

/** The only source of "now" for use cases and jobs; tests drive a fake one. */
export interface Clock {
  now(): Instant;
}

/** The only source of new ids. */
export interface Ids {
  uuid(): string;
}
