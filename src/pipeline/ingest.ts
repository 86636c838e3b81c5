/**
 * The ingest runner: bytes -> lines -> parser -> harmonise -> identify -> store, in batches.
 * Every record read ends in exactly one of: new event, folded duplicate, quarantine; so
 * `read = new + folded + quarantined` holds for every run, by construction.
 */
import { basename, extname } from 'node:path';
import type { EnricherInstance, EnricherSpec } from '../components/enrichers/contract.js';
import type { ParseOutcome, ParserDefinition, ParserInstance } from '../components/parsers/contract.js';
import { PARSERS, parserByName } from '../components/parsers/registry.js';
import type { ByteSource } from '../components/sources/file-source.js';
import { readLines } from '../components/sources/lines.js';
import { Folder } from '../domain/fold.js';
import type { RawFields } from '../domain/schema/event.js';
import type { QuarantineInput, Store } from '../storage/store.js';
import { type PartFlush, planSplit, runParts, type SplitPlan } from './parallel-ingest.js';
import { peek } from './peek.js';
import { RecordStage } from './record-stage.js';

export interface FeedSettings {
  /** feed.name; when absent the parser's suggestion, else the file's base name. */
  readonly name?: string;
  readonly provider?: string;
  /** Field values that fill what a record lacks (e.g. classification.type, malware.name). */
  readonly defaults?: RawFields;
  /** Field values that replace what a record says. */
  readonly overrides?: RawFields;
  readonly tlp?: string;
  /** Keep each event's raw text in storage (always kept in quarantine). Default false. */
  readonly keepRaw?: boolean;
  /**
   * Keep every event's record in storage. Default false: events fold into observations (count,
   * first and last seen, identities) and each observation keeps its first event as a sample.
   */
  readonly keepEvents?: boolean;
}

export interface IngestProgress {
  readonly read: number;
  readonly new: number;
  readonly folded: number;
  readonly quarantined: number;
  readonly bytes: number;
  readonly totalBytes?: number;
  readonly seconds: number;
}

export interface IngestOptions {
  readonly source: ByteSource;
  /** Format name; detected from the content when absent. */
  readonly format?: string;
  readonly parserOptions?: Readonly<Record<string, unknown>>;
  readonly feed?: FeedSettings;
  readonly store: Store;
  readonly now?: () => number;
  /** Records read between store writes (one transaction each; default 200,000). */
  readonly batchSize?: number;
  readonly onProgress?: (p: IngestProgress) => void;
  /** Called for each quarantined record, e.g. to log file and line. */
  readonly onQuarantine?: (q: QuarantineInput) => void;
  readonly maxLineBytes?: number;
  /**
   * Enrichers, in order (country and ASN, constituency, warninglists, taxonomy...). They run after
   * an event's identity is computed, so better enrichment data never changes identities.
   */
  readonly enrichers?: readonly EnricherInstance[];
  /**
   * How worker threads start the same enrichers (instances cannot cross threads; each worker loads
   * its own from these, src/config/load-enrichers.ts gives both). Without it, a run with enrichers
   * stays on one thread.
   */
  readonly enricherSpecs?: readonly EnricherSpec[];
  /**
   * Threads reading the input (default 1). With 2 or more, a regular file of at least 16 MiB whose
   * parser can start mid-file (ParserDefinition.splittable) is split at line boundaries and read
   * by that many worker threads; the store ends up as a one-thread run leaves it (observations,
   * counts, identities, quarantine), only the order of stored rows may differ. Otherwise, and
   * when enrichers are given without `enricherSpecs`, one thread.
   */
  readonly workers?: number;
  /** Smallest file split among workers (default 16 MiB: below, starting threads costs more than it gains). */
  readonly splitMinBytes?: number;
}

export interface IngestSummary extends IngestProgress {
  readonly source: string;
  readonly feed: string;
  readonly format: string;
  readonly newObservations: number;
  readonly eventsPerSecond: number;
  /** Threads that read the input: 1, or the workers the file was split among. */
  readonly threads: number;
  readonly warnings: readonly string[];
}

export class IngestError extends Error {
  constructor(
    message: string,
    readonly code: 'unknown-format' | 'undetected-format' | 'bad-options' | 'source',
  ) {
    super(message);
  }
}

const SNIFF_BYTES = 64 * 1024;
/** Observations held in memory before a write (bounds memory for inputs of many distinct ones). */
const MAX_OBSERVATIONS = 50_000;
/** Records a worker reads between flushes (ingest --workers; measured in BENCHMARKS.md). */
const WORKER_BATCH = 50_000;

