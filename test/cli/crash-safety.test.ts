/**
 * Crash safety: `kill -9` in the middle of `accord ingest`, then the same command again, must leave
 * the store exactly as one clean run does: same events, same observations with the same counts,
 * same quarantine (no loss, no double count). Real child processes, real SQLite files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, jsonOut, runCli, startCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A synthetic IntelMQ JSON lines feed: infected hosts talking to C2 servers, several events per
 * observation (same host, C2 and day at different minutes), exact duplicates (folded) and bad
 * lines (quarantined), spread through the whole file so every batch has some of each.
 */
function writeInput(path: string, lines: number): { duplicates: number; bad: number } {
  const out: string[] = [];
  let duplicates = 0;
  let bad = 0;
  const day0 = Date.UTC(2026, 9, 1);
  for (let i = 0; i < lines; i++) {
    if (i % 997 === 500) {
      out.push(`{"feed.name": "crash", "source.ip": "198.51.100.${i % 250}", broken json line ${i}`);
      bad++;
      continue;
    }
    if (i % 50 === 49 && (i - 7) % 997 !== 500) {
      out.push(out[i - 7] as string);
      duplicates++;
      continue;
    }
    const host = i % 20_000; // 20k infected hosts, each seen several times
    out.push(
      JSON.stringify({
        'feed.name': 'crash',
        'time.source': new Date(day0 + (host % 3) * 86_400_000 + (i % 1440) * 60_000).toISOString(),
        'classification.type': 'infected-system',
        'source.ip': `198.51.${100 + (host >> 8)}.${host & 255}`,
        'source.port': 1024 + (i % 60_000),
        'destination.ip': `203.0.113.${host % 97}`,
        'destination.port': 443,
        'malware.name': host % 3 === 0 ? 'emotet' : 'qakbot',
      }),
    );
  }
  writeFileSync(path, `${out.join('\n')}\n`);
  return { duplicates, bad };
}

interface Snapshot {
  events: string[];
  observations: string[];
  quarantine: string[];
}

function snapshot(dbFile: string): Snapshot {
  const db = new Database(dbFile, { readonly: true });
  try {
    const events = (
      db.prepare('SELECT hex(id) AS id, hex(obs_key) AS k, feed, seen_at, data FROM events').all() as Array<{
        id: string;
        k: string;
        feed: string;
        seen_at: number;
        data: string;
      }>
    ).map((r) => {
      // time.observation is when the run started: the only field allowed to differ between runs.
      const { 'time.observation': _, ...event } = JSON.parse(r.data) as Record<string, unknown>;
      return `${r.id}|${r.k}|${r.feed}|${r.seen_at}|${JSON.stringify(event)}`;
    });
    const observations = (
      db.prepare('SELECT * FROM observations').all() as Array<Record<string, unknown>>
    ).map((r) => JSON.stringify({ ...r, key: (r.key as Buffer).toString('hex') }));
    const quarantine = (
      db
        .prepare('SELECT id, feed, source, format, line, reason, field, raw, hex(bytes) AS b FROM quarantine')
        .all() as Array<Record<string, unknown>>
    ).map((r) => JSON.stringify(r));
    return { events: events.sort(), observations: observations.sort(), quarantine: quarantine.sort() };
  } finally {
    db.close();
  }
}

function committedEvents(dbFile: string): number {
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      // Distinct events stored: the counts of the observations they folded into.
      return (db.prepare('SELECT coalesce(sum(count), 0) AS n FROM observations').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

describe('crash safety', () => {
  it('kill -9 mid-ingest, then the same command again, equals one clean run', async () => {
    const LINES = 40_000;
    const { duplicates, bad } = writeInput(join(dir, 'feed.jsonl'), LINES);
    const args = (db: string) => ['ingest', 'feed.jsonl', '--db', db, '--batch-size', '2000', '--json'];

    // The reference: one clean run.
    const clean = await runCli(args('clean.db'), { cwd: dir, timeoutMs: 120_000 });
    expect(clean.code, clean.stderr).toBe(0);
    const ref = jsonOut(clean);
    expect(ref.read).toBe(LINES);
    expect(ref.quarantined).toBe(bad);
    expect(ref.folded).toBe(duplicates);
    expect(ref.new).toBe(LINES - bad - duplicates);

    // The crash: kill -9 as soon as the first batches are committed, while the run is under way.
    const child = startCli(args('crash.db'), { cwd: dir });
    const done = collect(child, 120_000);
    const dbFile = join(dir, 'crash.db');
    const deadline = Date.now() + 60_000;
    let atKill = 0;
    while (Date.now() < deadline && child.exitCode === null) {
      atKill = committedEvents(dbFile);
      if (atKill > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(child.exitCode, 'the run ended before it could be killed').toBeNull();
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = committedEvents(dbFile);
    expect(partial).toBeGreaterThan(0);
    expect(partial, 'killed mid-run: not everything was stored yet').toBeLessThan(ref.new as number);

    // The same command again, to completion.
    const again = await runCli(args('crash.db'), { cwd: dir, timeoutMs: 120_000 });
    expect(again.code, again.stderr).toBe(0);
    const s = jsonOut(again);
    expect(s.read).toBe(LINES);
    expect(s.read).toBe((s.new as number) + (s.folded as number) + (s.quarantined as number));
    // What the killed run stored is folded now, not stored twice.
    expect(s.new).toBe((ref.new as number) - partial);

    const a = snapshot(join(dir, 'clean.db'));
    const b = snapshot(dbFile);
    // Each observation keeps its first event as its sample record.
    expect(b.events.length).toBe(b.observations.length);
    expect(b.events).toEqual(a.events);
    expect(b.observations).toEqual(a.observations);
    expect(b.quarantine).toEqual(a.quarantine);
    // Observation counts add up to the events, in both stores.
    const total = (o: string[]) => o.reduce((n, r) => n + (JSON.parse(r) as { count: number }).count, 0);
    expect(total(b.observations)).toBe(ref.new);
    expect(b.observations.length).toBeLessThan(ref.new as number); // events really were folded
  });
});
