/**
 * Where a pull or a push stopped, per partner and collection, kept in the store's feed health
 * rows (the Store port's getFeedState/putFeedState, so every Store adapter keeps them) under the
 * names `taxii-pull:<partner>:<collection>:<local collection>` (what came from there into here)
 * and `taxii-push:<partner>:<collection>:<local collection>`:
 *
 * - `httpUrl`: the remote collection's objects URL the cursor belongs to. A cursor is only used
 *   while the partner's API root and the collection stay the same (like HTTP validators).
 * - `lastModified`: the cursor. Pull: the X-TAXII-Date-Added-Last of the last page stored (the
 *   server's own timestamp text, passed back as added_after). Push: the date_added of the last
 *   local object version sent, as an ISO 8601 timestamp (local date_added is in milliseconds).
 * - the other health fields: when it last ran, how it went, what it read.
 */
import type { FeedState, Store } from '../../storage/store.js';

export type CursorStore = Pick<Store, 'getFeedState' | 'putFeedState'>;

export const pullCursorName = (partner: string, collection: string, into: string) =>
  `taxii-pull:${partner}:${collection}:${into}`;
export const pushCursorName = (partner: string, collection: string, from: string) =>
  `taxii-push:${partner}:${collection}:${from}`;

/** The cursor saved for this name, if it belongs to this URL. */
export async function readCursor(store: CursorStore, name: string, url: string): Promise<string | undefined> {
  const s = await store.getFeedState(name);
  return s?.httpUrl === url ? s.lastModified : undefined;
}

export interface CursorUpdate {
  readonly url: string;
  /** The new cursor; undefined keeps the one saved (when it belongs to `url`). */
  readonly cursor?: string;
  readonly status: 'ok' | 'failed';
  readonly at: number;
  readonly error?: string;
  readonly read?: number;
  readonly added?: number;
  readonly quarantined?: number;
}

export async function writeCursor(store: CursorStore, name: string, u: CursorUpdate): Promise<void> {
  const prev = await store.getFeedState(name);
  const iso = new Date(u.at).toISOString();
  const keep = prev?.httpUrl === u.url ? prev.lastModified : undefined;
  const cursor = u.cursor ?? keep;
  const s: Record<string, unknown> = {
    feed: name,
    lastRunAt: iso,
    lastStatus: u.status,
    httpUrl: u.url,
    ...(cursor !== undefined ? { lastModified: cursor } : {}),
  };
  if (u.status === 'ok') {
    s.lastSuccessAt = iso;
    s.failures = 0;
  } else {
    s.lastErrorAt = iso;
    if (u.error !== undefined) s.lastError = u.error;
    s.failures = (prev?.failures ?? 0) + 1;
    if (prev?.lastSuccessAt) s.lastSuccessAt = prev.lastSuccessAt;
  }
  if (u.read !== undefined) s.lastRead = u.read;
  if (u.added !== undefined) s.lastNew = u.added;
  if (u.quarantined !== undefined) s.lastQuarantined = u.quarantined;
  await store.putFeedState(s as unknown as FeedState);
}
