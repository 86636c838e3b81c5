/**
 * Bad input at the level of bytes and lines (issue 2, "Bad input"), through the real pipeline:
 * line reader -> parser -> schema -> store. The format is IntelMQ JSON lines, whose records are
 * one line each, so every expected count below is exact. Each case checks the message (file and
 * line), the quarantined record, that nothing else was lost, and `read = new + folded + quarantined`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_NOW, runBytes } from '../../src/components/parsers/test-support/golden.js';
import { fileSource } from '../../src/components/sources/file-source.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { expectIdentity, ingestChunks, memoryStore, pieces } from '../property/support.js';

const F = 'intelmq-jsonl';

/** One IntelMQ JSON line for a C2 at `ip` (a documentation address unless a test says otherwise). */
function rec(ip: string, more: Record<string, unknown> = {}): string {
  return JSON.stringify({
    'feed.name': 'bad-input',
    'time.source': '2026-10-30T12:00:00+00:00',
    'classification.type': 'c2-server',
    'source.ip': ip,
    ...more,
  });
}

/** n good records, 198.51.100.1 .. n. */
function good(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => rec(`198.51.100.${from + i}`));
}

let dirs: string[] = [];
const stores: SqliteStore[] = [];
function sqlite(): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'accord-bad-'));
  dirs.push(dir);
  const s = openSqliteStore(join(dir, 'a.db'), { now: () => FIXED_NOW });
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A small deterministic generator (xorshift32), so "random" garbage is the same on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe('bad input: lines and bytes', () => {
  it('a 2 MB line is quarantined with a reason giving its size; the rest of the file is ingested', async () => {
    const huge = rec('198.51.100.200', { 'extra.pad': 'x'.repeat(2_000_000) });
    const size = Buffer.byteLength(huge);
    const input = Buffer.from([...good(2), huge, ...good(3, 3)].join('\n') + '\n');
    // As a file stream would give it (64 KiB chunks), into SQLite; and in one chunk into memory.
    const store = sqlite();
    const run = await ingestChunks(pieces(input, 64 * 1024), 'big.jsonl', F, {}, store);
    const s = run.summary;
    expect(s).toMatchObject({ read: 6, new: 5, folded: 0, quarantined: 1 });
    expectIdentity(s);
    expect(run.reported).toHaveLength(1);
    const q = run.reported[0];
    expect(q).toMatchObject({ source: 'big.jsonl', line: 3 });
    expect(q?.reason).toBe(`line is ${size.toLocaleString('en')} bytes, over the 1,048,576-byte limit`);
    const stored = await store.listQuarantine();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ line: 3, source: 'big.jsonl', feed: 'big' });
    expect(stored[0]?.raw.length).toBe(size); // under the 16 MiB raw limit: kept whole
    expect((await store.counts()).events).toBe(5);

    const one = await runBytes(input, 'big.jsonl', F);
    expect(one.result.summary).toMatchObject({ read: 6, new: 5, quarantined: 1 });
    expect(one.result.quarantine[0]?.reason).toBe(q?.reason);
  });

  it('a 2 MB line read from a real file (1 MiB chunks): quarantined, the lines around it ingested', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-big-'));
    dirs.push(dir);
    const path = join(dir, 'big.jsonl');
    const huge = `{"pad": "${'é'.repeat(1_100_000)}"}`; // 2.2 MB of two-byte characters
    writeFileSync(path, `${good(1).join('')}\r\n${huge}\r\n${good(2, 2).join('\r\n')}`);
    const store = sqlite();
    const summary = await ingest({ source: await fileSource(path), format: F, store, now: () => FIXED_NOW });
    expect(summary).toMatchObject({ read: 4, new: 3, quarantined: 1 });
    expectIdentity(summary);
    const [q] = await store.listQuarantine();
    expect(q).toMatchObject({ line: 2, source: path });
    expect(q?.reason).toBe(
      `line is ${Buffer.byteLength(huge).toLocaleString('en')} bytes, over the 1,048,576-byte limit`,
    );
  });

  it('binary garbage (random bytes with NUL) is quarantined line by line, byte for byte; good lines are kept', async () => {
    const next = rng(20261101);
    const garbage: Buffer[] = [];
    for (let i = 0; i < 25; i++) {
      const len = 1 + (next() % 60);
      const b = Buffer.alloc(len);
      for (let k = 0; k < len; k++) {
        let v = next() & 0xff;
        if (v === 10 || v === 13) v = 0x0e; // keep line structure known; a trailing CR would be stripped
        b[k] = v;
      }
      // Every garbage line is undeniably binary or not UTF-8.
      b[next() % len] = i % 2 === 0 ? 0x00 : 0xff;
      garbage.push(b);
    }
    const lines: Buffer[] = [];
    const goodLines = good(10);
    const expectedBad = new Map<number, Buffer>();
    for (let i = 0; i < 10; i++) {
      lines.push(Buffer.from(goodLines[i] as string));
      for (const g of garbage.slice(i * 2.5, (i + 1) * 2.5)) {
        lines.push(g);
        expectedBad.set(lines.length, g);
      }
    }
    const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const store = sqlite();
    const run = await ingestChunks(pieces(input, 97), 'garbage.bin', F, {}, store);
    expectIdentity(run.summary);
    expect(run.summary).toMatchObject({ read: 35, new: 10, quarantined: 25 });
    const stored = await store.listQuarantine({ limit: 1000 });
    expect(stored.map((q) => q.line).sort((a, b) => a - b)).toEqual(
      [...expectedBad.keys()].sort((a, b) => a - b),
    );
    for (const q of stored) {
      expect(q.source).toBe('garbage.bin');
      expect(q.bytes, `line ${q.line} keeps its exact bytes`).toEqual(expectedBad.get(q.line));
      expect(q.reason).toMatch(/NUL bytes|invalid UTF-8 at byte \d+/);
    }
  });

  it('an empty file: a warning, read = 0, no crash, whether the format is given or not', async () => {
    for (const format of [F, undefined]) {
      const { summary, store } = await runBytes(Buffer.alloc(0), 'empty.jsonl', format);
      expect(summary).toMatchObject({ read: 0, new: 0, folded: 0, quarantined: 0, bytes: 0 });
      expect(summary.warnings).toEqual(['empty.jsonl: empty input, nothing to ingest']);
      expect(await store.counts()).toEqual({ events: 0, observations: 0, quarantine: 0 });
    }
    const store = sqlite();
    const { summary } = await runBytes('', 'empty.jsonl', F, {}, store);
    expect(summary.read).toBe(0);
    expect(await store.counts()).toEqual({ events: 0, observations: 0, quarantine: 0 });
  });

  it('a file of only blank lines (and a BOM) is empty too, even without --format', async () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n  \r\n\t\n')]);
    const { summary } = await runBytes(input, 'blank.txt', undefined);
    expect(summary).toMatchObject({ read: 0, new: 0, quarantined: 0 });
    expect(summary.warnings).toEqual(['blank.txt: no records found (only headers, comments or blank lines)']);
  });

  it('non-UTF-8 bytes: the line is quarantined naming the byte, and its exact bytes are kept', async () => {
    // "München" in Latin-1: ü is the single byte 0xFC.
    const latin1 = Buffer.from(rec('198.51.100.77', { 'extra.city': 'M\u00fcnchen' }), 'latin1');
    const at = latin1.indexOf(0xfc) + 1;
    const input = Buffer.concat([
      Buffer.from(`${good(1)[0]}\n`),
      latin1,
      Buffer.from(`\n${good(2, 2).join('\n')}\n`),
    ]);
    for (const store of [memoryStore(), sqlite()]) {
      const run = await ingestChunks([input], 'latin1.jsonl', F, {}, store);
      expect(run.summary).toMatchObject({ read: 4, new: 3, quarantined: 1 });
      expectIdentity(run.summary);
      const [q] = await store.listQuarantine();
      expect(q).toMatchObject({
        line: 2,
        source: 'latin1.jsonl',
        reason: `invalid UTF-8 at byte ${at} of the line`,
      });
      expect(q?.bytes).toEqual(latin1);
      expect(q?.raw).toContain('M\uFFFDnchen');
    }
  });

  it('CRLF line ends read exactly as LF ones', async () => {
    const lf = `${good(4).join('\n')}\n`;
    const crlf = lf.replaceAll('\n', '\r\n');
    const a = await runBytes(lf, 'x.jsonl', F);
    const b = await runBytes(crlf, 'x.jsonl', F);
    expect(b.result).toEqual(a.result);
    expect(b.result.summary).toMatchObject({ read: 4, new: 4, quarantined: 0 });
    // Mixed line ends, and a CR split from its LF by a chunk boundary.
    const mixed = Buffer.from(`${good(2).join('\r\n')}\n${good(2, 3).join('\r\n')}\r\n`);
    const c = await ingestChunks(pieces(mixed, 5), 'x.jsonl', F);
    expect(c.summary).toMatchObject({ read: 4, new: 4, quarantined: 0 });
  });

  it('a UTF-8 BOM is ignored, with and without --format', async () => {
    const body = `${good(3).join('\n')}\n`;
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    const plain = await runBytes(body, 'x.jsonl', F);
    const bom = await runBytes(withBom, 'x.jsonl', F);
    expect(bom.result).toEqual(plain.result);
    expect(bom.result.summary).toMatchObject({ read: 3, new: 3, quarantined: 0 });
    const detected = await runBytes(withBom, 'x.jsonl', undefined);
    expect(detected.result).toEqual(plain.result);
  });

  it('a final line without a newline is read', async () => {
    const { result } = await runBytes(good(3).join('\n'), 'x.jsonl', F);
    expect(result.summary).toMatchObject({ read: 3, new: 3, quarantined: 0 });
    expect(result.events).toHaveLength(3);
  });

  it('a chunk boundary inside a multi-byte character changes nothing (every cut of the input)', async () => {
    const text = [
      rec('198.51.100.1', { 'extra.city': 'Zürich', 'extra.note': '東京 🦊 é' }),
      rec('198.51.100.2', { 'extra.owner': 'Société Générale — Ωmega' }),
      '{"broken": "ü',
      rec('198.51.100.3', { 'extra.emoji': '🦊🦊' }),
    ].join('\n');
    const input = Buffer.from(`${text}\n`);
    const one = await ingestChunks([input], 'utf8.jsonl', F);
    expect(one.summary).toMatchObject({ read: 4, new: 3, quarantined: 1 });
    const baseline = memoryStore();
    await ingestChunks([input], 'utf8.jsonl', F, {}, baseline);
    for (let size = 1; size <= 7; size++) {
      const store = memoryStore();
      const run = await ingestChunks(pieces(input, size), 'utf8.jsonl', F, {}, store);
      expect(run.summary).toMatchObject({ read: 4, new: 3, folded: 0, quarantined: 1 });
      expect(store.events).toEqual(baseline.events);
      expect(store.quarantine.map(({ at, ...q }) => q)).toEqual(baseline.quarantine.map(({ at, ...q }) => q));
    }
  });
});
