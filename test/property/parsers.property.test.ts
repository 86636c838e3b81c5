/**
 * Property tests over EVERY registered parser (a new parser is covered by being in the registry):
 *
 * (a) random bytes, and random line-shaped text, never make an exception escape `ingest()`, and
 *     `read = new + folded + quarantined` holds;
 * (b) the same for random mutations of real samples (the parser's own fixtures and, when present,
 *     slices of ../shared/data): lines deleted, inserted, duplicated, swapped; bytes flipped;
 *     truncation; quotes, commas, NUL, CR/LF and invalid UTF-8 injected;
 * (c) ingesting the same input again into the same store adds nothing (new = 0, all folded);
 * and in every run the result does not depend on how the input was cut into chunks.
 *
 * A parser that throws is caught by ingest (its line is quarantined as an internal error); these
 * tests fail on that too, with the input, so the parser gets fixed rather than the crash hidden.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CaseOptions, FIXED_NOW } from '../../src/components/parsers/test-support/golden.js';
import type { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import {
  cutAt,
  expectIdentity,
  ingestChunks,
  internalErrors,
  memoryStore,
  type ParserSetup,
  parserSetups,
  pieces,
  sharedSamples,
} from './support.js';

/** Runs per property; raise it for a deeper local search: PROPERTY_RUNS=2000 npx vitest run test/property */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

/** Line-shaped text from tokens parsers care about: delimiters, quotes, IPs, JSON, comments. */
const TOKENS = [
  '\n',
  '\r\n',
  ',',
  ';',
  '\t',
  '"',
  "'",
  ' ',
  '#',
  '{',
  '}',
  ':',
  '[',
  ']',
  '198.51.100.7',
  '203.0.113.9:443',
  '10.0.0.1',
  '2001:db8::1',
  'example.com',
  'hxxp://evil[.]example/a?b=c',
  '2026-10-30 12:00:00',
  '"timestamp","src_ip","dst_ip"',
  '"source.ip":',
  '"feed.name":"x"',
  'null',
  '0',
  '-1',
  '99999999999999999999',
  '\u0000',
  '\uFEFF',
  'é',
  '🦊',
];
const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => Buffer.from(a.join('')));
const bytes = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
const randomInput = fc.oneof(text, bytes);

type Mutation =
  | { readonly k: 'del'; readonly i: number }
  | { readonly k: 'ins'; readonly i: number; readonly b: Uint8Array }
  | { readonly k: 'dup'; readonly i: number }
  | { readonly k: 'swap'; readonly i: number; readonly j: number }
  | { readonly k: 'flip'; readonly p: number; readonly v: number }
  | { readonly k: 'trunc'; readonly p: number }
  | { readonly k: 'inject'; readonly p: number; readonly t: Uint8Array };

const INJECT = ['"', ',', '\u0000', '\r', '\n', '""', ';', '\t', '\uFEFF', '{'].map((s) => Buffer.from(s));
const BAD_UTF8 = [[0xff], [0xc3], [0xe6, 0x97], [0x80], [0xed, 0xa0, 0x80]].map((b) => Buffer.from(b));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant('del' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('ins' as const), i: fc.nat(), b: text }),
  fc.record({ k: fc.constant('dup' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ k: fc.constant('flip' as const), p: fc.nat(), v: fc.nat(255) }),
  fc.record({ k: fc.constant('trunc' as const), p: fc.nat() }),
  fc.record({ k: fc.constant('inject' as const), p: fc.nat(), t: fc.constantFrom(...INJECT, ...BAD_UTF8) }),
);

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let s = 0;
  for (let i = 0; i < b.length; i++)
    if (b[i] === 10) {
      out.push(b.subarray(s, i));
      s = i + 1;
    }
  out.push(b.subarray(s));
  return out;
}

function joinLines(lines: Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((l, i) => (i === 0 ? [l] : [Buffer.from('\n'), l])));
}

function mutate(sample: Buffer, muts: readonly Mutation[]): Buffer {
  let b = sample;
  for (const m of muts) {
    if (m.k === 'flip' || m.k === 'trunc' || m.k === 'inject') {
      if (b.length === 0) continue;
      const p = m.p % b.length;
      if (m.k === 'flip') {
        b = Buffer.from(b);
        b[p] = m.v;
      } else if (m.k === 'trunc') b = b.subarray(0, p);
      else b = Buffer.concat([b.subarray(0, p), m.t, b.subarray(p)]);
      continue;
    }
    const lines = splitLines(b);
    const i = m.i % lines.length;
    if (m.k === 'del') lines.splice(i, 1);
    else if (m.k === 'ins') lines.splice(i, 0, Buffer.from(m.b));
    else if (m.k === 'dup') lines.splice(i, 0, lines[i] as Buffer);
    else {
      const j = m.j % lines.length;
      [lines[i], lines[j]] = [lines[j] as Buffer, lines[i] as Buffer];
    }
    b = joinLines(lines);
  }
  return b;
}

/** The stored state, comparable between runs. */
function state(store: MemoryStore) {
  return { events: store.events, quarantine: store.quarantine.map(({ at, ...q }) => q) };
}

/**
 * Every property on one input: ingest whole; ingest cut at `cuts` into a fresh store (same
 * result); ingest again into the first store (nothing new).
 */
