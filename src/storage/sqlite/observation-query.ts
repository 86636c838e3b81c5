/**
 * Observations and events as the REST API lists and exports them: every filter of the API
 * (docs/api.md, "Common filters"), newest first, keyset pagination on the rowid (an opaque
 * base64url cursor), and export in keyset batches.
 *
 * Why batches and not one `.iterate()` over the whole answer: better-sqlite3 runs one statement at
 * a time per connection, and an open iterator keeps the connection busy, so an export paused on
 * backpressure (awaiting a slow client) would make every other request on the store fail. A batch
 * is iterated to its end synchronously, the caller writes it and awaits the socket, then the next
 * batch resumes after the last rowid written: memory is one batch, whatever the answer's size,
 * and the scan as a whole reads each row once.
 *
 * Indexes: observations have (key) and (type, day); filters on other columns read the table in
 * rowid order and stop once a page is full, so a page of a frequent value is fast and a rare
 * value (an IP seen once among millions) reads the table to the end. See docs/api.md.
 */
import type Database from 'better-sqlite3';
import { type IpVersion, parseIp } from '../../domain/ip.js';
import type { FieldName } from '../../domain/schema/fields.js';
import { TLP_ORDER } from '../../domain/tlp.js';

/** A time bound: the day (YYYY-MM-DD) and, when a full time was given, that instant (epoch ms). */
export interface TimeBound {
  readonly day: string;
  readonly ms: number;
  /** true when the caller gave a time (not a whole day). */
  readonly exact: boolean;
}

/** Every condition present must hold. Values are already validated and canonical. */
export interface ObservationFilter {
  readonly type?: string;
  readonly since?: TimeBound;
  readonly until?: TimeBound;
  /** Source or destination address (canonical text). */
  readonly ip?: string;
  /** Source or destination address in this network (canonical CIDR). */
  readonly cidr?: { readonly text: string; readonly version: IpVersion };
  /** Source or destination AS. */
  readonly asn?: number;
  /** Source or destination country. */
  readonly country?: string;
  readonly srcCountry?: string;
  readonly dstCountry?: string;
  /** malware.name. */
  readonly family?: string;
  /** Constituency organisation id of the source or the destination. */
  readonly owner?: string;
  /** Constituency scope of the source (the reported host). */
  readonly scope?: 'domestic' | 'foreign';
  /** On a MISP warninglist (either side) or not. */
  readonly warninglist?: boolean;
  readonly feed?: string;
  /** Harmonised fields of the event (the observation's sample event for observations). */
  readonly fields?: ReadonlyArray<{ readonly name: FieldName; readonly value: string | number }>;
}

export interface EndpointFacts {
  readonly cc: string | null;
  readonly asn: number | null;
  readonly org: string | null;
  readonly scope: string | null;
}

export interface ObservationItem {
  /** The observation key, hex. */
  readonly key: string;
  readonly type: string;
  readonly source: string;
  readonly destinationIp: string | null;
  readonly destinationPort: number | null;
  readonly malware: string | null;
  readonly day: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly feed: string | null;
  readonly src: EndpointFacts;
  readonly dst: EndpointFacts;
  readonly warninglist: boolean;
  /** The highest TLP of its events (null: none said). */
  readonly tlp: string | null;
}

export interface EventItem {
  /** The event record's id, hex. */
  readonly id: string;
  /** Its observation's key, hex. */
  readonly observation: string;
  readonly feed: string;
  readonly seenAt: string;
  readonly event: Record<string, unknown>;
}

export interface Page<T> {
  readonly items: T[];
  /** The rowid to continue after (exclusive), or null on the last page. */
  readonly next: number | null;
}

// ---- cursors ----

/** The opaque cursor of a page: base64url of a small JSON object. */
export function encodeCursor(rowid: number): string {
  return Buffer.from(JSON.stringify({ r: rowid })).toString('base64url');
}

/** The rowid a cursor continues after, or undefined when it is not a cursor of ours. */
export function decodeCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { r?: unknown };
    return typeof v.r === 'number' && Number.isSafeInteger(v.r) && v.r > 0 ? v.r : undefined;
  } catch {
    return undefined;
  }
}

// ---- SQL functions ----

const registered = new WeakSet<Database.Database>();

