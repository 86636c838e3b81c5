/**
 * The KnowledgeStore in the SQLite file (table knowledge_objects, migration 3).
 *
 * date_added is the rowid, so it is unique and orders the table; it comes from a persisted clock
 * (knowledge_clock) so it never goes back, even after the newest row is deleted: a TAXII client that
 * resumes from the last date_added it saw can never miss a later addition. When objects arrive
 * faster than one per millisecond the clock runs ahead of the wall clock and catches up afterwards.
 *
 * Queries are keyset scans in date_added order on (collection, date_added) indexes; the default
 * match[version]=last uses the partial index WHERE is_last = 1, so older versions cost nothing.
 * A page of 1,000 is 1,001 index steps plus row reads whatever the table size.
 */
import type Database from 'better-sqlite3';
import { ok, type Result } from '../../domain/result.js';
import { TLP_ORDER, type TlpLevel, tlpRank } from '../../domain/tlp.js';
import {
  decodeCursor,
  type KnowledgeFilter,
  type KnowledgeStats,
  type KnowledgeStore,
  type ManifestEntry,
  type Page,
  type PageRequest,
  type PreparedObject,
  type PutResult,
  pageLimit,
  type StoredObject,
  toPage,
  type VersionEntry,
  versionMatch,
} from '../../knowledge/knowledge-store.js';
import { STIX_MEDIA_TYPE, stixTime } from '../../knowledge/stix.js';
import { openMigratedDatabase } from '../sqlite/sqlite-store.js';

interface Row {
  date_added: number;
  id: string;
  type: string;
  spec_version: string;
  version: string;
  tlp: number | null;
  markings: string | null;
  json: string;
}

const levelOf = (rank: number | null): TlpLevel | undefined => (rank === null ? undefined : TLP_ORDER[rank]);

function toStored(r: Row): StoredObject {
  return {
    id: r.id,
    type: r.type,
    specVersion: r.spec_version,
    version: r.version,
    dateAdded: r.date_added,
    tlp: levelOf(r.tlp),
    markings: r.markings ? (JSON.parse(r.markings) as string[]) : [],
    json: r.json,
  };
}

