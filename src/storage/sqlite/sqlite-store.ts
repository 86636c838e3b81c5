/**
 * The embedded store: one SQLite file (better-sqlite3), WAL journal, versioned migrations.
 * Every batch is one transaction, so a process killed at any point leaves whole batches only;
 * event identities make a re-run fold what was already stored (no loss, no double count).
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { fold, newIds, type ObservationDelta } from '../../domain/fold.js';
import type { Event } from '../../domain/schema/event.js';
import { observationFacts } from '../observation-facts.js';
import type {
  BatchResult,
  FeedState,
  FoldedBatch,
  IngestBatch,
  Observation,
  ObservationQuery,
  PeriodFigures,
  QuarantineQuery,
  QuarantineRecord,
  RunInfo,
  RunRecord,
  RunSummary,
  StatsQuery,
  Store,
  StoreCounts,
} from '../store.js';
import * as feedState from './feed-state.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { factsValues, sqliteLatestDay } from './stats-query.js';
import { StatsRollupWriter } from './stats-rollup.js';
import { rollupStatsFigures } from './stats-rollup-figures.js';

/** When an event happened: time.source, else time.observation (epoch ms; 0 when neither parses). */
export function seenAtOf(e: Event): number {
  const t = e['time.source'] ?? e['time.observation'];
  const ms = t === undefined ? Number.NaN : Date.parse(t);
  return Number.isFinite(ms) ? ms : 0;
}

export interface SqliteStoreOptions {
  /**
   * Page cache in MiB (default 64). Bounds memory whatever the input size; a larger cache did not
   * ingest faster (BENCHMARKS.md: 1 M and 8 M rows at 64 and 256 MiB), and the OS caches the file.
   */
  readonly cacheMiB?: number;
  readonly now?: () => number;
}

export function quarantineId(feed: string, source: string, line: number, raw: string): string {
  return createHash('sha1')
    .update(`${feed}\u001f${source}\u001f${line}\u001f${raw}`)
    .digest('hex')
    .slice(0, 24);
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = openMigratedDatabase(path, [
    // Checkpoint the WAL every 64 MiB instead of every 4 MiB: an ingest rewrites the same index
    // pages in batch after batch, and each checkpoint copies (and fsyncs) them once instead of once
    // per batch. Same durability. Measured: 1 M events 44.9 s -> 38.1 s (BENCHMARKS.md).
    'wal_autocheckpoint = 16384',
    `cache_size = -${(options.cacheMiB ?? 64) * 1024}`,
    'temp_store = MEMORY',
  ]);
  return new SqliteStore(db, options.now ?? Date.now);
}

/**
 * Open an Accord SQLite file (WAL, synchronous NORMAL, a 10 s busy timeout, then `pragmas`) and
 * bring it to the latest schema. Every store that opens its own file uses this one.
 */
export function openMigratedDatabase(path: string, pragmas: readonly string[] = []): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const p of pragmas) db.pragma(p);
    db.pragma('busy_timeout = 10000');
    migrate(db);
  } catch (e) {
    db.close(); // do not leave the file open (and locked on some systems) behind a failed open
    throw e;
  }
  return db;
}

/**
 * Bring the database to the latest schema version; returns how many migrations ran. Each migration
 * runs in its own transaction, so a failure leaves the database at the version before it.
 * `migrations` is for tests; Accord always uses MIGRATIONS.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest)
    throw new Error(
      `the database is at schema version ${current}, newer than this Accord knows (${latest}); upgrade Accord`,
    );
  // A version below the latest applied one that never ran (a database made by a build that had a
  // later migration but not this one) cannot be applied safely after it: say so, as Kysely's
  // migrator does, instead of failing later on a missing table.
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
      (r) => r.version,
    ),
  );
  const skipped = migrations.filter((m) => m.version < current && !done.has(m.version));
  if (skipped.length > 0)
    throw new Error(
      `the database is at schema version ${current} but never applied ${skipped.map((m) => `${m.version} (${m.name})`).join(', ')}: it was made by a development build; re-create it (or apply the missing migration by hand)`,
    );
  let applied = 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    })();
    applied++;
  }
  return applied;
}

interface QuarantineRow {
  id: string;
  at: number;
  feed: string;
  source: string;
  format: string;
  line: number;
  reason: string;
  field: string | null;
  raw: string;
  bytes: Buffer | null;
}

function toQuarantine(r: QuarantineRow): QuarantineRecord {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    feed: r.feed,
    source: r.source,
    format: r.format,
    line: r.line,
    reason: r.reason,
    ...(r.field ? { field: r.field } : {}),
    raw: r.raw,
    ...(r.bytes ? { bytes: r.bytes } : {}),
  };
}

/** Observation keys per identity read (SQLite allows 32,766 parameters). */
const KEYS_PER_READ = 500;

