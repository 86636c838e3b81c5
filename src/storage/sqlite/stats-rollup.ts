/**
 * The statistics rollup of the SQLite store: what `accord stats` reads instead of scanning the
 * observations' text columns with count(DISTINCT ...).
 *
 * Written with each new observation, in the same transaction (so a crash leaves observations and
 * rollup in step; schema and the build for existing databases: migration 6):
 * - every source (host) and destination IP (C2 server) gets a dense integer id
 *   (`stats_hosts`, `stats_c2s`; ids from 1, the next one in `stats_next`);
 * - the facts the rules of src/reports/stats/figures.ts read are cut in two small dictionaries:
 *   a source cell (type, scope, country when no scope, org, ASN when no org) and a destination
 *   cell (scope, country, ASN, family, warninglisted); an observation without a destination, or
 *   of a website, has destination cell 0;
 * - each write adds, per UTC day, one chunk: a BLOB of records of four little-endian uint32
 *   (source cell, destination cell, host id, C2 id or 0).
 *
 * A period's figures are then distinct counts of integer ids grouped by cell (stats-rollup-figures.ts):
 * the rules are applied once per cell, not once per row, and no text is compared. The SQL over
 * the observations (stats-query.ts) stays as the reference the tests compare this with.
 */
import type Database from 'better-sqlite3';
import type { ObservationKey } from '../../domain/identity.js';
import { COMPROMISED, INFECTED } from '../../reports/stats/figures.js';
import type { ObservationFacts } from '../observation-facts.js';

/** Bytes of one chunk record: source cell, destination cell, host id, C2 id (uint32 LE each). */
export const RECORD_BYTES = 16;
/** Host or C2 values looked up per statement. */
const VALUES_PER_READ = 500;

export interface SourceCell {
  readonly type: string;
  readonly scope: string | null;
  /** src_cc, kept only when there is no scope (the country rule needs it then only). */
  readonly cc: string | null;
  readonly org: string | null;
  /** src_asn, kept only when there is no org (the owner rule needs it then only). */
  readonly asn: number | null;
}

export interface DestinationCell {
  readonly scope: string | null;
  readonly cc: string | null;
  readonly asn: number | null;
  readonly malware: string | null;
  /** 1 when either side of the observation is on a warninglist. */
  readonly warn: number;
}

const srcKey = (c: SourceCell) => JSON.stringify([c.type, c.scope, c.cc, c.org, c.asn]);
const dstKey = (c: DestinationCell) => JSON.stringify([c.scope, c.cc, c.asn, c.malware, c.warn]);

interface Row {
  readonly day: string;
  readonly src: number;
  readonly dst: number;
  readonly host: string;
  readonly c2: string | null;
}

/**
 * Adds the rollup of new observations inside the store's write transaction: `add` for each new
 * observation, `flush` before the transaction commits, then `committed` or `rolledBack`.
 */
export class StatsRollupWriter {
  /** Cell ids known to be committed (cells are never deleted, so they stay valid). */
  private readonly srcCells = new Map<string, number>();
  private readonly dstCells = new Map<string, number>();
  /** Cells created by the transaction in progress: cached only once it commits. */
  private fresh: Array<readonly [Map<string, number>, string, number]> = [];
  private rows: Row[] = [];
  private readonly st: Record<
    'srcCell' | 'dstCell' | 'newSrc' | 'newDst' | 'newHost' | 'newC2' | 'next' | 'setNext' | 'chunk',
    Database.Statement
  >;

