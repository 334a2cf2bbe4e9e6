/**
 * Time for the scheduler runtime, as an argument: the agent and the executor never read the
 * system clock or set timers themselves, so a test can run them on a clock it moves by hand.
 */
export interface Clock {
  now(): number;
  /** Resolves after ms, or at once when the signal aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Timers hold at most 2^31-1 ms (about 24.8 days); sleepUntil sleeps again for the rest. Infinity waits for the signal alone.
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, ms))) : undefined;
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Sleeps until the clock reads atMs (or the signal aborts). */
export async function sleepUntil(clock: Clock, atMs: number, signal?: AbortSignal): Promise<void> {
  // Timers can fire a little early and clocks can be moved: check the clock again after each sleep.
  while (!signal?.aborted) {
    const left = atMs - clock.now();
    if (left <= 0) return;
    await clock.sleep(left, signal);
  }
}
