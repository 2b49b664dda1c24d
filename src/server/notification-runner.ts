/**
 * Runs the notification job: woken after every commit (new change-feed rows), re-armed for the
 * next retry of a pending delivery, and polling slowly as a safety net (rows written by other
 * nodes, the weekly digest). Runs never overlap; a wake during a run makes it go round again.
 * A wake settles for `settleMs` first: a burst of commits is planned in one run, and the requests
 * that follow a commit (the activator's first access check) are not queued behind the planning on
 * the one event loop and database connection (bench/REPORT.md, T4).
 */
import { deliverNotifications, type DeliverNotificationsDeps } from '../app/jobs/deliver-notifications.ts';

const MAX_TIMER = 2 ** 31 - 1;

export interface NotificationRunner {
  /** Run soon (after a commit). */
  wake(): void;
  /** Resolves when no run is under way (tests; shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the runner (it runs once at once); `pollMs` bounds how long anything waits. */
export function startNotificationRunner(deps: DeliverNotificationsDeps, pollMs = 30_000, settleMs = 20): NotificationRunner {
  let timer: NodeJS.Timeout | undefined;
  let settling: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;

  const arm = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(trigger, Math.min(MAX_TIMER, Math.max(0, delayMs)));
    timer.unref();
  };

  async function loop(): Promise<void> {
    let next: number | null = null;
    do {
      again = false;
      try {
        ({ next } = await deliverNotifications(deps));
        failures = 0;
      } catch (error) {
        // The database itself failed (the sender handles mail and webhook failures): back off.
        failures++;
        deps.onError?.(error, 'notification run');
        next = deps.clock.now() + Math.min(60_000, 1000 * 2 ** Math.min(failures, 6));
      }
    } while (again && !stopped);
    const now = deps.clock.now();
    arm(next === null ? pollMs : Math.min(pollMs, next - now));
  }

  function trigger(): void {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    current = loop().finally(() => {
      current = null;
    });
  }

  trigger();
  return {
    wake() {
      // Never inside the committing caller's turn; a wake while one settles joins it (no starvation).
      if (stopped || settling) return;
      settling = setTimeout(() => {
        settling = undefined;
        trigger();
      }, settleMs);
      settling.unref();
    },
    async idle() {
      while (current) await current;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(settling);
      while (current) await current;
    },
  };
}
