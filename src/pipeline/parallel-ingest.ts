/**
 * `ingest --workers N`: one large file read by N worker threads (ingest-worker.ts), each over a
 * part that starts at a line boundary where its parser can start (ParserDefinition.splittable).
 * The main thread picks the split points, counts the lines before each (so line numbers in
 * quarantine stay those of the whole file), and writes what the workers fold, in arrival order:
 * the store stays the single writer and merges an observation's deltas from several parts.
 */
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { ParserDefinition, RawLine } from '../components/parsers/contract.js';
import type { ObservationDelta } from '../domain/fold.js';
import type { QuarantineInput } from '../storage/store.js';
import type { PlainDelta, WorkerJob, WorkerMessage } from './ingest-worker.js';

/** Old-generation heap limit of each parse worker (MiB). */
const WORKER_HEAP_MIB = 256;
/**
 * A parse worker allocates a few short-lived objects per field of every record; a larger young
 * generation (V8's default semi-space is 16 MiB) lets more of them die before a scavenge. 144 MiB
 * (48 MiB semi-spaces): per-thread stage CPU -14 % (`node --max-semi-space-size=64
 * bench/stage-bench.js`), 1 M-row ingest ~97,000 -> ~107,000 events/s, for ~180 MiB more peak
 * RSS (bounded: it does not grow with the input). BENCHMARKS.md.
 */
const WORKER_YOUNG_MIB = 144;

/** Files smaller than this are read by one thread: starting workers costs more than it gains. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
/** How far past its target a split point is looked for before giving up on that split. */
const SEARCH_BYTES = 4 * 1024 * 1024;
const NL = 10;

export interface SplitPlan {
  readonly path: string;
  /** The header lines every part after the first is primed with. */
  readonly header: readonly RawLine[];
  /** Byte offsets where parts 2..N start (ascending, each just after a "\n"). */
  readonly splits: readonly number[];
}

/** What one worker flush brings to the main thread, ready for Store.writeFolded. */
export interface PartFlush {
  readonly observations: ObservationDelta[];
  readonly quarantine: readonly QuarantineInput[];
  readonly duplicates: number;
  readonly read: number;
  readonly bytes: number;
}

/**
 * Where to split `path` into `parts` parts, or a reason why it is read by one thread. The header
 * lines must be non-blank: a parser that skips blank lines would otherwise take a data line as
 * its header in every part but the first.
 */
export async function planSplit(
  path: string,
  size: number,
  parser: ParserDefinition,
  parts: number,
  minBytes = PARALLEL_MIN_BYTES,
): Promise<SplitPlan | string> {
  const spec = parser.splittable;
  if (!spec) return `the ${parser.name} parser cannot start in the middle of a file`;
  if (size < minBytes) return 'the file is small';
  const fh = await open(path, 'r');
  try {
    // Header lines: the first `headerLines` lines (within the first MiB).
    const headBuf = Buffer.alloc(Math.min(size, 1024 * 1024));
    await fh.read(headBuf, 0, headBuf.length, 0);
    const header: RawLine[] = [];
    let pos = 0;
    for (let i = 0; i < spec.headerLines; i++) {
      const nl = headBuf.indexOf(NL, pos);
      if (nl < 0) return 'no complete header line in the first MiB';
      let text = headBuf.toString('utf8', pos, nl);
      if (i === 0) text = text.replace(/^\uFEFF/, '');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() === '' || text.includes('\uFFFD') || text.includes('\0'))
        return `header line ${i + 1} is blank or not clean text`;
      header.push({ no: i + 1, text });
      pos = nl + 1;
    }
    const headerEnd = pos;
    const splits: number[] = [];
    const window = Buffer.alloc(SEARCH_BYTES);
    for (let k = 1; k < parts; k++) {
      const target = headerEnd + Math.floor(((size - headerEnd) * k) / parts);
      if (splits.length > 0 && target <= (splits[splits.length - 1] as number)) continue;
      // Read from a little before the target so the line before a candidate is whole.
      const from = Math.max(headerEnd, target - 64 * 1024);
      const { bytesRead } = await fh.read(window, 0, window.length, from);
      const buf = window.subarray(0, bytesRead);
      let lineStart = buf.indexOf(NL, Math.max(0, target - from - 1));
      let prev = buf.lastIndexOf(NL, Math.max(0, lineStart - 1));
      let found: number | undefined;
      while (lineStart >= 0 && lineStart + 1 < buf.length) {
        // Candidate split: just after the "\n" at lineStart; the line before it is (prev, lineStart).
        if (prev >= 0 || from === headerEnd) {
          const begin = prev >= 0 ? prev + 1 : 0;
          let end = lineStart;
          if (end > begin && buf[end - 1] === 13) end--;
          const line = buf.toString('utf8', begin, end);
          const next = buf[lineStart + 1];
          // No BOM-looking bytes at the start of a part (a reader strips one only at the very start).
          if (next !== 0xef && !line.includes('\uFFFD') && (spec.canSplitAfter?.(line) ?? true)) {
            found = from + lineStart + 1;
            break;
          }
        }
        prev = lineStart;
        lineStart = buf.indexOf(NL, lineStart + 1);
      }
      if (found === undefined || found >= size) continue;
      if (splits.length === 0 || found > (splits[splits.length - 1] as number)) splits.push(found);
    }
    if (splits.length === 0) return 'no place to split the file was found';
    return { path, header, splits };
  } finally {
    await fh.close();
  }
}

