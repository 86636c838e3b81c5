/**
 * Run one configured feed now: read its source (every file a glob matches, or its URL with a
 * conditional GET and retries), ingest each input with `ingest()`, and record the feed's health in
 * the store. Never throws for a feed problem: the result says what happened, and so does the
 * health row (`accord feeds list`).
 *
 * Retries are for what can pass (network errors, timeouts, HTTP 5xx, 408, 429), not for what will
 * not (a 404, a body over max_bytes, a host not allowed, a format that cannot be told). A try that
 * failed part-way keeps what it stored; the next try reads the whole source again and the events
 * already stored fold (ingest is idempotent), so nothing is counted twice in the store.
 */
import type { EnricherInstance, EnricherSpec } from '../components/enrichers/contract.js';
import type { ByteSource } from '../components/sources/file-source.js';
import type { IngestOptions, IngestProgress, IngestSummary } from '../pipeline/ingest.js';
import type { FeedState, QuarantineInput, Store } from '../storage/store.js';
import { backoffDelay, sleep } from './backoff.js';
import { type FeedDefinition, feedSettings } from './feed-definition.js';

export interface FeedRunDeps {
  readonly store: Store;
  /** Hosts the URL and its redirects may reach (from allowed_hosts). */
  readonly allowHost: (host: string) => boolean;
  /** Run on every event, in order, once ingest() takes them (see run-feed's ingest call). */
  readonly enrichers?: readonly EnricherInstance[];
  /** How worker threads start the same enrichers (src/config/load-enrichers.ts). */
  readonly enricherSpecs?: readonly EnricherSpec[];
  /** Threads per large splittable file (IngestOptions.workers; default 1). */
  readonly workers?: number;
  /** Stop: the current input stops between chunks (what was read is kept), no more tries. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  /** For tests: the jitter of the back-off. */
  readonly random?: () => number;
  /** The next scheduled run after a run that finished at `finishedAt` (the scheduler sets it). */
  readonly nextRunAt?: (finishedAt: number) => number | undefined;
  readonly batchSize?: number;
  readonly onProgress?: (feed: string, p: IngestProgress) => void;
  readonly onQuarantine?: (feed: string, q: QuarantineInput) => void;
  /** Tries that failed and will be tried again, with the wait. */
  readonly onRetry?: (feed: string, info: { attempt: number; error: string; delayMs: number }) => void;
  /** For TAXII sources: the knowledge store and the partners (src/taxii/client/taxii-feed.ts). */
  readonly taxii?: import('../taxii/client/taxii-feed.js').TaxiiFeedDeps;
}

export interface InputResult {
  readonly source: string;
  readonly status: 'ok' | 'failed';
  readonly summary?: IngestSummary;
  readonly error?: string;
}

export interface FeedRunResult {
  readonly feed: string;
  readonly status: 'ok' | 'not-modified' | 'failed';
  readonly startedAt: string;
  readonly seconds: number;
  /** HTTP tries made (1 when the first worked); files: 1. */
  readonly attempts: number;
  /** One per input read (a file, or an HTTP try that got a body). */
  readonly inputs: readonly InputResult[];
  readonly read: number;
  readonly new: number;
  readonly folded: number;
  readonly quarantined: number;
  readonly newObservations: number;
  readonly error?: string;
  readonly warnings: readonly string[];
  /** The health recorded for the feed after this run. */
  readonly health: FeedState;
}

/** Chunks that stop with an error once `signal` aborts, so ingest ends the input cleanly. */
async function* stoppable(chunks: AsyncIterable<Buffer>, signal: AbortSignal | undefined, name: string) {
  for await (const c of chunks) {
    if (signal?.aborted) throw new Error(`${name}: stopped (shutdown) before the end of the input`);
    yield c;
  }
}

const RETRY_STATUS = new Set([408, 425, 429]);

function retryable(e: unknown): boolean {
  const x = e as { name?: string; reason?: string; status?: number };
  if (x?.name !== 'SourceError') return false;
  if (x.reason === 'network' || x.reason === 'timeout') return true;
  return x.reason === 'status' && x.status !== undefined && (x.status >= 500 || RETRY_STATUS.has(x.status));
}

