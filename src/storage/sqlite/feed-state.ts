/**
 * Feed health rows (table feed_state, migration 4) for the SQLite store. Times are stored as epoch
 * ms and read back as ISO 8601, like the other tables.
 */
import type Database from 'better-sqlite3';
import type { FeedState } from '../store.js';

interface Row {
  feed: string;
  last_run_at: number | null;
  last_status: FeedState['lastStatus'] | null;
  last_success_at: number | null;
  last_error_at: number | null;
  last_error: string | null;
  failures: number | null;
  last_read: number | null;
  last_new: number | null;
  last_quarantined: number | null;
  next_run_at: number | null;
  http_url: string | null;
  etag: string | null;
  last_modified: string | null;
}

const ms = (iso: string | undefined): number | null => {
  if (iso === undefined) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};
const iso = (t: number | null): string | undefined => (t === null ? undefined : new Date(t).toISOString());

function fromRow(r: Row): FeedState {
  const out: Record<string, unknown> = {
    feed: r.feed,
    lastRunAt: iso(r.last_run_at),
    lastStatus: r.last_status ?? undefined,
    lastSuccessAt: iso(r.last_success_at),
    lastErrorAt: iso(r.last_error_at),
    lastError: r.last_error ?? undefined,
    failures: r.failures ?? undefined,
    lastRead: r.last_read ?? undefined,
    lastNew: r.last_new ?? undefined,
    lastQuarantined: r.last_quarantined ?? undefined,
    nextRunAt: iso(r.next_run_at),
    httpUrl: r.http_url ?? undefined,
    etag: r.etag ?? undefined,
    lastModified: r.last_modified ?? undefined,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as FeedState;
}

export function putFeedState(db: Database.Database, s: FeedState): void {
  db.prepare(
    `INSERT OR REPLACE INTO feed_state(feed, last_run_at, last_status, last_success_at, last_error_at,
       last_error, failures, last_read, last_new, last_quarantined, next_run_at, http_url, etag, last_modified)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.feed,
    ms(s.lastRunAt),
    s.lastStatus ?? null,
    ms(s.lastSuccessAt),
    ms(s.lastErrorAt),
    s.lastError ?? null,
    s.failures ?? null,
    s.lastRead ?? null,
    s.lastNew ?? null,
    s.lastQuarantined ?? null,
    ms(s.nextRunAt),
    s.httpUrl ?? null,
    s.etag ?? null,
    s.lastModified ?? null,
  );
}

export function getFeedState(db: Database.Database, feed: string): FeedState | undefined {
  const r = db.prepare('SELECT * FROM feed_state WHERE feed = ?').get(feed) as Row | undefined;
  return r ? fromRow(r) : undefined;
}

export function listFeedStates(db: Database.Database): FeedState[] {
  return (db.prepare('SELECT * FROM feed_state ORDER BY feed').all() as Row[]).map(fromRow);
}