/** Count "\n" bytes of `path` before each offset in `at` (ascending), calling back as each is known. */
async function countLines(path: string, at: readonly number[], each: (i: number, lines: number) => void) {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    let offset = 0;
    let lines = 0;
    for (let i = 0; i < at.length; i++) {
      const stop = at[i] as number;
      while (offset < stop) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, stop - offset), offset);
        if (bytesRead === 0) break;
        let p = buf.indexOf(NL, 0);
        while (p >= 0 && p < bytesRead) {
          lines++;
          p = buf.indexOf(NL, p + 1);
        }
        offset += bytesRead;
      }
      each(i, lines);
    }
  } finally {
    await fh.close();
  }
}

/**
 * The worker script: the compiled ingest-worker.js next to this file. Under the TypeScript sources
 * (tests), the one in dist/ (built by the test setup, `npm run build`): Node 20 cannot hand a
 * worker thread tsx's loader, and the worker only exchanges plain data with this thread.
 */
function workerScript(): URL {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return new URL('../../dist/pipeline/ingest-worker.js', self);
  return new URL('./ingest-worker.js', self);
}

function toDelta(d: PlainDelta): ObservationDelta {
  const o = d.observation;
  return {
    ...d,
    observation: {
      ...o,
      key: Buffer.from(o.key.buffer, o.key.byteOffset, o.key.byteLength),
    },
  };
}

/**
 * Run the parts; `write` is called for each flush, one at a time, in arrival order. Rejects with
 * the first error (a worker's or `write`'s) once every worker has stopped.
 */
export async function runParts(
  plan: SplitPlan,
  base: Omit<WorkerJob, 'path' | 'start' | 'end' | 'startLine' | 'header'>,
  write: (f: PartFlush) => Promise<void>,
): Promise<void> {
  const url = workerScript();
  const workers: Worker[] = [];
  let failure: unknown;
  let chain: Promise<void> = Promise.resolve();
  const exits: Promise<void>[] = [];
  const stopAll = () => {
    for (const w of workers) void w.terminate();
  };
  const start = (job: WorkerJob) => {
    // A worker holds one batch in flight and its parser's state: a modest old-generation limit
    // keeps V8 collecting instead of growing its heap with the length of the input.
    const w = new Worker(url, {
      workerData: { accordIngestWorker: true, job },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MIB, maxYoungGenerationSizeMb: WORKER_YOUNG_MIB },
    });
    workers.push(w);
    if (failure !== undefined) void w.terminate();
    w.on('message', (m: WorkerMessage) => {
      if (m.kind === 'error') {
        failure ??= new Error(m.message);
        stopAll();
        return;
      }
      const flush: PartFlush = {
        observations: m.observations.map(toDelta),
        quarantine: m.quarantine.map((q) =>
          q.bytes ? { ...q, bytes: Buffer.from(q.bytes.buffer, q.bytes.byteOffset, q.bytes.byteLength) } : q,
        ),
        duplicates: m.duplicates,
        read: m.read,
        bytes: m.bytes,
      };
      chain = chain.then(async () => {
        if (failure !== undefined) return;
        try {
          await write(flush);
          w.postMessage('written');
        } catch (e) {
          failure ??= e;
          stopAll();
        }
      });
    });
    exits.push(
      new Promise<void>((resolve) => {
        w.on('error', (e) => {
          failure ??= e;
          stopAll();
        });
        w.on('exit', () => resolve());
      }),
    );
  };
  const bounds = [0, ...plan.splits];
  const jobFor = (i: number, startLine: number): WorkerJob => ({
    ...base,
    path: plan.path,
    start: bounds[i] as number,
    end: bounds[i + 1],
    startLine,
    header: i === 0 ? [] : plan.header,
  });
  // The first part starts at once; the others as soon as their first line's number is known.
  start(jobFor(0, 1));
  try {
    await countLines(plan.path, plan.splits, (i, lines) => {
      if (failure === undefined) start(jobFor(i + 1, lines + 1));
    });
  } catch (e) {
    failure ??= e;
    stopAll();
  }
  // Workers may exit before their last message is handled: wait for both, until nothing is left.
  let n = -1;
  while (n !== exits.length) {
    n = exits.length;
    await Promise.all(exits);
  }
  await chain;
  await chain; // flushes queued by the last messages
  if (failure !== undefined) throw failure;
}
