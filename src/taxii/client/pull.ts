/**
 * Pull a partner's TAXII collection into the local knowledge store (`accord taxii pull` and
 * scheduled TAXII feeds): page through GET objects from where the last pull stopped, and store
 * each page through the same validation and quarantine as `accord knowledge import` (importStix:
 * every object kept byte for byte, the sender's markings with it; an invalid one quarantined with
 * the feed `taxii:<partner>`, the page URL and its position).
 *
 * Resuming: after each stored page its X-TAXII-Date-Added-Last is saved (cursors.ts; one resume
 * point per partner, remote collection and local collection), and the next
 * pull asks for `added_after` it. A pull stopped half-way (a failure, a shutdown, --max-pages)
 * therefore goes on from the last page it stored; objects seen twice are not stored twice.
 */
import { importStix } from '../../knowledge/import.js';
import type { KnowledgeStore } from '../../knowledge/knowledge-store.js';
import type { Store } from '../../storage/store.js';
import { type CursorStore, pullCursorName, readCursor, writeCursor } from './cursors.js';
import type { ObjectsQuery } from './resources.js';
import type { TaxiiClient } from './taxii-client.js';
import { TaxiiError } from './taxii-error.js';

export interface PullDeps {
  readonly client: TaxiiClient;
  readonly knowledge: KnowledgeStore;
  readonly store: Pick<Store, 'writeBatch'> & CursorStore;
  readonly now?: () => number;
}

export interface PullOptions {
  /** The partner's name (cursor and quarantine feed). */
  readonly partner: string;
  /** The collection id on the partner's server. */
  readonly collection: string;
  /** The local collection the objects go into. */
  readonly into: string;
  /** A TAXII timestamp to pull from instead of the saved cursor. */
  readonly since?: string;
  /** Objects per page asked for (the server may give fewer; default 1,000). */
  readonly limit?: number;
  /** Stop after this many pages (the next pull goes on; default 100,000). */
  readonly maxPages?: number;
  readonly match?: ObjectsQuery['match'];
  readonly onPage?: (p: { readonly page: number; readonly objects: number; readonly added: number }) => void;
}

export interface PullSummary {
  readonly status: 'ok' | 'failed';
  readonly partner: string;
  readonly collection: string;
  readonly into: string;
  readonly url: string;
  /** The added_after the pull started from (undefined: from the beginning). */
  readonly from?: string;
  /** The resume point saved for the next pull. */
  readonly cursor?: string;
  readonly pages: number;
  /** Objects received. */
  readonly objects: number;
  readonly added: number;
  readonly existing: number;
  readonly quarantined: number;
  readonly seconds: number;
  /** False when --max-pages stopped it before the server said there was no more. */
  readonly complete: boolean;
  readonly error?: string;
  readonly warnings: readonly string[];
}

export const pullFeedName = (partner: string) => `taxii:${partner}`;

export async function pullCollection(deps: PullDeps, o: PullOptions): Promise<PullSummary> {
  const now = deps.now ?? Date.now;
  const t0 = performance.now();
  const url = deps.client.objectsUrl(o.collection);
  const name = pullCursorName(o.partner, o.collection, o.into);
  const from = o.since ?? (await readCursor(deps.store, name, url));
  let cursor = from;
  let pages = 0;
  let objects = 0;
  let added = 0;
  let existing = 0;
  let quarantined = 0;
  let complete = false;
  let error: string | undefined;
  const warnings: string[] = [];
  const maxPages = o.maxPages ?? 100_000;
  try {
    const query: ObjectsQuery = {
      limit: o.limit ?? 1000,
      ...(from !== undefined ? { addedAfter: from } : {}),
      ...(o.match ? { match: o.match } : {}),
    };
    for await (const page of deps.client.pages(o.collection, query, maxPages)) {
      pages++;
      const s = await importStix(page.text, deps, {
        source: page.url,
        feed: pullFeedName(o.partner),
        collection: o.into,
      });
      objects += page.objectCount;
      added += s.added;
      existing += s.existing;
      quarantined += s.quarantined;
      if (page.dateAddedLast !== undefined) cursor = page.dateAddedLast;
      else if (page.objectCount > 0 && warnings.length === 0)
        warnings.push(
          `${page.url}: no X-TAXII-Date-Added-Last header: the next pull cannot resume after these objects (it reads them again; they are not stored twice)`,
        );
      await writeCursor(deps.store, name, {
        url,
        ...(cursor !== undefined ? { cursor } : {}),
        status: 'ok',
        at: now(),
        read: objects,
        added,
        quarantined,
      });
      o.onPage?.({ page: pages, objects, added });
      if (!page.more) complete = true;
    }
    if (!complete)
      warnings.push(
        `stopped after ${pages} pages (--max-pages); the next pull goes on from ${cursor ?? 'the start'}`,
      );
  } catch (e) {
    if (!(e instanceof TaxiiError)) throw e;
    error = e.message;
    await writeCursor(deps.store, name, { url, status: 'failed', at: now(), error });
  }
  return {
    status: error === undefined ? 'ok' : 'failed',
    partner: o.partner,
    collection: o.collection,
    into: o.into,
    url,
    ...(from !== undefined ? { from } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    pages,
    objects,
    added,
    existing,
    quarantined,
    seconds: (performance.now() - t0) / 1000,
    complete,
    ...(error !== undefined ? { error } : {}),
    warnings,
  };
}
