/**
 * C2 activity: what the stored events say about each command-and-control address, the input of
 * derive. A C2 address is the destination of an infected-system event (the host it calls home to)
 * or the source of a c2-server event (a C2 list entry). Connections to a sinkhole are not C2
 * activity: the destination is the researchers' sinkhole, so those events are left out (feed name
 * or code matching `excludeFeeds`, default /sinkhole/i, or a destination on a warninglist).
 *
 * The TLP of an address is that of its events (each event carries its feed's TLP); events without
 * one are counted as `unmarked` and take the deployment default when derive marks the objects.
 */
import type Database from 'better-sqlite3';
import { parseIp } from '../domain/ip.js';
import type { Event } from '../domain/schema/event.js';
import { highestTlp, parseTlp, type TlpLevel, tlpRank } from '../domain/tlp.js';

/** The event fields derive reads (from an Event, or straight from SQL). */
export interface C2Row {
  readonly type: string | null | undefined;
  readonly source: string | null | undefined;
  readonly destination: string | null | undefined;
  readonly malware: string | null | undefined;
  readonly tlp: string | null | undefined;
  readonly seenAt: number;
  /** Last seen, when the row stands for several events (an observation); else seenAt. */
  readonly lastSeen?: number;
  /** Events the row stands for (default 1). */
  readonly count?: number;
  readonly feed: string | null | undefined;
  readonly feedCode: string | null | undefined;
  readonly destinationWarninglist: string | null | undefined;
}

export interface C2Activity {
  readonly address: string;
  /** Malware families named by the events, sorted. */
  readonly families: readonly string[];
  /** Events about this address. */
  readonly count: number;
  /** Of which: infected hosts seen calling it. */
  readonly botEvents: number;
  /** Of which: entries of C2 lists. */
  readonly listEvents: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Highest TLP of the events that have one. */
  readonly tlp: TlpLevel | undefined;
  /** Some events had no TLP. */
  readonly unmarked: boolean;
  /** Lowest TLP per family (a family object is justified by any one source naming it). */
  readonly familyTlp: Readonly<Record<string, TlpLevel | 'unmarked'>>;
}

export interface C2Options {
  /** Feeds whose infected-system destinations are sinkholes, not C2s (default /sinkhole/i). */
  readonly excludeFeeds?: RegExp;
}

interface Acc {
  families: Set<string>;
  count: number;
  bots: number;
  lists: number;
  first: number;
  last: number;
  tlp: TlpLevel | undefined;
  unmarked: boolean;
  familyTlp: Map<string, TlpLevel | 'unmarked'>;
}

const lower = (a: TlpLevel | 'unmarked', b: TlpLevel | 'unmarked'): TlpLevel | 'unmarked' => {
  if (a === 'unmarked' || b === 'unmarked') return a === 'unmarked' ? b : a; // a marked source is the better justification
  return tlpRank(a) <= tlpRank(b) ? a : b;
};

/** Fold rows into one activity per C2 address (sorted by address). */
export function aggregateC2(rows: Iterable<C2Row>, options: C2Options = {}): C2Activity[] {
  const exclude = options.excludeFeeds ?? /sinkhole/i;
  const by = new Map<string, Acc>();
  for (const r of rows) {
    let address: string | null | undefined;
    if (r.type === 'infected-system') {
      if (!r.destination || r.destinationWarninglist) continue;
      if ((r.feed && exclude.test(r.feed)) || (r.feedCode && exclude.test(r.feedCode))) continue;
      address = r.destination;
    } else if (r.type === 'c2-server') address = r.source;
    if (!address) continue;
    let a = by.get(address);
    if (!a) {
      a = {
        families: new Set(),
        count: 0,
        bots: 0,
        lists: 0,
        first: r.seenAt,
        last: r.lastSeen ?? r.seenAt,
        tlp: undefined,
        unmarked: false,
        familyTlp: new Map(),
      };
      by.set(address, a);
    }
    const n = r.count ?? 1;
    a.count += n;
    if (r.type === 'infected-system') a.bots += n;
    else a.lists += n;
    a.first = Math.min(a.first, r.seenAt);
    a.last = Math.max(a.last, r.lastSeen ?? r.seenAt);
    const tlp = r.tlp ? parseTlp(r.tlp) : undefined;
    if (tlp) a.tlp = highestTlp([a.tlp, tlp]);
    else a.unmarked = true;
    if (r.malware) {
      a.families.add(r.malware);
      const mine: TlpLevel | 'unmarked' = tlp ?? 'unmarked';
      const had = a.familyTlp.get(r.malware);
      a.familyTlp.set(r.malware, had === undefined ? mine : lower(had, mine));
    }
  }
  return [...by.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([address, a]) => ({
      address,
      families: [...a.families].sort(),
      count: a.count,
      botEvents: a.bots,
      listEvents: a.lists,
      firstSeen: a.first,
      lastSeen: a.last,
      tlp: a.tlp,
      unmarked: a.unmarked,
      familyTlp: Object.fromEntries(a.familyTlp),
    }));
}

/** The row of an event (time.source, else time.observation). */
export function c2Row(e: Event): C2Row {
  const time = e['time.source'] ?? e['time.observation'];
  return {
    type: e['classification.type'],
    source: e['source.ip'],
    destination: e['destination.ip'],
    malware: e['malware.name'],
    tlp: e.tlp,
    seenAt: time ? Date.parse(time) : 0,
    feed: e['feed.name'],
    feedCode: e['feed.code'],
    destinationWarninglist: e['destination.warninglist'],
  };
}

/**
 * The C2 rows of a SQLite store, streamed: one row per observation of the two types (events fold
 * into observations with their count, first and last seen and highest TLP), so derive reads
 * observations, not events. Rows whose address is not an IP (a C2 list entry naming a domain)
 * are skipped, as they are for events.
 */
export function* sqliteC2Rows(db: Database.Database): Generator<C2Row> {
  const stmt = db.prepare(`
    SELECT type, source, destination_ip AS destination, malware,
           CASE tlp WHEN 0 THEN 'CLEAR' WHEN 1 THEN 'GREEN' WHEN 2 THEN 'AMBER'
                    WHEN 3 THEN 'AMBER+STRICT' WHEN 4 THEN 'RED' END AS tlp,
           first_seen AS seenAt, last_seen AS lastSeen, count, feed, NULL AS feedCode,
           CASE WHEN warninglist & 2 THEN 'listed' END AS destinationWarninglist
    FROM observations
    WHERE type IN ('infected-system', 'c2-server')`);
  for (const r of stmt.iterate() as IterableIterator<C2Row>) {
    if (r.type === 'c2-server' && (r.source == null || parseIp(r.source) === undefined)) continue;
    yield r;
  }
}