export class SqliteStore implements Store {
  private readonly insertEvent: Database.Statement;
  private readonly insertObservation: Database.Statement;
  private readonly updateObservation: Database.Statement;
  private readonly insertQuarantine: Database.Statement;
  private readonly write: (batch: FoldedBatch) => BatchResult;
  private readonly rollup: StatsRollupWriter;

  constructor(
    readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertEvent = db.prepare(
      'INSERT INTO events(id, obs_key, feed, seen_at, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertObservation = db.prepare(`
      INSERT INTO observations(key, type, source, destination_ip, destination_port, malware, day, count, first_seen, last_seen,
        feed, src_cc, src_asn, src_org, src_scope, dst_cc, dst_asn, dst_org, dst_scope, warninglist, ids, tlp, sample)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.updateObservation = db.prepare(`
      UPDATE observations SET count = count + ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),
        ids = ?, tlp = CASE WHEN tlp IS NULL OR ? > tlp THEN ? ELSE tlp END
      WHERE key = ?`);
    this.insertQuarantine = db.prepare(`
      INSERT INTO quarantine(id, at, feed, source, format, line, reason, field, raw, bytes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`);
    this.rollup = new StatsRollupWriter(db);
    const tx = db.transaction((batch: FoldedBatch) => this.writeSync(batch));
    this.write = (batch) => {
      try {
        const r = tx(batch);
        this.rollup.committed();
        return r;
      } catch (e) {
        this.rollup.rolledBack();
        throw e;
      }
    };
  }

  /** Statements reading the stored identities of n observations at once, by n. */
  private readonly selectIdsOf = new Map<number, Database.Statement>();

  /**
   * The stored identities of these observations, by key (latin1), absent for new ones. One
   * statement per KEYS_PER_READ keys: per-statement overhead was as much as the index probe
   * (one read per observation: ~6 µs each).
   */
  private storedIds(deltas: readonly ObservationDelta[]): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (let i = 0; i < deltas.length; i += KEYS_PER_READ) {
      const n = Math.min(KEYS_PER_READ, deltas.length - i);
      let st = this.selectIdsOf.get(n);
      if (st === undefined) {
        st = this.db.prepare(`SELECT key, ids FROM observations WHERE key IN (${'?,'.repeat(n - 1)}?)`);
        this.selectIdsOf.set(n, st);
      }
      const keys: Buffer[] = new Array(n);
      for (let j = 0; j < n; j++) keys[j] = (deltas[i + j] as ObservationDelta).observation.key;
      for (const r of st.all(...keys) as Array<{ key: Buffer; ids: Buffer }>)
        out.set(r.key.toString('latin1'), r.ids);
    }
    return out;
  }