/** Whether an address (text) is in a network (canonical CIDR text); parsed networks cached. */
function cidrMatcher(): (ip: unknown, cidr: unknown) => number {
  const nets = new Map<string, (ip: string) => boolean>();
  const compile = (cidr: string): ((ip: string) => boolean) => {
    const slash = cidr.indexOf('/');
    const net = parseIp(cidr.slice(0, slash));
    const len = Number(cidr.slice(slash + 1));
    if (!net || !Number.isInteger(len)) return () => false;
    if (net.version === 4) {
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      const base = ((net.v4 ?? 0) & mask) >>> 0;
      return (text) => {
        const ip = parseIp(text);
        return ip?.version === 4 && ((ip.v4 ?? 0) & mask) >>> 0 === base;
      };
    }
    const groups = net.v6 ?? [];
    return (text) => {
      const ip = parseIp(text);
      if (ip?.version !== 6) return false;
      const g = ip.v6 ?? [];
      for (let i = 0; i < 8; i++) {
        const bits = Math.max(0, Math.min(16, len - i * 16));
        if (bits === 0) return true;
        const mask = (0xffff << (16 - bits)) & 0xffff;
        if (((g[i] ?? 0) & mask) !== ((groups[i] ?? 0) & mask)) return false;
      }
      return true;
    };
  };
  return (ip, cidr) => {
    if (typeof ip !== 'string' || typeof cidr !== 'string') return 0;
    let m = nets.get(cidr);
    if (m === undefined) {
      if (nets.size > 64) nets.clear();
      m = compile(cidr);
      nets.set(cidr, m);
    }
    // A network value (an observation of source.network) matches when it lies inside the CIDR.
    const slash = ip.indexOf('/');
    if (slash >= 0) {
      const len = Number(ip.slice(slash + 1));
      return Number.isInteger(len) &&
        len >= Number(cidr.slice(cidr.indexOf('/') + 1)) &&
        m(ip.slice(0, slash))
        ? 1
        : 0;
    }
    return m(ip) ? 1 : 0;
  };
}

/** Register accord_in_cidr(ip, cidr) on this connection (once). */
export function registerIpFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  db.function('accord_in_cidr', { deterministic: true }, cidrMatcher());
  registered.add(db);
}

// ---- WHERE clauses ----

interface Where {
  readonly sql: string[];
  readonly args: unknown[];
}

/** Day ranges up to this many days (plus one) read the (type, day) index; longer ones scan newest first. */
const INDEXED_DAYS = 6;

/** The conditions of a filter on observations `o` (and, for fields, the event JSON `data`). */
function observationWhere(f: ObservationFilter, eventData: string | undefined): Where {
  const sql: string[] = [];
  const args: unknown[] = [];
  const add = (s: string, ...a: unknown[]) => {
    sql.push(s);
    args.push(...a);
  };
  // The (type, day) index helps only with a short day range (its rows are read whole and sorted
  // by rowid); otherwise the newest-first rowid scan, which stops at a full page, beats reading
  // every row of the type and sorting ("+" keeps SQLite off the index). For events (eventData
  // given), never: the events drive the join (no index leads from an observation to its events),
  // and their time bounds are on the events.
  const span =
    f.since !== undefined && f.until !== undefined
      ? (Date.parse(`${f.until.day}T00:00:00Z`) - Date.parse(`${f.since.day}T00:00:00Z`)) / 86_400_000
      : Number.POSITIVE_INFINITY;
  const dayRange = eventData === undefined && span <= INDEXED_DAYS;
  if (f.type !== undefined) add(dayRange ? 'o.type = ?' : '+o.type = ?', f.type);
  if (eventData === undefined) {
    const day = dayRange ? 'o.day' : '+o.day';
    if (f.since) {
      add(`${day} >= ?`, f.since.day);
      if (f.since.exact) add('o.last_seen >= ?', f.since.ms);
    }
    if (f.until) {
      add(`${day} <= ?`, f.until.day);
      if (f.until.exact) add('o.first_seen <= ?', f.until.ms);
    }
  }
  if (f.ip !== undefined) add('(o.source = ? OR o.destination_ip = ?)', f.ip, f.ip);
  if (f.cidr !== undefined)
    add('(accord_in_cidr(o.source, ?) OR accord_in_cidr(o.destination_ip, ?))', f.cidr.text, f.cidr.text);
  if (f.asn !== undefined) add('(o.src_asn = ? OR o.dst_asn = ?)', f.asn, f.asn);
  if (f.country !== undefined) add('(o.src_cc = ? OR o.dst_cc = ?)', f.country, f.country);
  if (f.srcCountry !== undefined) add('o.src_cc = ?', f.srcCountry);
  if (f.dstCountry !== undefined) add('o.dst_cc = ?', f.dstCountry);
  if (f.family !== undefined) add('o.malware = ?', f.family);
  if (f.owner !== undefined) add('(o.src_org = ? OR o.dst_org = ?)', f.owner, f.owner);
  if (f.scope !== undefined) add('o.src_scope = ?', f.scope);
  if (f.warninglist !== undefined) add(f.warninglist ? 'o.warninglist <> 0' : 'o.warninglist = 0');
  if (f.feed !== undefined) add('o.feed = ?', f.feed);
  const data = eventData ?? '(SELECT data FROM events WHERE rowid = o.sample)';
  for (const field of f.fields ?? []) add(`json_extract(${data}, ?) = ?`, `$."${field.name}"`, field.value);
  return { sql, args };
}

