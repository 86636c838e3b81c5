/**
 * Failed-login limiting with bounded memory. Each key (a client address, a username) may fail
 * `maxFailures` times within a window of `windowMs` that starts at its first failure; after that it
 * is blocked until the window ends (the server answers 429 with Retry-After, without checking the
 * credential at all). At most `maxKeys` keys are tracked: when full, the oldest entry goes first.
 *
 * Attempts still being verified count against the budget too (`begin`/`end`): otherwise a client
 * sending many guesses at once would have them all checked before the first failure is counted.
 * Only attempts in flight are kept for this, so that map is bounded by the open requests.
 */
export interface RateLimitOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly maxKeys: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
  maxFailures: 10,
  windowMs: 5 * 60_000,
  maxKeys: 50_000,
};

export class FailureLimiter {
  private readonly entries = new Map<string, { count: number; until: number }>();
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const t = this.now();
    let e = this.entries.get(key);
    if (e && e.until <= t) {
      this.entries.delete(key);
      e = undefined;
    }
    const count = e?.count ?? 0;
    if (e && count >= this.options.maxFailures) return Math.max(1, Math.ceil((e.until - t) / 1000));
    // Not blocked by failures, but by guesses still being checked: try again in a moment.
    return count + (this.pending.get(key) ?? 0) >= this.options.maxFailures ? 1 : 0;
  }

  /** An attempt for `key` is being verified: it counts against the budget until `end`. */
  begin(key: string): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  end(key: string): void {
    const n = (this.pending.get(key) ?? 0) - 1;
    if (n > 0) this.pending.set(key, n);
    else this.pending.delete(key);
  }

  /** Attempts in flight, all keys together (for tests: nothing may stay behind). */
  get inFlight(): number {
    let n = 0;
    for (const v of this.pending.values()) n += v;
    return n;
  }

  fail(key: string): void {
    const t = this.now();
    const e = this.entries.get(key);
    if (e && e.until > t) {
      e.count++;
      return;
    }
    this.entries.delete(key);
    while (this.entries.size >= this.options.maxKeys) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { count: 1, until: t + this.options.windowMs });
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