  private writeSync(batch: FoldedBatch): BatchResult {
    let fresh = 0;
    let folded = 0;
    let newObservations = 0;
    // 1. Which events of each delta are new: the stored identities of the batch's observations,
    // read KEYS_PER_READ observations per statement.
    const plans: Array<{ d: ObservationDelta; stored: Buffer | undefined; add: number[] }> = [];
    const rows: Array<{ seq: number; event: Event; plan: number; id: string; sample: boolean }> = [];
    const storedIds = this.storedIds(batch.observations);
    for (const d of batch.observations) {
      const stored = storedIds.get(d.observation.key.toString('latin1'));
      const add = stored === undefined ? d.ids.map((_, i) => i) : newIds(stored.toString('latin1'), d.ids);
      fresh += add.length;
      folded += d.ids.length - add.length;
      if (add.length === 0) continue;
      const plan = plans.length;
      plans.push({ d, stored, add });
      // 2. Event records to keep: every new one when the delta carries them, else a new observation's sample.
      if (d.events && d.seqs) {
        for (const i of add)
          rows.push({
            seq: d.seqs[i] as number,
            event: d.events[i] as Event,
            plan,
            id: d.ids[i] as string,
            sample: i === 0 && stored === undefined,
          });
      } else if (stored === undefined) {
        rows.push({ seq: d.sampleSeq, event: d.sample, plan, id: d.ids[0] as string, sample: true });
      }
    }
    // Records in arrival order; the sample's rowid goes into its observation.
    rows.sort((a, b) => a.seq - b.seq);
    const sampleRow = new Map<number, number>();
    for (const r of rows) {
      const key = (plans[r.plan] as (typeof plans)[number]).d.observation.key;
      const info = this.insertEvent.run(
        Buffer.concat([key, Buffer.from(r.id, 'latin1')]),
        key,
        r.event['feed.name'] ?? '',
        seenAtOf(r.event),
        JSON.stringify(r.event),
      );
      if (r.sample) sampleRow.set(r.plan, Number(info.lastInsertRowid));
    }
    // 3. One write per observation.
    for (let p = 0; p < plans.length; p++) {
      const { d, stored, add } = plans[p] as (typeof plans)[number];
      const o = d.observation;
      const ids = Buffer.from(add.map((i) => d.ids[i]).join(''), 'latin1');
      if (stored === undefined) {
        const facts = observationFacts(d.sample);
        this.rollup.add(o, facts);
        this.insertObservation.run(
          o.key,
          o.type,
          o.source,
          o.destinationIp ?? null,
          o.destinationPort ?? null,
          o.malware ?? null,
          o.day,
          add.length,
          d.first,
          d.last,
          // Statistics facts: set by the observation's first event (observation-facts.ts).
          ...factsValues(facts),
          ids,
          d.tlp,
          sampleRow.get(p) ?? null,
        );
        newObservations++;
      } else {
        this.updateObservation.run(
          add.length,
          d.first,
          d.last,
          Buffer.concat([stored, ids]),
          d.tlp,
          d.tlp,
          o.key,
        );
      }
    }
    this.rollup.flush(); // the statistics rollup of the new observations (stats-rollup.ts)
    const at = this.now();
    for (const q of batch.quarantine) {
      this.insertQuarantine.run(
        quarantineId(q.feed, q.source, q.line, q.raw),
        at,
        q.feed,
        q.source,
        q.format,
        q.line,
        q.reason,
        q.field ?? null,
        q.raw,
        q.bytes ?? null,
      );
    }
    return { new: fresh, folded, quarantined: batch.quarantine.length, newObservations };
  }

  async writeFolded(batch: FoldedBatch): Promise<BatchResult> {
    return this.write(batch);
  }

  async writeBatch(batch: IngestBatch): Promise<BatchResult> {
    const { deltas, duplicates } = fold(batch.events, batch.keepEvents ?? true);
    const r = this.write({ observations: deltas, quarantine: batch.quarantine });
    return { ...r, folded: r.folded + duplicates };
  }

  async startRun(info: RunInfo): Promise<number> {
    const r = this.db
      .prepare(
        "INSERT INTO ingest_runs(started_at, source, feed, format, status) VALUES (?, ?, ?, ?, 'running')",
      )
      .run(this.now(), info.source, info.feed, info.format);
    return Number(r.lastInsertRowid);
  }

  async finishRun(id: number, s: RunSummary): Promise<void> {
    this.db
      .prepare(
        'UPDATE ingest_runs SET finished_at = ?, status = ?, read = ?, new = ?, folded = ?, quarantined = ?, error = ? WHERE id = ?',
      )
      .run(this.now(), s.status, s.read, s.new, s.folded, s.quarantined, s.error ?? null, id);
  }