// ---- observations ----

const OBS_COLUMNS = `o.rowid AS rowid, o.key, o.type, o.source, o.destination_ip, o.destination_port, o.malware,
  o.day, o.count, o.first_seen, o.last_seen, o.feed, o.src_cc, o.src_asn, o.src_org, o.src_scope,
  o.dst_cc, o.dst_asn, o.dst_org, o.dst_scope, o.warninglist, o.tlp`;

interface ObservationRow {
  rowid: number;
  key: Buffer;
  type: string;
  source: string;
  destination_ip: string | null;
  destination_port: number | null;
  malware: string | null;
  day: string;
  count: number;
  first_seen: number;
  last_seen: number;
  feed: string | null;
  src_cc: string | null;
  src_asn: number | null;
  src_org: string | null;
  src_scope: string | null;
  dst_cc: string | null;
  dst_asn: number | null;
  dst_org: string | null;
  dst_scope: string | null;
  warninglist: number;
  tlp: number | null;
}

export function toObservationItem(r: ObservationRow): ObservationItem {
  return {
    key: r.key.toString('hex'),
    type: r.type,
    source: r.source,
    destinationIp: r.destination_ip,
    destinationPort: r.destination_port,
    malware: r.malware,
    day: r.day,
    count: r.count,
    firstSeen: new Date(r.first_seen).toISOString(),
    lastSeen: new Date(r.last_seen).toISOString(),
    feed: r.feed,
    src: { cc: r.src_cc, asn: r.src_asn, org: r.src_org, scope: r.src_scope },
    dst: { cc: r.dst_cc, asn: r.dst_asn, org: r.dst_org, scope: r.dst_scope },
    warninglist: r.warninglist !== 0,
    tlp: r.tlp === null ? null : (TLP_ORDER[r.tlp] ?? null),
  };
}

function observationStatement(db: Database.Database, f: ObservationFilter, after: number | undefined) {
  registerIpFunctions(db);
  const w = observationWhere(f, undefined);
  if (after !== undefined) {
    w.sql.push('o.rowid < ?');
    w.args.push(after);
  }
  const sql = `SELECT ${OBS_COLUMNS} FROM observations o ${w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : ''}
    ORDER BY o.rowid DESC LIMIT ?`;
  return { st: db.prepare(sql), args: w.args };
}

/** One page of observations, newest first, after the rowid `after` (exclusive). */
export function queryObservations(
  db: Database.Database,
  f: ObservationFilter,
  page: { readonly limit: number; readonly after?: number },
): Page<ObservationItem> {
  const { st, args } = observationStatement(db, f, page.after);
  const rows = st.all(...args, page.limit + 1) as ObservationRow[];
  const more = rows.length > page.limit;
  if (more) rows.length = page.limit;
  return { items: rows.map(toObservationItem), next: more ? (rows[rows.length - 1]?.rowid ?? null) : null };
}

/**
 * How many observations match, counting at most `cap` (then the answer is `cap` and capped):
 * a count reads every matching row, so it is bounded for the API.
 */
