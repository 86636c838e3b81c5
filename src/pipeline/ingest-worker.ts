/**
 * An ingest worker thread (ingest --workers): reads one part of a file, lines -> parser (primed
 * with the file's header lines) -> harmonise -> identify -> fold, exactly as the single-thread
 * runner in ingest.ts does, and posts what it folded and quarantined at each flush. The main
 * thread is the only one writing to the store, in the order flushes arrive; the store merges
 * deltas of one observation and finds duplicates across them, so the parts need not coordinate.
 *
 * Records are handled by the same RecordStage as the single-thread runner (same quarantine
 * entries, same counts).
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { EnricherInstance, EnricherSpec } from '../components/enrichers/contract.js';
import { enricherByName } from '../components/enrichers/registry.js';
import type { ParseOutcome, ParserInstance, RawLine } from '../components/parsers/contract.js';
import { parserByName } from '../components/parsers/registry.js';
import { readLines } from '../components/sources/lines.js';
import { Folder, type ObservationDelta } from '../domain/fold.js';
import type { QuarantineInput } from '../storage/store.js';
import type { FeedSettings } from './ingest.js';
import { RecordStage } from './record-stage.js';

/** What a worker is asked to do (structured-clone safe). */
export interface WorkerJob {
  readonly path: string;
  /** Byte range [start, end) of the file; end undefined = to the end. */
  readonly start: number;
  readonly end: number | undefined;
  /** Number of the range's first line in the whole file. */
  readonly startLine: number;
  /** The file's header lines, fed to the parser first (empty for the part that starts the file). */
  readonly header: readonly RawLine[];
  readonly sourceName: string;
  readonly format: string;
  readonly parserOptions: Readonly<Record<string, unknown>>;
  readonly feed: FeedSettings;
  /** The feed name the run resolved (the parser's suggestion after the header, or the fallback). */
  readonly feedName: string;
  readonly startedAt: number;
  readonly batchSize: number;
  readonly maxObservations: number;
  readonly maxLineBytes?: number;
  /** Enrichers to start in the worker (the run's, in order); their load warnings were reported by the run. */
  readonly enrichers: readonly EnricherSpec[];
}

/** An observation delta made plain for postMessage (the key class and its lazy digest do not clone). */
export interface PlainDelta extends Omit<ObservationDelta, 'observation'> {
  readonly observation: {
    readonly text: string;
    readonly key: Uint8Array;
    readonly type: string;
    readonly source: string;
    readonly destinationIp: string | undefined;
    readonly destinationPort: number | undefined;
    readonly malware: string | undefined;
    readonly day: string;
  };
}

export type WorkerMessage =
  | {
      readonly kind: 'flush';
      readonly observations: readonly PlainDelta[];
      readonly quarantine: readonly QuarantineInput[];
      /** Events dropped as duplicates within this flush. */
      readonly duplicates: number;
      /** Records read and bytes consumed since the previous flush. */
      readonly read: number;
      readonly bytes: number;
    }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Flushes a worker may have posted and not yet seen written: bounds what waits in memory. Two:
 * one being written and one ready. As the store grows its writes slow down and the workers get
 * ahead; with four, the main thread held up to eight flushes and peak RSS grew with the input
 * (4 M rows: 470 MiB against 380 MiB for 1 M); with two it does not, at the same speed, since a
 * deeper queue cannot make a slower writer faster (BENCHMARKS.md).
 */
const MAX_IN_FLIGHT = 2;

/**
 * Read one part. `post` hands a flush to the writer; `written` resolves when the writer has
 * written one more of them (an ack), so a worker faster than the store waits instead of piling up.
 */