const message = (e: unknown) => String((e as Error)?.message ?? e);

type Outcome =
  | { readonly kind: 'ok'; readonly summary: IngestSummary }
  | { readonly kind: 'failed'; readonly error: unknown; readonly summary?: IngestSummary };

async function ingestSource(feed: FeedDefinition, source: ByteSource, deps: FeedRunDeps): Promise<Outcome> {
  const { ingest } = await import('../pipeline/ingest.js');
  const options: IngestOptions = {
    source: { ...source, chunks: stoppable(source.chunks, deps.signal, source.name) },
    ...(feed.format !== undefined ? { format: feed.format } : {}),
    parserOptions: feed.parser,
    feed: feedSettings(feed),
    store: deps.store,
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.onProgress ? { onProgress: (p: IngestProgress) => deps.onProgress?.(feed.name, p) } : {}),
    ...(deps.onQuarantine ? { onQuarantine: (q: QuarantineInput) => deps.onQuarantine?.(feed.name, q) } : {}),
    ...(deps.enrichers && deps.enrichers.length > 0 ? { enrichers: deps.enrichers } : {}),
    ...(deps.enricherSpecs ? { enricherSpecs: deps.enricherSpecs } : {}),
    ...(deps.workers ? { workers: deps.workers } : {}),
  };
  try {
    return { kind: 'ok', summary: await ingest(options) };
  } catch (e) {
    const summary = (e as { summary?: IngestSummary }).summary;
    return { kind: 'failed', error: e, ...(summary ? { summary } : {}) };
  }
}