/** Open (and migrate) a knowledge store in its own SQLite file. */
export function openSqliteKnowledgeStore(path: string, now: () => number = Date.now): SqliteKnowledgeStore {
  return new SqliteKnowledgeStore(openMigratedDatabase(path), now, true);
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class SqliteKnowledgeStore implements KnowledgeStore {
  private readonly versionsOf: Database.Statement;
  private readonly clock: Database.Statement;
  private readonly setClock: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly clearLast: Database.Statement;
  private readonly clearFirst: Database.Statement;
  private readonly putTx: (collection: string, objects: readonly PreparedObject[]) => PutResult;

  /**
   * `db` must be migrated (openSqliteStore does it; so does openSqliteKnowledgeStore). `owned`:
   * close() closes the database (false when it is shared with the main Store).
   */
  constructor(
    readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    private readonly owned = false,
  ) {
    // One index lookup per object: its stored versions (usually none or a few) tell whether this
    // version exists and which rows are first and last.
    this.versionsOf = db.prepare(
      'SELECT date_added, version_us, version_key, is_first, is_last FROM knowledge_objects WHERE collection = ? AND id = ?',
    );
    this.clock = db.prepare('SELECT last_added AS v FROM knowledge_clock WHERE one = 1');
    this.setClock = db.prepare(
      'INSERT INTO knowledge_clock(one, last_added) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET last_added = excluded.last_added',
    );
    this.insert = db.prepare(`INSERT INTO knowledge_objects
      (date_added, collection, id, type, spec_version, version_key, version_us, version, tlp, markings, is_first, is_last, json)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.clearLast = db.prepare('UPDATE knowledge_objects SET is_last = 0 WHERE date_added = ?');
    this.clearFirst = db.prepare('UPDATE knowledge_objects SET is_first = 0 WHERE date_added = ?');
    this.putTx = db.transaction((c: string, objs: readonly PreparedObject[]) => this.putSync(c, objs));
  }

  private putSync(collection: string, objects: readonly PreparedObject[]): PutResult {
    const outcomes: ('added' | 'exists')[] = [];
    let added = 0;
    let clock = (this.clock.get() as { v: number } | undefined)?.v ?? 0;
    const start = clock;
    for (const o of objects) {
      const stored = this.versionsOf.all(collection, o.id) as Array<{
        date_added: number;
        version_us: number;
        version_key: string;
        is_first: number;
        is_last: number;
      }>;
      if (stored.some((r) => r.version_key === o.versionKey)) {
        outcomes.push('exists');
        continue;
      }
      const dateAdded = Math.max(this.now(), clock + 1);
      clock = dateAdded;
      const us = o.versionUs ?? dateAdded * 1000;
      const last = stored.find((r) => r.is_last === 1);
      const first = stored.find((r) => r.is_first === 1);
      const isLast = !last || us >= last.version_us;
      const isFirst = !first || us < first.version_us;
      if (isLast && last) this.clearLast.run(last.date_added);
      if (isFirst && first) this.clearFirst.run(first.date_added);
      this.insert.run(
        dateAdded,
        collection,
        o.id,
        o.type,
        o.specVersion,
        o.versionKey,
        us,
        o.version ?? stixTime(dateAdded),
        o.tlp === undefined ? null : tlpRank(o.tlp),
        o.markings.length > 0 ? JSON.stringify(o.markings) : null,
        isFirst ? 1 : 0,
        isLast ? 1 : 0,
        o.json,
      );
      outcomes.push('added');
      added++;
    }
    if (clock !== start) this.setClock.run(clock);
    return { outcomes, added, existing: objects.length - added };
  }

  async put(collection: string, objects: readonly PreparedObject[]): Promise<PutResult> {
    return this.putTx(collection, objects);
  }

  /** WHERE clause and arguments for a filter (versions default `dflt`), after an optional cursor. */
  private where(
    collection: string,
    filter: KnowledgeFilter,
    after: number | undefined,
    dflt: 'last' | 'all',
  ): Result<{ sql: string; args: unknown[] }> {
    const vm = versionMatch(filter.versions, dflt);
    if (!vm.ok) return vm;
    const terms = ['collection = ?'];
    const args: unknown[] = [collection];
    const from = Math.max(filter.addedAfter ?? -1, after ?? -1);
    if (from >= 0) {
      terms.push('date_added > ?');
      args.push(from);
    }
    const v = vm.value;
    if (!v.all) {
      // A bare "last" (the TAXII default) is its own term so SQLite uses the partial index.
      if (v.last && !v.first && v.at.length === 0) terms.push('is_last = 1');
      else if (v.first && !v.last && v.at.length === 0) terms.push('is_first = 1');
      else {
        const alt: string[] = [];
        if (v.first) alt.push('is_first = 1');
        if (v.last) alt.push('is_last = 1');
        if (v.at.length > 0) {
          alt.push(`version_us IN (${placeholders(v.at.length)})`);
          args.push(...v.at);
        }
        terms.push(`(${alt.join(' OR ')})`);
      }
    }
    const inList = (col: string, values: readonly string[] | undefined, not = false) => {
      if (values === undefined) return;
      if (values.length === 0) {
        if (!not) terms.push('0');
        return;
      }
      terms.push(`${col} ${not ? 'NOT IN' : 'IN'} (${placeholders(values.length)})`);
      args.push(...values);
    };
    inList('id', filter.ids);
    inList('type', filter.types);
    inList('spec_version', filter.specVersions);
    inList('type', filter.excludeTypes, true);
    if (filter.tlp) {
      const ranks = filter.tlp.levels.map(tlpRank);
      const parts: string[] = [];
      if (ranks.length > 0) {
        parts.push(`tlp IN (${placeholders(ranks.length)})`);
        args.push(...ranks);
      }
      if (filter.tlp.unmarked) parts.push('tlp IS NULL');
      terms.push(parts.length > 0 ? `(${parts.join(' OR ')})` : '0');
    }
    return ok({ sql: terms.join(' AND '), args });
  }

  private select<T>(
    columns: string,
    collection: string,
    filter: KnowledgeFilter,
    page: PageRequest | undefined,
    dflt: 'last' | 'all',
    map: (r: Row) => T,
  ): Result<Page<T>> {
    const cursor = decodeCursor(page?.next);
    if (!cursor.ok) return cursor;
    const w = this.where(collection, filter, cursor.value, dflt);
    if (!w.ok) return w;
    const limit = pageLimit(page);
    const rows = this.db
      .prepare(`SELECT ${columns} FROM knowledge_objects WHERE ${w.value.sql} ORDER BY date_added LIMIT ?`)
      .all(...w.value.args, limit + 1) as Row[];
    return ok(
      toPage(
        rows.map((r) => ({ ...r, dateAdded: r.date_added })),
        limit,
        map,
      ),
    );
  }

  async list(
    collection: string,
    filter: KnowledgeFilter,
    page?: PageRequest,
  ): Promise<Result<Page<StoredObject>>> {
    return this.select(
      'date_added, id, type, spec_version, version, tlp, markings, json',
      collection,
      filter,
      page,
      'last',
      toStored,
    );
  }

  async manifest(
    collection: string,
    filter: KnowledgeFilter,
    page?: PageRequest,
  ): Promise<Result<Page<ManifestEntry>>> {
    return this.select(
      'date_added, id, type, spec_version, version',
      collection,
      filter,
      page,
      'last',
      (r) => ({
        id: r.id,
        type: r.type,
        specVersion: r.spec_version,
        version: r.version,
        dateAdded: r.date_added,
        mediaType: STIX_MEDIA_TYPE,
      }),
    );
  }

  async versions(
    collection: string,
    id: string,
    filter: KnowledgeFilter = {},
    page?: PageRequest,
  ): Promise<Result<Page<VersionEntry>>> {
    return this.select(
      'date_added, version',
      collection,
      { ...filter, ids: [id], versions: ['all'] },
      page,
      'all',
      (r) => ({ version: r.version, dateAdded: r.date_added }),
    );
  }

  async latest(collection: string, id: string): Promise<StoredObject | undefined> {
    const r = this.db
      .prepare(
        'SELECT date_added, id, type, spec_version, version, tlp, markings, json FROM knowledge_objects WHERE collection = ? AND id = ? AND is_last = 1',
      )
      .get(collection, id) as Row | undefined;
    return r ? toStored(r) : undefined;
  }

  async delete(collection: string, id: string, filter: KnowledgeFilter = {}): Promise<number> {
    const w = this.where(collection, { ...filter, ids: [id] }, undefined, 'all');
    if (!w.ok) return 0;
    return this.db.transaction(() => {
      const n = this.db
        .prepare(`DELETE FROM knowledge_objects WHERE ${w.value.sql}`)
        .run(...w.value.args).changes;
      if (n > 0) {
        this.db
          .prepare('UPDATE knowledge_objects SET is_first = 0, is_last = 0 WHERE collection = ? AND id = ?')
          .run(collection, id);
        this.db
          .prepare(`UPDATE knowledge_objects SET is_first = 1 WHERE date_added = (SELECT date_added FROM knowledge_objects
            WHERE collection = ? AND id = ? ORDER BY version_us, date_added LIMIT 1)`)
          .run(collection, id);
        this.db
          .prepare(`UPDATE knowledge_objects SET is_last = 1 WHERE date_added = (SELECT date_added FROM knowledge_objects
            WHERE collection = ? AND id = ? ORDER BY version_us DESC, date_added DESC LIMIT 1)`)
          .run(collection, id);
      }
      return n;
    })();
  }

  async stats(): Promise<KnowledgeStats> {
    const rows = this.db
      .prepare(
        'SELECT collection, count(DISTINCT id) AS objects, count(*) AS versions FROM knowledge_objects GROUP BY collection ORDER BY collection',
      )
      .all() as Array<{ collection: string; objects: number; versions: number }>;
    return { collections: rows };
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}