export async function runPart(
  job: WorkerJob,
  post: (m: WorkerMessage) => void,
  written: () => Promise<void>,
): Promise<void> {
  let inFlight = 0;
  const parser = parserByName(job.format);
  if (!parser) throw new Error(`unknown format ${job.format}`);
  const parsed = parser.parseOptions(job.parserOptions);
  if (!parsed.ok) throw new Error(`${parser.name} options: ${parsed.error}`);
  const instance: ParserInstance = parser.create(parsed.value, { sourceName: job.sourceName });
  const outcomes: ParseOutcome[] = [];
  if (job.header.length > 0) {
    instance.push(job.header, outcomes);
    outcomes.length = 0; // the main thread checked that the header alone gives no outcome
  }

  const folder = new Folder(job.feed.keepEvents ?? false);
  let quarantine: QuarantineInput[] = [];
  /** Records of the stage already reported in a flush. */
  let counted = 0;
  let bytes = 0;
  const flush = async () => {
    const read = stage.read - counted;
    if (folder.events === 0 && quarantine.length === 0 && read === 0 && bytes === 0) return;
    counted = stage.read;
    while (inFlight >= MAX_IN_FLIGHT) {
      await written();
      inFlight--;
    }
    inFlight++;
    const duplicates = folder.duplicates;
    const observations: PlainDelta[] = folder.drain().map((d) => {
      const o = d.observation;
      return {
        ...d,
        observation: {
          text: o.text,
          key: o.key,
          type: o.type,
          source: o.source,
          destinationIp: o.destinationIp,
          destinationPort: o.destinationPort,
          malware: o.malware,
          day: o.day,
        },
      };
    });
    post({ kind: 'flush', observations, quarantine, duplicates, read, bytes });
    quarantine = [];
    bytes = 0;
  };

  const addQuarantine = (q: Omit<QuarantineInput, 'feed' | 'source' | 'format'>) => {
    quarantine.push({ ...q, feed: job.feedName, source: job.sourceName, format: parser.name });
  };
  const stage = new RecordStage({
    parser: instance,
    parserName: parser.name,
    feed: job.feed,
    startedAt: job.startedAt,
    feedName: () => job.feedName,
    enrichers: await startEnrichers(job.enrichers),
    folder,
    quarantine: addQuarantine,
  });

  const stream = createReadStream(job.path, {
    start: job.start,
    ...(job.end !== undefined ? { end: job.end - 1 } : {}),
    highWaterMark: 1024 * 1024,
  });
  for await (const batch of readLines(stream, {
    startLine: job.startLine,
    ...(job.maxLineBytes ? { maxLineBytes: job.maxLineBytes } : {}),
  })) {
    bytes += batch.bytes;
    stage.lines(batch);
    if (
      folder.events + folder.duplicates + quarantine.length >= job.batchSize ||
      folder.size >= job.maxObservations
    )
      await flush();
  }
  stage.end();
  await flush();
}

/**
 * Start the run's enrichers in this thread: from the loaded data the main thread handed over
 * (snapshot) when the enricher can, else by loading it from its registry name and options.
 */
async function startEnrichers(specs: readonly EnricherSpec[]): Promise<EnricherInstance[]> {
  return Promise.all(
    specs.map(async (s) => {
      const def = enricherByName(s.name);
      if (!def) throw new Error(`unknown enricher ${s.name}`);
      const ctx = { baseDir: s.baseDir };
      if (s.snapshot !== undefined && def.restore) return def.restore(s.snapshot, s.options, ctx);
      return (await def.create(s.options, ctx)).instance;
    }),
  );
}

if (parentPort && workerData && (workerData as { accordIngestWorker?: unknown }).accordIngestWorker) {
  const port = parentPort;
  // Acks from the writer; one waiter at a time (runPart waits for one before posting again).
  let acks = 0;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    acks++;
    wake?.();
  });
  const written = async () => {
    while (acks === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    acks--;
  };
  runPart((workerData as { job: WorkerJob }).job, (m) => port.postMessage(m), written)
    .catch((e: unknown) => {
      port.postMessage({
        kind: 'error',
        message: String((e as Error)?.message ?? e),
      } satisfies WorkerMessage);
    })
    // Done: the ack listener must not keep the thread alive.
    .finally(() => port.unref());
}