export async function runFeed(feed: FeedDefinition, deps: FeedRunDeps): Promise<FeedRunResult> {
  if (feed.source.kind === 'taxii') {
    const { runTaxiiFeed } = await import('../taxii/client/taxii-feed.js');
    return runTaxiiFeed(feed, deps);
  }
  const now = deps.now ?? Date.now;
  const started = now();
  const t0 = performance.now();
  const previous = await deps.store.getFeedState(feed.name);
  const inputs: InputResult[] = [];
  const warnings: string[] = [];
  let status: FeedRunResult['status'] = 'ok';
  let error: string | undefined;
  let attempts = 1;
  let validators: { httpUrl: string; etag?: string; lastModified?: string } | undefined;

  const record = (source: string, o: Outcome) => {
    if (o.kind === 'ok') {
      inputs.push({ source, status: 'ok', summary: o.summary });
      warnings.push(...o.summary.warnings);
    } else
      inputs.push({
        source,
        status: 'failed',
        error: message(o.error),
        ...(o.summary ? { summary: o.summary } : {}),
      });
  };

  if (feed.source.kind === 'files') {
    const { expandFiles } = await import('./file-glob.js');
    const { fileSource } = await import('../components/sources/file-source.js');
    const files = await expandFiles(feed.source.resolved);
    if (!files.ok) {
      status = 'failed';
      error = files.error;
    } else {
      for (const file of files.value) {
        if (deps.signal?.aborted) {
          inputs.push({ source: file, status: 'failed', error: `${file}: not read (shutdown)` });
          continue;
        }
        let src: ByteSource;
        try {
          src = await fileSource(file);
        } catch (e) {
          inputs.push({ source: file, status: 'failed', error: `cannot read ${file}: ${message(e)}` });
          continue;
        }
        const o = await ingestSource(feed, src, deps);
        (src.chunks as { destroy?: () => void }).destroy?.();
        record(file, o);
      }
      const failed = inputs.filter((i) => i.status === 'failed');
      if (failed.length > 0) {
        status = 'failed';
        error =
          failed.length === 1
            ? failed[0]?.error
            : `${failed.length} of ${inputs.length} files failed; first: ${failed[0]?.error}`;
      }
    }
  } else if (feed.source.kind === 'url') {
    const { fetchHttp } = await import('../components/sources/http-source.js');
    const url = feed.source.url;
    const same = previous?.httpUrl === url;
    for (let attempt = 0; ; attempt++) {
      attempts = attempt + 1;
      let failure: unknown;
      try {
        const r = await fetchHttp(url, {
          timeoutMs: feed.timeoutMs,
          maxBytes: feed.maxBytes,
          allowHost: deps.allowHost,
          ...(same && previous?.etag ? { etag: previous.etag } : {}),
          ...(same && previous?.lastModified ? { lastModified: previous.lastModified } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
        });
        if (r.kind === 'not-modified') {
          status = 'not-modified';
          break;
        }
        const o = await ingestSource(feed, r.source, deps);
        r.source.close();
        record(url, o);
        if (o.kind === 'ok') {
          validators = {
            httpUrl: url,
            ...(r.source.etag ? { etag: r.source.etag } : {}),
            ...(r.source.lastModified ? { lastModified: r.source.lastModified } : {}),
          };
          status = 'ok';
          break;
        }
        failure = o.error;
      } catch (e) {
        failure = e;
      }
      status = 'failed';
      error = message(failure);
      if (!retryable(failure) || attempt >= feed.retries || deps.signal?.aborted) break;
      const delayMs = backoffDelay(attempt, feed.retryDelayMs, deps.random);
      deps.onRetry?.(feed.name, { attempt: attempts, error, delayMs });
      await sleep(delayMs, deps.signal);
      if (deps.signal?.aborted) break;
    }
  }

  const summaries = inputs.flatMap((i) => (i.summary ? [i.summary] : []));
  const sum = (k: 'read' | 'new' | 'folded' | 'quarantined' | 'newObservations') =>
    summaries.reduce((a, s) => a + s[k], 0);
  const finished = now();
  const at = (t: number) => new Date(t).toISOString();
  const next = deps.nextRunAt?.(finished);
  const health = runHealth(
    previous,
    feed.name,
    { started, finished, status, error },
    summaries.length > 0
      ? { read: sum('read'), new: sum('new'), quarantined: sum('quarantined') }
      : undefined,
  );
  if (next !== undefined) health.nextRunAt = at(next);
  if (validators) {
    delete health.etag;
    delete health.lastModified;
    Object.assign(health, validators);
  }
  const state = health as unknown as FeedState;
  await deps.store.putFeedState(state);
  return {
    feed: feed.name,
    status,
    startedAt: at(started),
    seconds: (performance.now() - t0) / 1000,
    attempts,
    inputs,
    read: sum('read'),
    new: sum('new'),
    folded: sum('folded'),
    quarantined: sum('quarantined'),
    newObservations: sum('newObservations'),
    ...(error !== undefined ? { error } : {}),
    warnings,
    health: state,
  };
}

/**
 * A feed's health after a run, from its previous health: when it ran, how it ended, failures in a
 * row and, when the run read anything, its counts. Shared by file/URL feeds and TAXII feeds; the
 * caller adds what is its own (next run, HTTP validators).
 */
export function runHealth(
  previous: FeedState | undefined,
  feed: string,
  run: {
    readonly started: number;
    readonly finished: number;
    readonly status: FeedRunResult['status'];
    readonly error: string | undefined;
  },
  counts: { readonly read: number; readonly new: number; readonly quarantined: number } | undefined,
): Record<string, unknown> {
  const at = (t: number) => new Date(t).toISOString();
  const health: Record<string, unknown> = {
    ...previous,
    feed,
    lastRunAt: at(run.started),
    lastStatus: run.status,
  };
  if (run.status === 'failed') {
    health.lastErrorAt = at(run.finished);
    health.lastError = run.error;
    health.failures = (previous?.failures ?? 0) + 1;
  } else {
    health.lastSuccessAt = at(run.finished);
    health.failures = 0;
  }
  if (counts) {
    health.lastRead = counts.read;
    health.lastNew = counts.new;
    health.lastQuarantined = counts.quarantined;
  }
  return health;
}
