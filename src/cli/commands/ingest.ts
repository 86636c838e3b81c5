/**
 * `accord ingest <file|url|->`: one input into the store, with progress on standard error and a
 * summary at the end (text, or one JSON object with --json). `read = new + folded + quarantined`
 * holds for every run: the pipeline counts every record into exactly one of them.
 */

import { availableParallelism } from 'node:os';
import type { FeedSettings, IngestSummary } from '../../pipeline/ingest.js';
import type { QuarantineInput, Store } from '../../storage/store.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { type FeedConfig, loadFeedConfig, parseSetPairs } from '../feed-config.js';
import { int, seconds, table } from '../format.js';
import { boundHeapGrowth } from '../heap-budget.js';
import { openInput } from '../open-input.js';
import { createReporter, type Reporter } from '../reporter.js';
import { dbPath, openStore } from '../store-path.js';

export interface IngestCommandOptions {
  readonly format?: string;
  readonly feed?: string;
  readonly config?: string;
  readonly set?: readonly string[];
  readonly db?: string;
  readonly json?: boolean;
  readonly keepRaw?: boolean;
  readonly keepEvents?: boolean;
  readonly dryRun?: boolean;
  /** Seconds. */
  readonly timeout?: number;
  readonly maxBytes?: number;
  readonly batchSize?: number;
  /** Threads reading a large splittable file (pipeline/parallel-ingest.ts). */
  readonly workers?: number;
}

/** Per-record quarantine lines logged per input before they are summarised. */
export const QUARANTINE_LOG_CAP = 20;

export interface IngestJob {
  readonly input: string;
  readonly config: FeedConfig;
  readonly store: Store;
  readonly reporter: Reporter;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly batchSize?: number;
  readonly workers?: number;
  /** Wording for the "see ..." hint after the quarantine lines. */
  readonly quarantineHint: (feed: string) => string;
}

export type IngestOutcome =
  | { readonly ok: true; readonly summary: IngestSummary }
  | {
      readonly ok: false;
      readonly exitCode: ExitCode;
      readonly message: string;
      /** Present when some of the input was read before it failed (kept in the store). */
      readonly summary?: IngestSummary;
    };

/** Ingest one input. Never throws for a bad input or setting: the outcome says what happened. */
export async function ingestOne(job: IngestJob): Promise<IngestOutcome> {
  const { ingest, IngestError } = await import('../../pipeline/ingest.js');
  const { parserByName, PARSERS } = await import('../../components/parsers/registry.js');
  const format = job.config.format;
  if (format !== undefined && !parserByName(format))
    return {
      ok: false,
      exitCode: EXIT.usage,
      message: `unknown format "${format}"; known formats: ${PARSERS.map((p) => p.name).join(', ')}`,
    };
  let opened: Awaited<ReturnType<typeof openInput>>;
  try {
    opened = await openInput(job.input, {
      ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
      ...(job.maxBytes !== undefined ? { maxBytes: job.maxBytes } : {}),
    });
  } catch (e) {
    if (e instanceof CliError) return { ok: false, exitCode: e.exitCode, message: e.message };
    throw e;
  }
  let logged = 0;
  let more = 0;
  let feedName = job.config.feed?.name;
  const onQuarantine = (q: QuarantineInput) => {
    feedName = q.feed;
    if (logged >= QUARANTINE_LOG_CAP) {
      more++;
      return;
    }
    logged++;
    job.reporter.warn(`${q.source}:${q.line}: ${q.reason}`, {
      file: q.source,
      line: q.line,
      reason: q.reason,
      ...(q.field ? { field: q.field } : {}),
    });
  };
  const tellMore = () => {
    if (more > 0)
      job.reporter.warn(`... and ${int(more)} more; see ${job.quarantineHint(feedName ?? '')}`, {
        more,
      });
  };
  try {
    const summary = await ingest({
      source: opened.source,
      ...(format !== undefined ? { format } : {}),
      ...(job.config.parser ? { parserOptions: job.config.parser } : {}),
      ...(job.config.feed ? { feed: job.config.feed } : {}),
      store: job.store,
      ...(job.batchSize ? { batchSize: job.batchSize } : {}),
      ...(job.workers ? { workers: job.workers } : {}),
      onProgress: (p) => job.reporter.progress(p),
      onQuarantine,
    });
    tellMore();
    return { ok: true, summary };
  } catch (e) {
    tellMore();
    const summary = (e as { summary?: IngestSummary }).summary;
    if (e instanceof IngestError) {
      const code = e.code === 'source' ? EXIT.input : EXIT.usage;
      return { ok: false, exitCode: code, message: e.message, ...(summary ? { summary } : {}) };
    }
    if (summary) {
      const m = (e as Error).message ?? String(e);
      return {
        ok: false,
        exitCode: EXIT.input,
        message: m.startsWith(job.input) ? m : `${job.input}: ${m}`,
        summary,
      };
    }
    throw e;
  } finally {
    opened.close();
  }
}

