/**
 * The feed scheduler (`accord feeds watch`): each scheduled, enabled feed polls on its own
 * schedule, at most `maxParallel` feeds at a time, one run per feed at a time. A feed's next run is
 * kept in its health row, so a restart keeps the rhythm instead of polling every feed at once.
 *
 * Stopping is graceful: `stop()` schedules nothing more and lets the runs under way finish; after
 * `graceMs` they are told to stop (each input ends between two chunks, what was read is kept and
 * the run is recorded as failed "stopped"), and `stop()` resolves when every run has ended.
 */
import type { Store } from '../storage/store.js';
import { sleep } from './backoff.js';
import type { FeedDefinition } from './feed-definition.js';
import type { FeedRunResult } from './run-feed.js';
import { nextRun, type Schedule } from './schedule.js';

export interface RunRequest {
  /** Aborted when the scheduler gives up waiting for the run at shutdown. */
  readonly signal: AbortSignal;
  /** The next run after this one, for the feed's health. */
  readonly nextRunAt: (finishedAt: number) => number | undefined;
}

export interface SchedulerOptions {
  readonly feeds: readonly FeedDefinition[];
  readonly store: Store;
  readonly run: (feed: FeedDefinition, req: RunRequest) => Promise<FeedRunResult>;
  readonly now?: () => number;
  /** Feeds running at the same time, at most (default 4). */
  readonly maxParallel?: number;
  readonly onResult?: (r: FeedRunResult) => void;
  /** A run that threw (a bug or a broken store): logged, and the feed keeps its schedule. */
  readonly onError?: (feed: string, error: unknown) => void;
}

/** The first run time after a run that started at `start` and finished at `finished`. */
export function followingRun(s: Schedule, start: number, finished: number): number | undefined {
  if (s.kind === 'every') {
    // Keep the rhythm; a run longer than the interval skips the slots it overran.
    const k = Math.max(1, Math.ceil((finished - start) / s.ms));
    return start + k * s.ms;
  }
  return nextRun(s, finished);
}

export class Scheduler {
  private readonly stopping = new AbortController();
  private readonly abortRuns = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  private readonly waiters: Array<() => void> = [];
  private active = 0;
  private loops: Promise<void>[] = [];
  private readonly now: () => number;
  private readonly maxParallel: number;

  constructor(private readonly o: SchedulerOptions) {
    this.now = o.now ?? Date.now;
    this.maxParallel = Math.max(1, o.maxParallel ?? 4);
  }

  /** The feeds this scheduler polls: enabled and with a schedule. */
  get feeds(): readonly FeedDefinition[] {
    return this.o.feeds.filter((f) => f.enabled && f.schedule !== undefined);
  }

  start(): void {
    if (this.loops.length > 0) return;
    this.loops = this.feeds.map((f) => this.loop(f));
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Stop scheduling; wait up to `graceMs` for runs under way, then stop them. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping.abort();
    for (const w of this.waiters.splice(0)) w();
    const all = Promise.allSettled([...this.running]);
    const timer = new Promise<'late'>((r) => {
      const t = setTimeout(() => r('late'), graceMs);
      all.finally(() => clearTimeout(t));
    });
    if ((await Promise.race([all, timer])) === 'late') this.abortRuns.abort();
    await Promise.allSettled(this.loops);
  }

  private async acquire(): Promise<boolean> {
    while (this.active >= this.maxParallel) {
      if (this.stopped) return false;
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.stopped) return false;
    this.active++;
    return true;
  }

  private release(): void {
    this.active--;
    this.waiters.shift()?.();
  }

  private async firstDue(f: FeedDefinition): Promise<number> {
    const now = this.now();
    try {
      const s = await this.o.store.getFeedState(f.name);
      const t = s?.nextRunAt ? Date.parse(s.nextRunAt) : Number.NaN;
      // A stored next run in the future is kept, unless the schedule changed to a sooner one.
      const soonest = nextRun(f.schedule as Schedule, now) ?? now;
      if (Number.isFinite(t) && t > now) return Math.min(t, soonest);
    } catch (e) {
      this.o.onError?.(f.name, e);
    }
    return now;
  }

  private async loop(f: FeedDefinition): Promise<void> {
    const schedule = f.schedule as Schedule;
    let due: number | undefined = await this.firstDue(f);
    while (!this.stopped && due !== undefined) {
      await sleep(due - this.now(), this.stopping.signal);
      if (this.stopped || !(await this.acquire())) break;
      const start = this.now();
      const run = this.o
        .run(f, {
          signal: this.abortRuns.signal,
          nextRunAt: (finished) => (this.stopped ? undefined : followingRun(schedule, start, finished)),
        })
        .then(
          (r) => this.o.onResult?.(r),
          (e) => this.o.onError?.(f.name, e),
        );
      this.running.add(run);
      try {
        await run;
      } finally {
        this.running.delete(run);
        this.release();
      }
      due = followingRun(schedule, start, this.now());
    }
  }
}