  async listRuns(q: { readonly limit?: number } = {}): Promise<RunRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM ingest_runs ORDER BY id DESC LIMIT ?')
      .all(q.limit ?? 100) as Array<{
      id: number;
      started_at: number;
      finished_at: number | null;
      source: string;
      feed: string;
      format: string;
      status: RunRecord['status'];
      read: number | null;
      new: number | null;
      folded: number | null;
      quarantined: number | null;
      error: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      source: r.source,
      feed: r.feed,
      format: r.format,
      status: r.status,
      startedAt: new Date(r.started_at).toISOString(),
      ...(r.finished_at !== null ? { finishedAt: new Date(r.finished_at).toISOString() } : {}),
      ...(r.read !== null ? { read: r.read } : {}),
      ...(r.new !== null ? { new: r.new } : {}),
      ...(r.folded !== null ? { folded: r.folded } : {}),
      ...(r.quarantined !== null ? { quarantined: r.quarantined } : {}),
      ...(r.error !== null ? { error: r.error } : {}),
    }));
  }

  async listQuarantine(q: QuarantineQuery = {}): Promise<QuarantineRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.feed !== undefined) {
      where.push('feed = ?');
      args.push(q.feed);
    }
    if (q.source !== undefined) {
      where.push('source = ?');
      args.push(q.source);
    }
    if (q.after !== undefined) {
      where.push('seq > (SELECT seq FROM quarantine WHERE id = ?)');
      args.push(q.after);
    }
    const sql = `SELECT * FROM quarantine ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit ?? 100) as QuarantineRow[];
    return rows.map(toQuarantine);
  }

  async getQuarantine(id: string): Promise<QuarantineRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM quarantine WHERE id = ?').get(id) as QuarantineRow | undefined;
    return r ? toQuarantine(r) : undefined;
  }

  async listObservations(q: ObservationQuery = {}): Promise<Observation[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.type) {
      where.push('type = ?');
      args.push(q.type);
    }
    if (q.source) {
      where.push('source = ?');
      args.push(q.source);
    }
    const rows = this.db
      .prepare(
        `SELECT type, source, destination_ip, destination_port, malware, day, count, first_seen, last_seen
         FROM observations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY day, type, source, destination_ip, destination_port, malware LIMIT ?`,
      )
      .all(...args, q.limit ?? 1000) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      type: r.type as string,
      source: r.source as string,
      destinationIp: (r.destination_ip as string | null) ?? null,
      destinationPort: (r.destination_port as number | null) ?? null,
      malware: (r.malware as string | null) ?? null,
      day: r.day as string,
      count: r.count as number,
      firstSeen: new Date(r.first_seen as number).toISOString(),
      lastSeen: new Date(r.last_seen as number).toISOString(),
    }));
  }

  async listEvents(q: { readonly limit?: number; readonly feed?: string } = {}): Promise<Event[]> {
    const rows = (
      q.feed === undefined
        ? this.db.prepare('SELECT data FROM events ORDER BY rowid LIMIT ?').all(q.limit ?? 1000)
        : this.db
            .prepare('SELECT data FROM events WHERE feed = ? ORDER BY rowid LIMIT ?')
            .all(q.feed, q.limit ?? 1000)
    ) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as Event);
  }

  async statsFigures(q: StatsQuery): Promise<PeriodFigures> {
    return rollupStatsFigures(this.db, q);
  }

  async latestDay(types: readonly string[]): Promise<string | undefined> {
    return sqliteLatestDay(this.db, types);
  }

  async counts(): Promise<StoreCounts> {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      events: one('SELECT count(*) AS n FROM events'),
      observations: one('SELECT count(*) AS n FROM observations'),
      quarantine: one('SELECT count(*) AS n FROM quarantine'),
    };
  }

  async putFeedState(state: FeedState): Promise<void> {
    feedState.putFeedState(this.db, state);
  }

  async getFeedState(feed: string): Promise<FeedState | undefined> {
    return feedState.getFeedState(this.db, feed);
  }

  async listFeedStates(): Promise<FeedState[]> {
    return feedState.listFeedStates(this.db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