export function countObservations(
  db: Database.Database,
  f: ObservationFilter,
  cap: number,
): { total: number; capped: boolean } {
  registerIpFunctions(db);
  const w = observationWhere(f, undefined);
  const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM observations o ${
    w.sql.length ? `WHERE ${w.sql.join(' AND ')}` : ''
  } LIMIT ?)`;
  const n = (db.prepare(sql).get(...w.args, cap + 1) as { n: number }).n;
  return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
}

/** Every matching observation, newest first, in batches of `batch` (see the top of this file). */
export function* observationBatches(
  db: Database.Database,
  f: ObservationFilter,
  batch = 2000,
): Generator<ObservationItem[]> {
  let after: number | undefined;
  for (;;) {
    const { st, args } = observationStatement(db, f, after);
    const out: ObservationItem[] = [];
    let last: number | undefined;
    for (const r of st.iterate(...args, batch) as Iterable<ObservationRow>) {
      out.push(toObservationItem(r));
      last = r.rowid;
    }
    if (out.length > 0) yield out;
    if (out.length < batch || last === undefined) return;
    after = last;
  }
}

// ---- events ----

interface EventRow {
  rowid: number;
  id: Buffer;
  obs_key: Buffer;
  feed: string;
  seen_at: number;
  data: string;
}

function toEventItem(r: EventRow): EventItem {
  return {
    id: r.id.toString('hex'),
    observation: r.obs_key.toString('hex'),
    feed: r.feed,
    seenAt: new Date(r.seen_at).toISOString(),
    event: JSON.parse(r.data) as Record<string, unknown>,
  };
}

/** Whether a filter needs the event's observation (anything but time, feed and fields). */
function needsObservation(f: ObservationFilter): boolean {
  return Object.entries(f).some(
    ([k, v]) => v !== undefined && k !== 'since' && k !== 'until' && k !== 'feed' && k !== 'fields',
  );
}

export function eventStatement(db: Database.Database, f: ObservationFilter, after: number | undefined) {
  registerIpFunctions(db);
  const join = needsObservation(f);
  const w = join ? observationWhere({ ...f, feed: undefined }, 'e.data') : { sql: [], args: [] };
  const sql = [...w.sql];
  const args = [...w.args];
  if (!join)
    for (const field of f.fields ?? []) {
      sql.push('json_extract(e.data, ?) = ?');
      args.push(`$."${field.name}"`, field.value);
    }
  if (f.feed !== undefined) {
    sql.push('e.feed = ?');
    args.push(f.feed);
  }
  if (f.since) {
    sql.push('e.seen_at >= ?');
    args.push(f.since.ms);
  }
  if (f.until) {
    sql.push('e.seen_at <= ?');
    args.push(f.until.ms);
  }
  if (after !== undefined) {
    sql.push('e.rowid < ?');
    args.push(after);
  }
  // An address filter selects few observations through their source and destination indexes
  // (migration 10): start from those and reach their events by events_observation, instead of
  // reading the events table backwards until enough match (seconds at millions of events).
  // CROSS JOIN fixes that order for SQLite's planner, which has no statistics to choose it.
  const fromObservations = join && f.ip !== undefined;
  const text = `SELECT e.rowid AS rowid, e.id, e.obs_key, e.feed, e.seen_at, e.data FROM ${
    fromObservations
      ? 'observations o CROSS JOIN events e ON e.obs_key = o.key'
      : `events e ${join ? 'JOIN observations o ON o.key = e.obs_key' : ''}`
  }
    ${sql.length ? `WHERE ${sql.join(' AND ')}` : ''} ORDER BY e.rowid DESC LIMIT ?`;
  return { st: db.prepare(text), args };
}

/** One page of events, newest stored first. */
export function queryEvents(
  db: Database.Database,
  f: ObservationFilter,
  page: { readonly limit: number; readonly after?: number },
): Page<EventItem> {
  const { st, args } = eventStatement(db, f, page.after);
  const rows = st.all(...args, page.limit + 1) as EventRow[];
  const more = rows.length > page.limit;
  if (more) rows.length = page.limit;
  return { items: rows.map(toEventItem), next: more ? (rows[rows.length - 1]?.rowid ?? null) : null };
}

/** Every matching event, newest first, in batches. */
export function* eventBatches(
  db: Database.Database,
  f: ObservationFilter,
  batch = 2000,
): Generator<EventItem[]> {
  let after: number | undefined;
  for (;;) {
    const { st, args } = eventStatement(db, f, after);
    const out: EventItem[] = [];
    let last: number | undefined;
    for (const r of st.iterate(...args, batch) as Iterable<EventRow>) {
      out.push(toEventItem(r));
      last = r.rowid;
    }
    if (out.length > 0) yield out;
    if (out.length < batch || last === undefined) return;
    after = last;
  }
}
