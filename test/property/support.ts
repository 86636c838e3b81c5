/**
 * Shared helpers of the bad-input and property suites: ingest bytes cut into chosen chunks, check
 * the accounting identity, and find, for every registered parser, options it accepts and sample
 * inputs (its own golden fixtures, and slices of ../shared/data when present).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AnyParser } from '../../src/components/parsers/contract.js';
import { PARSERS, parserByName } from '../../src/components/parsers/registry.js';
import {
  type CaseOptions,
  FIXED_NOW,
  hasSharedData,
  SHARED_DATA,
} from '../../src/components/parsers/test-support/golden.js';
import { type IngestSummary, ingest } from '../../src/pipeline/ingest.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { QuarantineInput, Store } from '../../src/storage/store.js';

export const PARSERS_DIR = join(import.meta.dirname, '../../src/components/parsers');

export function memoryStore(): MemoryStore {
  return new MemoryStore(() => FIXED_NOW);
}

export interface ChunkRun {
  readonly summary: IngestSummary;
  /** Every quarantine entry as ingest reported it (onQuarantine), duplicates included. */
  readonly reported: QuarantineInput[];
}

/** Ingest `chunks` (in that cutting) through the real pipeline. */
export async function ingestChunks(
  chunks: readonly Buffer[],
  name: string,
  format: string | undefined,
  opts: CaseOptions = {},
  store: Store = memoryStore(),
): Promise<ChunkRun> {
  const reported: QuarantineInput[] = [];
  async function* gen(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield c;
  }
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const summary = await ingest({
    source: { name, size, chunks: gen() },
    ...(format ? { format } : {}),
    ...(opts.parser ? { parserOptions: opts.parser } : {}),
    // Every event record is kept, so the properties can compare stored events with the summary.
    feed: { keepEvents: true, ...(opts.feed ?? {}) },
    store,
    now: () => FIXED_NOW,
    onQuarantine: (q) => reported.push(q),
  });
  return { summary, reported };
}

/** Cut `buf` at the given offsets (any order, out-of-range ignored). */
export function cutAt(buf: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets.filter((o) => o > 0 && o < buf.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** Cut `buf` into pieces of `size` bytes. */
export function pieces(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

export function expectIdentity(s: Pick<IngestSummary, 'read' | 'new' | 'folded' | 'quarantined'>): void {
  expect(s.read, `read ${s.read} = new ${s.new} + folded ${s.folded} + quarantined ${s.quarantined}`).toBe(
    s.new + s.folded + s.quarantined,
  );
  for (const n of [s.read, s.new, s.folded, s.quarantined]) expect(Number.isInteger(n) && n >= 0).toBe(true);
}

/** A parser or the validation threw and ingest caught it (see ingest.ts): a bug tests must not hide. */
export function internalErrors(reported: readonly QuarantineInput[]): QuarantineInput[] {
  return reported.filter((q) => q.reason.startsWith('internal error'));
}

/** Find a registered parser by the first of several candidate names (other helpers name theirs). */
export function findParser(...names: string[]): AnyParser | undefined {
  for (const n of names) {
    const p = parserByName(n);
    if (p) return p;
  }
  return undefined;
}

export interface Fixture {
  /** Path relative to the parsers folder, for messages. */
  readonly path: string;
  readonly bytes: Buffer;
  readonly options: CaseOptions;
}

/** Every golden fixture input, with the format it is for (from its golden file, else its folder). */
function allFixtures(): Array<Fixture & { format: string }> {
  const out: Array<Fixture & { format: string }> = [];
  if (!existsSync(PARSERS_DIR)) return out;
  for (const dir of readdirSync(PARSERS_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const fx = join(PARSERS_DIR, dir.name, 'fixtures');
    if (!existsSync(fx)) continue;
    for (const f of readdirSync(fx).sort()) {
      if (!/\.input(\.[^.]+)?$/.test(f)) continue;
      const stem = f.replace(/\.input(\.[^.]+)?$/, '');
      const optPath = join(fx, `${stem}.options.json`);
      let options: CaseOptions = {};
      try {
        if (existsSync(optPath)) options = JSON.parse(readFileSync(optPath, 'utf8')) as CaseOptions;
      } catch {
        options = {};
      }
      let format = typeof options.format === 'string' ? options.format : dir.name;
      try {
        const golden = JSON.parse(readFileSync(join(fx, `${stem}.golden.json`), 'utf8')) as {
          summary?: { format?: string };
        };
        if (golden.summary?.format) format = golden.summary.format;
      } catch {
        /* no golden yet: the folder name */
      }
      out.push({ path: `${dir.name}/fixtures/${f}`, bytes: readFileSync(join(fx, f)), options, format });
    }
  }
  return out;
}

/** The first `maxLines` lines (and at most `maxBytes`) of a file, cut at a line end. */
function head(path: string, maxLines: number, maxBytes: number): Buffer {
  const b = readFileSync(path).subarray(0, maxBytes);
  let end = 0;
  let n = 0;
  for (let i = 0; i < b.length && n < maxLines; i++)
    if (b[i] === 10) {
      end = i + 1;
      n++;
    }
  return b.subarray(0, end || b.length);
}

/** Small slices of the real samples in ../shared/data (empty when it is absent). */
export function sharedSamples(): Array<{ path: string; bytes: Buffer }> {
  if (!hasSharedData) return [];
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const sub of ['shadowserver', 'blocklists']) {
    const dir = join(SHARED_DATA, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(csv|ipset|netset|txt|jsonl|json)$/.test(f) || f.includes('LICENSE')) continue;
      out.push({ path: `${sub}/${f}`, bytes: head(join(dir, f), 40, 6000) });
    }
  }
  return out;
}

export interface ParserSetup {
  readonly parser: AnyParser;
  /** Options it accepts: {} when it needs none, else the first of its fixtures' options it accepts. */
  readonly options: CaseOptions | undefined;
  /** Its own fixtures. */
  readonly fixtures: Fixture[];
}

/** Every registered parser, with options and samples. */
export function parserSetups(): ParserSetup[] {
  const fixtures = allFixtures();
  return PARSERS.map((parser) => {
    const own = fixtures.filter((f) => f.format === parser.name);
    let options: CaseOptions | undefined;
    if (parser.parseOptions({}).ok) options = {};
    else {
      const ok = own.find((f) => f.options.parser && parser.parseOptions(f.options.parser).ok);
      if (ok) options = { parser: ok.options.parser, ...(ok.options.feed ? { feed: ok.options.feed } : {}) };
    }
    return { parser, options, fixtures: own };
  });
}