  constructor(private readonly db: Database.Database) {
    this.st = {
      srcCell: db.prepare('SELECT id FROM stats_src_cells WHERE key = ?').pluck(),
      dstCell: db.prepare('SELECT id FROM stats_dst_cells WHERE key = ?').pluck(),
      newSrc: db.prepare(
        'INSERT INTO stats_src_cells(key, type, scope, cc, org, asn) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      newDst: db.prepare(
        'INSERT INTO stats_dst_cells(key, scope, cc, asn, malware, warn) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      newHost: db.prepare('INSERT INTO stats_hosts(value, id) VALUES (?, ?)'),
      newC2: db.prepare('INSERT INTO stats_c2s(value, id) VALUES (?, ?)'),
      next: db.prepare('SELECT host, c2 FROM stats_next'),
      setNext: db.prepare('UPDATE stats_next SET host = ?, c2 = ?'),
      chunk: db.prepare('INSERT INTO stats_chunks(day, n, data) VALUES (?, ?, ?)'),
    };
  }

  private cell(
    cache: Map<string, number>,
    key: string,
    find: Database.Statement,
    insert: Database.Statement,
    values: readonly unknown[],
  ): number {
    let id = cache.get(key);
    if (id !== undefined) return id;
    id = find.get(key) as number | undefined;
    if (id === undefined) {
      id = Number(insert.run(key, ...values).lastInsertRowid);
      this.fresh.push([cache, key, id]);
    }
    cache.set(key, id);
    return id;
  }

  /** A new observation (its facts as stored with it). Types other than the two of the statistics are left out. */
  add(o: ObservationKey, f: ObservationFacts): void {
    if (o.type !== INFECTED && o.type !== COMPROMISED) return;
    const s: SourceCell = {
      type: o.type,
      scope: f.srcScope,
      cc: f.srcScope === null ? f.srcCc : null,
      org: f.srcOrg,
      asn: f.srcOrg === null ? f.srcAsn : null,
    };
    const src = this.cell(this.srcCells, srcKey(s), this.st.srcCell, this.st.newSrc, [
      s.type,
      s.scope,
      s.cc,
      s.org,
      s.asn,
    ]);
    const c2 = o.type === INFECTED ? (o.destinationIp ?? null) : null;
    let dst = 0;
    if (c2 !== null) {
      const d: DestinationCell = {
        scope: f.dstScope,
        cc: f.dstCc,
        asn: f.dstAsn,
        malware: o.malware ?? null,
        warn: f.warninglist !== 0 ? 1 : 0,
      };
      dst = this.cell(this.dstCells, dstKey(d), this.st.dstCell, this.st.newDst, [
        d.scope,
        d.cc,
        d.asn,
        d.malware,
        d.warn,
      ]);
    }
    this.rows.push({ day: o.day, src, dst, host: o.source, c2 });
  }

  /** Give ids to the batch's hosts and C2 servers and write one chunk per day. */
  flush(): void {
    const rows = this.rows;
    this.rows = [];
    if (rows.length === 0) return;
    const next = this.st.next.get() as { host: number; c2: number };
    const hostIds = this.ids(
      rows.map((r) => r.host),
      'stats_hosts',
      this.st.newHost,
      next.host,
    );
    const c2s: string[] = [];
    for (const r of rows) if (r.c2 !== null) c2s.push(r.c2);
    const c2Ids = this.ids(c2s, 'stats_c2s', this.st.newC2, next.c2);
    if (hostIds.next !== next.host || c2Ids.next !== next.c2) this.st.setNext.run(hostIds.next, c2Ids.next);
    const byDay = new Map<string, Row[]>();
    for (const r of rows) {
      const list = byDay.get(r.day);
      if (list) list.push(r);
      else byDay.set(r.day, [r]);
    }
    for (const [day, list] of byDay) {
      const buf = Buffer.allocUnsafe(list.length * RECORD_BYTES);
      let at = 0;
      for (const r of list) {
        buf.writeUInt32LE(r.src, at);
        buf.writeUInt32LE(r.dst, at + 4);
        buf.writeUInt32LE(hostIds.of.get(r.host) as number, at + 8);
        buf.writeUInt32LE(r.c2 === null ? 0 : (c2Ids.of.get(r.c2) as number), at + 12);
        at += RECORD_BYTES;
      }
      this.st.chunk.run(day, list.length, buf);
    }
  }

  /** Ids of these values, new ones from `next` on (in sorted order: the dictionary B-tree is read in order). */
  private ids(
    values: string[],
    table: 'stats_hosts' | 'stats_c2s',
    insert: Database.Statement,
    next: number,
  ): { of: Map<string, number>; next: number } {
    const of = new Map<string, number>();
    for (const v of values) of.set(v, 0);
    const sorted = [...of.keys()].sort();
    // The ids already given, VALUES_PER_READ values per statement (per-statement overhead was as
    // much as the lookup itself), then the new ones in order.
    for (let i = 0; i < sorted.length; i += VALUES_PER_READ) {
      const chunk = sorted.slice(i, i + VALUES_PER_READ);
      for (const r of this.findIds(table, chunk.length).all(...chunk) as Array<{ value: string; id: number }>)
        of.set(r.value, r.id);
    }
    for (const v of sorted) {
      if (of.get(v) !== 0) continue;
      const id = next++;
      insert.run(v, id);
      of.set(v, id);
    }
    return { of, next };
  }

  /** `SELECT value, id FROM <table> WHERE value IN (n values)`, prepared once per table and n. */
  private readonly findStatements = new Map<string, Database.Statement>();
  private findIds(table: 'stats_hosts' | 'stats_c2s', n: number): Database.Statement {
    const k = `${table}:${n}`;
    let st = this.findStatements.get(k);
    if (st === undefined) {
      st = this.db.prepare(`SELECT value, id FROM ${table} WHERE value IN (${'?,'.repeat(n - 1)}?)`);
      this.findStatements.set(k, st);
    }
    return st;
  }

  /** The transaction committed: its new cells may be cached. */
  committed(): void {
    this.fresh = [];
  }

  /** The transaction rolled back: forget what it added. */
  rolledBack(): void {
    for (const [cache, key] of this.fresh) cache.delete(key);
    this.fresh = [];
    this.rows = [];
  }
}