async function check(
  setup: ParserSetup,
  input: Buffer,
  cuts: readonly number[],
  caseOptions?: CaseOptions,
): Promise<void> {
  const format = setup.parser.name;
  const opts = caseOptions ?? setup.options ?? {};
  const name = `prop-input.${format}`;
  const where = () => `parser ${format}, input (base64) ${input.toString('base64')}`;

  const store = memoryStore();
  const first = await ingestChunks([input], name, format, opts, store);
  const s = first.summary;
  expectIdentity(s);
  expect(internalErrors(first.reported), `parser or validation threw: ${where()}`).toEqual([]);
  expect(first.reported.length).toBe(s.quarantined);
  const lineCount = splitLines(input).length;
  for (const q of first.reported) {
    expect(q.source).toBe(name);
    expect(q.reason.trim().length, where()).toBeGreaterThan(0);
    expect(q.line >= 0 && q.line <= lineCount, `line ${q.line} of ${lineCount}: ${where()}`).toBe(true);
  }

  // The chunking of the input changes nothing.
  const other = memoryStore();
  const cut = await ingestChunks(cutAt(input, cuts), name, format, opts, other);
  expect(cut.summary.read, where()).toBe(s.read);
  expect(cut.summary.new, where()).toBe(s.new);
  expect(cut.summary.quarantined, where()).toBe(s.quarantined);
  expect(state(other), where()).toEqual(state(store));

  // (c) The same input again: nothing new, every event folded, the same quarantine.
  const again = await ingestChunks([input], name, format, opts, store);
  expectIdentity(again.summary);
  expect(again.summary.new, where()).toBe(0);
  expect(again.summary.read, where()).toBe(s.read);
  expect(again.summary.folded, where()).toBe(s.new + s.folded);
  expect(again.summary.quarantined, where()).toBe(s.quarantined);
  expect(store.events.length).toBe(s.new);
}

const setups = parserSetups();
const shared = sharedSamples();
const cuts = fc.array(fc.nat(400), { maxLength: 8 });

describe('every parser (property)', () => {
  it('the registry has parsers to test', () => {
    expect(setups.length).toBeGreaterThan(0);
  });

  for (const setup of setups) {
    describe(setup.parser.name, () => {
      it('has options it accepts (from {} or its fixtures *.options.json)', () => {
        expect(
          setup.options,
          `${setup.parser.name}: parseOptions({}) fails and no fixtures/*.options.json gives options it accepts`,
        ).toBeDefined();
      });

      it.skipIf(!setup.options)('(a) random bytes and text: no exception, identity holds', async () => {
        await fc.assert(
          fc.asyncProperty(randomInput, cuts, (input, c) => check(setup, input, c)),
          { numRuns: RUNS },
        );
      });

      // A fixture is read with its own options when the parser accepts them (they exercise more of it).
      const samples: Array<{ path: string; bytes: Buffer; options?: CaseOptions }> = [
        ...setup.fixtures.map((f) => ({
          path: f.path,
          bytes: f.bytes,
          ...(f.options.parser === undefined || setup.parser.parseOptions(f.options.parser).ok
            ? { options: f.options }
            : {}),
        })),
        ...shared,
      ];
      it.skipIf(!setup.options || samples.length === 0)(
        `(b) random mutations of ${samples.length} real samples: no exception, identity holds`,
        async () => {
          await fc.assert(
            fc.asyncProperty(
              fc.constantFrom(...samples),
              fc.array(mutation, { minLength: 1, maxLength: 5 }),
              cuts,
              (sample, muts, c) => check(setup, mutate(sample.bytes, muts), c, sample.options),
            ),
            { numRuns: RUNS },
          );
        },
      );

      it.skipIf(!setup.options || samples.length === 0)(
        '(c) every sample as it is: re-ingest adds nothing, chunking changes nothing',
        async () => {
          for (const sample of samples)
            await check(setup, sample.bytes, [1, 7, 100, 101, 102, 1000], sample.options);
        },
      );

      it.skipIf(!setup.options || setup.fixtures.length === 0)(
        '(c) its fixtures into SQLite twice: the second run adds nothing, the stores agree',
        async () => {
          for (const f of setup.fixtures) {
            const opts =
              f.options.parser === undefined || setup.parser.parseOptions(f.options.parser).ok
                ? f.options
                : (setup.options ?? {});
            const db = openSqliteStore(':memory:', { now: () => FIXED_NOW });
            try {
              const mem = memoryStore();
              const a = await ingestChunks([f.bytes], f.path, setup.parser.name, opts, db);
              await ingestChunks([f.bytes], f.path, setup.parser.name, opts, mem);
              expectIdentity(a.summary);
              const b = await ingestChunks(pieces(f.bytes, 13), f.path, setup.parser.name, opts, db);
              expectIdentity(b.summary);
              expect(b.summary.new, f.path).toBe(0);
              expect(b.summary.folded, f.path).toBe(a.summary.new + a.summary.folded);
              expect(await db.counts(), f.path).toEqual(await mem.counts());
              expect(await db.listEvents({ limit: 100_000 })).toEqual(mem.events);
            } finally {
              await db.close();
            }
          }
        },
      );
    });
  }
});