/** The JSON form of a summary (the keys --json promises, and the rest). */
export function summaryJson(
  s: IngestSummary,
  extra: { status: 'ok' | 'failed'; db: string | null; error?: string },
): Record<string, unknown> {
  return {
    status: extra.status,
    source: s.source,
    feed: s.feed,
    format: s.format,
    read: s.read,
    new: s.new,
    folded: s.folded,
    quarantined: s.quarantined,
    newObservations: s.newObservations,
    bytes: s.bytes,
    ...(s.totalBytes !== undefined ? { totalBytes: s.totalBytes } : {}),
    seconds: Number(s.seconds.toFixed(3)),
    eventsPerSecond: s.eventsPerSecond,
    threads: s.threads,
    warnings: s.warnings,
    db: extra.db,
    ...(extra.error ? { error: extra.error } : {}),
  };
}

export function summaryText(s: IngestSummary, db: string | null): string {
  const head = `${s.source} -> ${db ?? 'memory (dry run: nothing stored)'}  [format ${s.format}, feed ${s.feed}]`;
  return `${head}\n${table([
    ['read', int(s.read)],
    ['new events', int(s.new)],
    ['folded', `${int(s.folded)}   (already stored: counted once)`],
    [
      'quarantined',
      s.quarantined > 0 && db
        ? `${int(s.quarantined)}   (accord quarantine list --feed ${JSON.stringify(s.feed)})`
        : int(s.quarantined),
    ],
    ['new observations', int(s.newObservations)],
    ['elapsed', seconds(s.seconds)],
    ['events/s', `${int(s.eventsPerSecond)}${s.threads > 1 ? `   (${s.threads} threads)` : ''}`],
  ])}`;
}

export async function ingestCommand(input: string, o: IngestCommandOptions): Promise<ExitCode> {
  boundHeapGrowth();
  let config: FeedConfig = {};
  if (o.config) {
    const r = await loadFeedConfig(o.config);
    if (!r.ok) throw new CliError(r.error, EXIT.usage);
    config = r.value;
  }
  const sets = parseSetPairs(o.set ?? []);
  if (!sets.ok) throw new CliError(sets.error, EXIT.usage);
  const feed: FeedSettings = {
    ...config.feed,
    ...(o.feed !== undefined ? { name: o.feed } : {}),
    ...(Object.keys(sets.value).length > 0 ? { defaults: { ...config.feed?.defaults, ...sets.value } } : {}),
    ...(o.keepRaw ? { keepRaw: true } : {}),
    ...(o.keepEvents ? { keepEvents: true } : {}),
  };
  const format = o.format ?? config.format;
  const merged: FeedConfig = {
    ...(format !== undefined ? { format } : {}),
    ...(config.parser ? { parser: config.parser } : {}),
    feed,
  };

  // Fail on a usage error or a missing file before the store is created or opened.
  const { parserByName, PARSERS } = await import('../../components/parsers/registry.js');
  if (format !== undefined && !parserByName(format))
    throw new CliError(
      `unknown format "${format}"; known formats: ${PARSERS.map((p) => p.name).join(', ')}`,
      EXIT.usage,
    );
  const { isHttpUrl } = await import('../../components/sources/http-source.js');
  if (input !== '-' && !isHttpUrl(input)) {
    const { stat } = await import('node:fs/promises');
    const st = await stat(input).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error)
      throw new CliError(
        `cannot read ${input}: ${st.code === 'ENOENT' ? 'no such file' : st.message}`,
        EXIT.input,
      );
    if (st.isDirectory()) throw new CliError(`cannot read ${input}: it is a directory`, EXIT.input);
  }

  const reporter = await createReporter({ quiet: o.json === true });
  const db = o.dryRun ? null : dbPath(o.db);
  let store: Store;
  if (db === null) {
    const { MemoryStore } = await import('../../storage/memory/memory-store.js');
    store = new MemoryStore();
  } else store = await openStore(db, false);
  try {
    reporter.info(`ingesting ${input} into ${db ?? 'memory (dry run)'}`, { source: input, db });
    const out = await ingestOne({
      input,
      config: merged,
      store,
      reporter,
      ...(o.timeout !== undefined ? { timeoutMs: o.timeout * 1000 } : {}),
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
      // Two threads read a large splittable file 1.3 to 1.5 times faster (BENCHMARKS.md); more
      // were not measured. Small files and other inputs are read by one thread whatever this says.
      workers: o.workers ?? Math.min(2, availableParallelism()),
      quarantineHint: (f) =>
        db
          ? `accord quarantine list --feed ${JSON.stringify(f)}${o.db ? ` --db ${o.db}` : ''}`
          : 'a run without --dry-run',
    });
    reporter.done();
    if (!out.ok && !out.summary) throw new CliError(out.message, out.exitCode);
    const summary = out.summary as IngestSummary;
    for (const w of summary.warnings) reporter.warn(w);
    if (!out.ok)
      reporter.error(`${out.message} (the records read before are kept; the run is marked failed)`);
    if (o.json)
      process.stdout.write(
        `${JSON.stringify(
          summaryJson(summary, {
            status: out.ok ? 'ok' : 'failed',
            db,
            ...(out.ok ? {} : { error: out.message }),
          }),
        )}\n`,
      );
    else process.stdout.write(`${summaryText(summary, db)}\n`);
    return out.ok ? EXIT.ok : out.exitCode;
  } finally {
    await store.close();
  }
}
