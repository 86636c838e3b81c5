/**
 * An ingest worker thread (ingest --workers): reads one part of a file, lines -> parser (primed
 * with the file's header lines) -> harmonise -> identify -> fold, exactly as the single-thread
 * runner in ingest.ts does, and posts what it folded and quarantined at each flush. The main
 * thread is the only one writing to the store, in the order flushes arrive; the store merges
 * deltas of one observation and finds duplicates across them, so the parts need not coordinate.
 *
 * The record handling below mirrors ingest.ts (same quarantine entries, same counts): keep the
 * two in step.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseOutcome, ParserInstance, RawLine } from '../components/parsers/contract.js';
import { parserByName } from '../components/parsers/registry.js';
import { readLines } from '../components/sources/lines.js';
import { fastTimestampMs } from '../domain/fast-timestamp.js';
import { Folder, type ObservationDelta, type PreparedEvent } from '../domain/fold.js';
import { harmonise } from '../domain/harmonise.js';
import { eventId, observationKey } from '../domain/identity.js';
import type { Event, RawFields } from '../domain/schema/event.js';
import type { ValidationContext } from '../domain/schema/field-types.js';
import { defaultBounds, formatTimestamp, parseTimestampMs } from '../domain/time.js';
import type { QuarantineInput } from '../storage/store.js';
import type { FeedSettings } from './ingest.js';

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

/** Flushes a worker may have posted and not yet seen written: bounds what waits in memory. */
const MAX_IN_FLIGHT = 4;

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

  const feed = job.feed;
  const startedAt = job.startedAt;
  const observedAt = formatTimestamp(Math.floor(startedAt / 1000) * 1000);
  const ctx: ValidationContext = { time: defaultBounds(startedAt) };
  const defaults: RawFields = { ...(feed.defaults ?? {}) };
  if (feed.tlp !== undefined) defaults.tlp ??= feed.tlp;
  const overridesBase: RawFields = { ...(feed.overrides ?? {}), 'time.observation': observedAt };
  if (feed.provider !== undefined) overridesBase['feed.provider'] = feed.provider;
  let overrides: RawFields;
  if (feed.name !== undefined) overrides = { ...overridesBase, 'feed.name': feed.name };
  else {
    overrides = overridesBase;
    defaults['feed.name'] = job.feedName;
  }

  const folder = new Folder(feed.keepEvents ?? false);
  let quarantine: QuarantineInput[] = [];
  let read = 0;
  let bytes = 0;
  const flush = async () => {
    if (folder.events === 0 && quarantine.length === 0 && read === 0 && bytes === 0) return;
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
    read = 0;
    bytes = 0;
  };

  const addQuarantine = (q: Omit<QuarantineInput, 'feed' | 'source' | 'format'>) => {
    quarantine.push({ ...q, feed: job.feedName, source: job.sourceName, format: parser.name });
  };
  const prepare = (o: ParseOutcome & { kind: 'record' }): PreparedEvent | undefined => {
    const h = harmonise(o.fields, ctx, defaults, overrides);
    if (!h.ok) {
      addQuarantine({
        line: o.line,
        reason: h.rejection.reason,
        ...(h.rejection.field ? { field: h.rejection.field } : {}),
        raw: o.raw,
      });
      return undefined;
    }
    const event: Event = feed.keepRaw ? { ...h.event, raw: o.raw } : h.event;
    const ts = event['time.source'] ?? observedAt;
    const fastMs = ts === observedAt ? startedAt : fastTimestampMs(ts);
    const seenAt = fastMs >= 0 ? fastMs : (parseTimestampMs(ts) as number);
    return { id: eventId(event), event, observation: observationKey(event), seenAt };
  };
  const handle = (o: ParseOutcome) => {
    read++;
    if (o.kind === 'reject') {
      addQuarantine({ line: o.line, reason: o.reason, raw: o.raw });
      return;
    }
    let prepared: PreparedEvent | undefined;
    try {
      prepared = prepare(o);
    } catch (e) {
      addQuarantine({
        line: o.line,
        reason: `internal error validating this record: ${String(e)}`,
        raw: o.raw,
      });
      return;
    }
    if (prepared) folder.add(prepared);
  };
  const parserFailed = (e: unknown, where = 'on this line') =>
    `internal error in the ${parser.name} parser ${where}: ${(e as Error)?.message ?? String(e)}`;
  const drain = () => {
    for (const o of outcomes) handle(o);
    outcomes.length = 0;
  };
  const push = (lines: readonly RawLine[]) => {
    if (lines.length === 0) return;
    try {
      instance.push(lines, outcomes);
    } catch {
      let done = 0;
      for (const o of outcomes) done = Math.max(done, o.line);
      drain();
      for (const l of lines) {
        if (l.no <= done) continue;
        try {
          instance.push([l], outcomes);
        } catch (e) {
          outcomes.length = 0;
          read++;
          addQuarantine({ line: l.no, reason: parserFailed(e), raw: l.text });
        }
        drain();
      }
    }
    drain();
  };

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
    if (batch.problems.length > 0) {
      let i = 0;
      for (const p of batch.problems) {
        const before: RawLine[] = [];
        while (i < batch.lines.length && (batch.lines[i] as RawLine).no < p.no)
          before.push(batch.lines[i++] as RawLine);
        push(before);
        read++;
        addQuarantine({ line: p.no, reason: p.reason, raw: p.raw, ...(p.bytes ? { bytes: p.bytes } : {}) });
      }
      push(batch.lines.slice(i));
    } else {
      push(batch.lines);
    }
    if (
      folder.events + folder.duplicates + quarantine.length >= job.batchSize ||
      folder.size >= job.maxObservations
    )
      await flush();
  }
  try {
    instance.end(outcomes);
  } catch (e) {
    outcomes.length = 0;
    read++;
    addQuarantine({ line: 0, reason: parserFailed(e, 'at the end of the input'), raw: '' });
  }
  drain();
  await flush();
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
