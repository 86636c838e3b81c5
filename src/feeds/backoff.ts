/** Waiting between tries, and waiting that a shutdown can cut short. */

/** The longest wait between two tries, whatever retry_delay and retries say. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Exponential back-off with jitter: try n (0-based) waits `base * 2^n`, capped at
 * MAX_BACKOFF_MS, then scaled by a random factor in [0.5, 1) so that feeds failing together do
 * not retry together.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const raw = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  return Math.round(raw * (0.5 + 0.5 * Math.min(Math.max(random(), 0), 1)));
}

/** Resolve after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
