/**
 * Folding across runs: the same file twice changes nothing; overlapping files count each event
 * once; events fold into observations by (type, source, destination ip:port, family, day).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBytes } from '../../src/components/parsers/test-support/golden.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

function line(ts: string, src: string, dst: string, port: number, family = 'emotet'): string {
  return JSON.stringify({
    'feed.name': 'test-sinkhole',
    'time.source': ts,
    'classification.type': 'infected-system',
    'source.ip': src,
    'destination.ip': dst,
    'destination.port': port,
    'malware.name': family,
  });
}

const A = [
  line('2026-10-01T01:00:00Z', '198.51.100.1', '203.0.113.9', 443),
  line('2026-10-01T02:00:00Z', '198.51.100.1', '203.0.113.9', 443), // same observation, new event
  line('2026-10-01T03:00:00Z', '198.51.100.2', '203.0.113.9', 443),
];
const B = [
  A[2] as string, // overlap with A
  line('2026-10-02T01:00:00Z', '198.51.100.1', '203.0.113.9', 443), // next day: new observation
  line('2026-10-01T04:00:00Z', '198.51.100.1', '203.0.113.9', 443), // same day as A's first two
];
const text = (lines: string[]) => `${lines.join('\n')}\n`;

describe('folding', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('the same file twice changes nothing', async () => {
    const store = new MemoryStore();
    const first = await runBytes(text(A), 'a.jsonl', 'intelmq-jsonl', {}, store);
    expect(first.result.summary).toMatchObject({ read: 3, new: 3, folded: 0, quarantined: 0 });
    const before = await store.listObservations();
    const second = await runBytes(text(A), 'a.jsonl', 'intelmq-jsonl', {}, store);
    expect(second.result.summary).toMatchObject({ read: 3, new: 0, folded: 3, quarantined: 0 });
    expect(await store.listObservations()).toEqual(before);
  });

  it('overlapping files count each event once, in SQLite too', async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-fold-'));
    const sqlite = openSqliteStore(join(dir, 'a.db'));
    const memory = new MemoryStore();
    for (const store of [sqlite, memory]) {
      await runBytes(text(A), 'a.jsonl', 'intelmq-jsonl', {}, store);
      const b = await runBytes(text(B), 'b.jsonl', 'intelmq-jsonl', {}, store);
      expect(b.summary).toMatchObject({ read: 3, new: 2, folded: 1 });
      expect(await store.counts()).toMatchObject({ events: 5, observations: 3, quarantine: 0 });
      const obs = await store.listObservations();
      expect(obs.map((o) => [o.source, o.day, o.count, o.firstSeen, o.lastSeen])).toEqual([
        ['198.51.100.1', '2026-10-01', 3, '2026-10-01T01:00:00.000Z', '2026-10-01T04:00:00.000Z'],
        ['198.51.100.2', '2026-10-01', 1, '2026-10-01T03:00:00.000Z', '2026-10-01T03:00:00.000Z'],
        ['198.51.100.1', '2026-10-02', 1, '2026-10-02T01:00:00.000Z', '2026-10-02T01:00:00.000Z'],
      ]);
    }
    await sqlite.close();
  });
});