/** Pick the parser for an input: the named one, or the most confident sniffer. */
export function detectFormat(
  head: Buffer,
  fileName?: string,
): { parser: ParserDefinition; confidence: number } | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text
    .split('\n')
    .slice(0, 200)
    .map((l) => l.replace(/\r$/, ''));
  let best: { parser: ParserDefinition; confidence: number } | undefined;
  for (const p of PARSERS) {
    let c = 0;
    try {
      c = p.sniff(fileName === undefined ? { lines } : { lines, fileName });
    } catch {
      c = 0;
    }
    if (c > 0 && (!best || c > best.confidence)) best = { parser: p, confidence: c };
  }
  return best;
}

export async function ingest(opts: IngestOptions): Promise<IngestSummary> {
  const now = opts.now ?? Date.now;
  const started = performance.now();
  const startedAt = now();
  const warnings: string[] = [];
  const src = opts.source;

  let peeked: Awaited<ReturnType<typeof peek>>;
  try {
    peeked = await peek(src.chunks, SNIFF_BYTES);
  } catch (e) {
    const m = String((e as Error)?.message ?? e);
    throw new IngestError(m.startsWith(src.name) ? m : `${src.name}: ${m}`, 'source');
  }
  const { head, chunks } = peeked;
  // Only blank lines (or a BOM): nothing any parser could read; treat it as empty, not as unknown.
  const blank = peeked.ended && /^[\s\uFEFF]*$/.test(head.toString('utf8'));
  let parser: ParserDefinition;
  if (opts.format) {
    const p = parserByName(opts.format);
    if (!p)
      throw new IngestError(
        `unknown format "${opts.format}"; known formats: ${PARSERS.map((x) => x.name).join(', ')}`,
        'unknown-format',
      );
    parser = p;
  } else if (blank) {
    parser = PARSERS[0] as ParserDefinition; // nothing to parse; any parser reports an empty input the same
  } else {
    const found = detectFormat(head, src.name === '-' ? undefined : basename(src.name));
    if (!found)
      throw new IngestError(
        `cannot tell the format of ${src.name}; pass --format (one of: ${PARSERS.map((x) => x.name).join(', ')})`,
        'undetected-format',
      );
    parser = found.parser;
  }
  const parsedOptions = parser.parseOptions(opts.parserOptions ?? {});
  if (!parsedOptions.ok)
    throw new IngestError(`${parser.name} options: ${parsedOptions.error}`, 'bad-options');
  let instance: ParserInstance;
  try {
    instance = parser.create(parsedOptions.value, { sourceName: src.name });
  } catch (e) {
    throw new IngestError(`${parser.name} options: ${(e as Error).message ?? e}`, 'bad-options');
  }

  const feed = opts.feed ?? {};
  const enrichers = opts.enrichers ?? [];
  const fallbackFeed = src.name === '-' ? `${parser.name}-stdin` : basename(src.name, extname(src.name));
  let feedName: string | undefined = feed.name;
  const resolveFeed = () => (feedName ??= instance.suggestedFeedName?.() ?? fallbackFeed);

  // Events fold in memory (src/domain/fold.ts) and are written, one transaction each time, when
  // the folder holds `batchSize` events or MAX_OBSERVATIONS observations: memory stays bounded
  // whatever the input size, and storage does one read and one write per observation.
  const batchSize = opts.batchSize ?? 200_000;
  const folder = new Folder(feed.keepEvents ?? false);
  let quarantine: QuarantineInput[] = [];
  const totals = { read: 0, new: 0, folded: 0, quarantined: 0, bytes: 0, newObservations: 0 };

  let runId: number | undefined;
  const flush = async () => {
    if (folder.events === 0 && quarantine.length === 0) return;
    runId ??= await opts.store.startRun({ source: src.name, feed: resolveFeed(), format: parser.name });
    const duplicates = folder.duplicates;
    const r = await opts.store.writeFolded({ observations: folder.drain(), quarantine });
    totals.new += r.new;
    totals.folded += r.folded + duplicates;
    totals.quarantined += r.quarantined;
    totals.newObservations += r.newObservations;
    quarantine = [];
  };
  const progress = (): IngestProgress => ({
    read: totals.read + stage.read,
    new: totals.new,
    folded: totals.folded,
    quarantined: totals.quarantined,
    bytes: totals.bytes,
    ...(src.size !== undefined ? { totalBytes: src.size } : {}),
    seconds: (performance.now() - started) / 1000,
  });

  const addQuarantine = (q: Omit<QuarantineInput, 'feed' | 'source' | 'format'>) => {
    const entry: QuarantineInput = { ...q, feed: resolveFeed(), source: src.name, format: parser.name };
    quarantine.push(entry);
    opts.onQuarantine?.(entry);
  };

  const stage = new RecordStage({
    parser: instance,
    parserName: parser.name,
    feed,
    startedAt,
    feedName: resolveFeed,
    enrichers,
    folder,
    quarantine: addQuarantine,
  });

  // Several threads: only for a plain file, a parser that can start mid-file, and enrichers that
  // workers can start themselves. A file that cannot be split is read by one thread, as without
  // the option (not a problem).
  const workerEnrichers = enrichers.length === 0 ? [] : cloneableSpecs(opts.enricherSpecs, enrichers.length);
  let split: SplitPlan | undefined;
  if (
    (opts.workers ?? 1) > 1 &&
    src.path !== undefined &&
    src.size !== undefined &&
    workerEnrichers !== undefined
  ) {
    const p = await planSplit(src.path, src.size, parser, opts.workers ?? 1, opts.splitMinBytes);
    if (typeof p !== 'string') {
      // A separate instance reads the header: the feed name as the one-thread run resolves it (the
      // parser's suggestion after the header), and a header that gives outcomes is not split.
      const probe = parser.create(parsedOptions.value, { sourceName: src.name });
      const out: ParseOutcome[] = [];
      probe.push(p.header, out);
      if (out.length === 0) {
        split = p;
        feedName ??= probe.suggestedFeedName?.() ?? fallbackFeed;
        (src.chunks as { destroy?: () => void }).destroy?.();
      }
    }
  }
  const writePart = async (m: PartFlush) => {
    totals.read += m.read;
    totals.bytes += m.bytes;
    if (m.observations.length === 0 && m.quarantine.length === 0 && m.duplicates === 0) return;
    runId ??= await opts.store.startRun({ source: src.name, feed: resolveFeed(), format: parser.name });
    if (opts.onQuarantine) for (const q of m.quarantine) opts.onQuarantine(q);
    const r = await opts.store.writeFolded({ observations: m.observations, quarantine: m.quarantine });
    totals.new += r.new;
    totals.folded += r.folded + m.duplicates;
    totals.quarantined += r.quarantined;
    totals.newObservations += r.newObservations;
    opts.onProgress?.(progress());
  };

  let error: unknown;
  try {
    if (split !== undefined)
      await runParts(
        split,
        {
          sourceName: src.name,
          format: parser.name,
          parserOptions: opts.parserOptions ?? {},
          feed,
          feedName: resolveFeed(),
          startedAt,
          // Workers hand over smaller batches, so the main thread writes while they read on.
          batchSize: Math.min(batchSize, WORKER_BATCH),
          maxObservations: MAX_OBSERVATIONS,
          enrichers: workerEnrichers ?? [],
          ...(opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {}),
        },
        writePart,
      );
    else
      for await (const batch of readLines(
        chunks,
        opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {},
      )) {
        totals.bytes += batch.bytes;
        stage.lines(batch);
        if (
          folder.events + folder.duplicates + quarantine.length >= batchSize ||
          folder.size >= MAX_OBSERVATIONS
        ) {
          await flush();
          opts.onProgress?.(progress());
        }
      }
    stage.end();
    await flush();
  } catch (e) {
    error = e;
    // Keep what was read before the failure: it is whole records, already accounted for.
    try {
      await flush();
    } catch {
      /* the store itself failed; nothing more can be kept */
    }
  }
  if (totals.bytes === 0 && !error) warnings.push(`${src.name}: empty input, nothing to ingest`);
  else if (totals.read + stage.read === 0 && !error)
    warnings.push(`${src.name}: no records found (only headers, comments or blank lines)`);

  const seconds = (performance.now() - started) / 1000;
  const summary: IngestSummary = {
    ...progress(),
    seconds,
    source: src.name,
    feed: resolveFeed(),
    format: parser.name,
    newObservations: totals.newObservations,
    eventsPerSecond: seconds > 0 ? Math.round((totals.read + stage.read) / seconds) : 0,
    threads: split === undefined ? 1 : split.splits.length + 1,
    warnings,
  };
  if (runId === undefined && (error || totals.read + stage.read > 0))
    runId = await opts.store.startRun({ source: src.name, feed: summary.feed, format: parser.name });
  if (runId !== undefined)
    await opts.store.finishRun(runId, {
      status: error ? 'failed' : 'ok',
      read: summary.read,
      new: summary.new,
      folded: summary.folded,
      quarantined: summary.quarantined,
      ...(error ? { error: String((error as Error).message ?? error) } : {}),
    });
  if (error) throw Object.assign(error as Error, { summary });
  return summary;
}

/**
 * The enricher specs workers can start, when they describe every enricher of the run and their
 * options clone to another thread (plain data; snapshots are plain by contract); undefined
 * otherwise (the run stays on one thread).
 */
function cloneableSpecs(
  specs: readonly EnricherSpec[] | undefined,
  count: number,
): readonly EnricherSpec[] | undefined {
  if (specs === undefined || specs.length !== count) return undefined;
  try {
    structuredClone(specs.map((s) => s.options));
    return specs;
  } catch {
    return undefined;
  }
}
