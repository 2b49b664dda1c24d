/**
 * Runs the timeline: one timer for the earliest due item, re-armed whenever a commit adds an
 * earlier one, plus a slow poll as a safety net (items written by other nodes or processes).
 */
import { processDue, type ProcessDueDeps } from '../app/jobs/process-due.ts';

const MAX_TIMER = 2 ** 31 - 1;

export interface TimelineRunner {
  /** Tells the runner an item is due at `dueAt` (called after commit). */
  wake(dueAt: number | null): void;
  stop(): void;
}

export function startTimelineRunner(deps: ProcessDueDeps, pollMs = 30_000): TimelineRunner {
  let timer: NodeJS.Timeout | undefined;
  let armedFor: number | null = null;
  let running = false;
  let again = false;
  let stopped = false;

  const arm = (dueAt: number | null) => {
    if (stopped) return;
    const target = dueAt === null ? deps.clock.now() + pollMs : Math.min(dueAt, deps.clock.now() + pollMs);
    if (armedFor !== null && armedFor <= target && timer) return;
    clearTimeout(timer);
    armedFor = target;
    timer = setTimeout(run, Math.min(MAX_TIMER, Math.max(0, target - deps.clock.now())));
    timer.unref();
  };

  async function run(): Promise<void> {
    armedFor = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await processDue(deps);
      } while (again && !stopped);
      arm(await deps.uow.read.timeline.next());
    } catch {
      arm(deps.clock.now() + 1000);
    } finally {
      running = false;
    }
  }

  void run();
  return {
    wake(dueAt) {
      if (dueAt !== null) arm(dueAt);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
