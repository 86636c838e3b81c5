/**
 * The runner's own guards (src/pipeline/ingest.ts, peek.ts): a parser that throws does not stop the
 * run or lose records; a source that fails is reported as a source error; a run stopped by a
 * failing store releases its source. A deliberately broken parser is registered for this file only
 * (each test file runs in its own process).
 */
import { describe, expect, it } from 'vitest';
import type { AnyParser, ParseOutcome, RawLine } from '../../src/components/parsers/contract.js';
import { PARSERS } from '../../src/components/parsers/registry.js';
import { runBytes } from '../../src/components/parsers/test-support/golden.js';
import { IngestError, ingest } from '../../src/pipeline/ingest.js';
import type { Store } from '../../src/storage/store.js';
import { expectIdentity, memoryStore } from '../property/support.js';

/** One record per line ("ip"); throws on a line "boom", and in end() when the input held "boom-at-end". */
const brittle: AnyParser = {
  name: 'test-brittle',
  description: 'a parser with bugs, to test the runner',
  options: [],
  parseOptions: () => ({ ok: true, value: {} }),
  sniff: () => 0,
  create() {
    let failAtEnd = false;
    return {
      push(lines: readonly RawLine[], out: ParseOutcome[]) {
        for (const l of lines) {
          if (l.text === 'boom') throw new TypeError(`cannot read ${l.text}`);
          if (l.text === 'boom-at-end') {
            failAtEnd = true;
            continue;
          }
          out.push({ kind: 'record', line: l.no, fields: { 'source.ip': l.text }, raw: l.text });
        }
      },
      end() {
        if (failAtEnd) throw new Error('lost state');
      },
    };
  },
};
(PARSERS as AnyParser[]).push(brittle);

async function* chunksOf(...parts: Array<string | Error>): AsyncGenerator<Buffer> {
  for (const p of parts) {
    if (p instanceof Error) throw p;
    yield Buffer.from(p);
  }
}

describe('pipeline guards', () => {
  it('a parser that throws on a line: that line is quarantined as an internal error, the rest is kept', async () => {
    const input = '198.51.100.1\n198.51.100.2\nboom\n198.51.100.3\nboom\n198.51.100.4\n';
    const { summary, store } = await runBytes(input, 'brittle.txt', 'test-brittle');
    expectIdentity(summary);
    expect(summary).toMatchObject({ read: 6, new: 4, quarantined: 2 });
    const q = await store.listQuarantine();
    expect(q.map((x) => [x.line, x.raw])).toEqual([
      [3, 'boom'],
      [5, 'boom'],
    ]);
    expect(q[0]?.reason).toBe('internal error in the test-brittle parser on this line: cannot read boom');
  });

  it('a parser that throws in end(): counted and quarantined, the records before are kept', async () => {
    const { summary, store } = await runBytes('198.51.100.1\nboom-at-end\n', 'brittle.txt', 'test-brittle');
    expectIdentity(summary);
    expect(summary).toMatchObject({ read: 2, new: 1, quarantined: 1 });
    const [q] = await store.listQuarantine();
    expect(q?.line).toBe(0);
    expect(q?.reason).toMatch(
      /internal error in the test-brittle parser at the end of the input: lost state/,
    );
  });

  it('a source that fails before anything is read: an IngestError "source" naming it', async () => {
    const store = memoryStore();
    const run = ingest({
      source: { name: 'https://feeds.example/x.csv', chunks: chunksOf(new Error('connect ECONNREFUSED')) },
      format: 'intelmq-jsonl',
      store,
    });
    await expect(run).rejects.toBeInstanceOf(IngestError);
    await expect(run).rejects.toMatchObject({
      code: 'source',
      message: 'https://feeds.example/x.csv: connect ECONNREFUSED',
    });
  });

  it('a source that fails midway: the whole records before are kept, the run is marked failed', async () => {
    const store = memoryStore();
    const line = (ip: string) => `${JSON.stringify({ 'feed.name': 'x', 'source.ip': ip })}\n`;
    // More than the 64 KiB sniffing head, so the failure comes after detection.
    const head = line('198.51.100.1').repeat(1) + ' '.repeat(70_000) + '\n';
    const err = await ingest({
      source: { name: 'x.jsonl', chunks: chunksOf(head, line('198.51.100.2'), new Error('socket hang up')) },
      format: 'intelmq-jsonl',
      store,
    }).catch((e: unknown) => e as Error & { summary?: { read: number; new: number } });
    expect((err as Error).message).toBe('socket hang up');
    expect((err as { summary?: unknown }).summary).toMatchObject({ read: 2, new: 2 });
    expect(store.events).toHaveLength(2);
    expect(store.runs[0]).toMatchObject({ status: 'failed', read: 2, new: 2, error: 'socket hang up' });
  });

  it('a run stopped by a failing store releases its source (no open file or socket left)', async () => {
    let closed = false;
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield Buffer.from(
            `${JSON.stringify({ 'feed.name': 'x', 'source.ip': `198.51.100.${i % 250}` })}\n`.repeat(400),
          );
        }
      } finally {
        closed = true;
      }
    }
    const failing: Store = Object.assign(memoryStore(), {
      writeFolded: async () => {
        throw new Error('disk full');
      },
    });
    await expect(
      ingest({
        source: { name: 'big.jsonl', chunks: source() },
        format: 'intelmq-jsonl',
        store: failing,
        batchSize: 100,
      }),
    ).rejects.toThrow('disk full');
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(1000);
  });
});
