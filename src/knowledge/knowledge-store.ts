/**
 * The KnowledgeStore port: STIX 2.1 objects, every version of each, per collection, shaped for the
 * TAXII 2.1 server (list, one object, versions, manifest, delete) and for derive/import/export.
 *
 * - Each stored version has a server-assigned `dateAdded` (epoch ms), unique and strictly
 *   increasing across the store: it orders every listing and is the keyset of pagination, so a page
 *   never skips or repeats an object whatever is added meanwhile.
 * - Storing a version that already exists (same collection, id and version) is not an error and
 *   stores nothing: the first copy stays.
 * - A version is the object's `modified`, else its `created`; objects with neither (cyber-
 *   observables, some marking definitions) are versioned by content: a different JSON for the same id
 *   is another version, reported by its date_added.
 * - Visibility (an agreement's object types and the TLP levels `mayRelease` allows) is part of the
 *   filter, so the store applies it before paging: pages, `more` and date_added headers only ever
 *   reflect what the recipient may see.
 *
 * Adapters: src/storage/knowledge/sqlite-knowledge-store.ts and memory-knowledge-store.ts; one
 * contract suite (src/storage/knowledge/knowledge-store.contract.ts) runs over both.
 */
import { createHash } from 'node:crypto';
import type { Result } from '../domain/result.js';
import { err, ok } from '../domain/result.js';
import { markingRefsOf, type TlpLevel, type TlpVisibility, tlpOfMarkings } from '../domain/tlp.js';
import { type StixObject, timestampMicros } from './stix.js';

/** An object version ready to store: parsed once, with the exact JSON text it came as. */
export interface PreparedObject {
  readonly id: string;
  readonly type: string;
  readonly specVersion: string;
  /** `modified` ?? `created` as written, or undefined for objects without either. */
  readonly version: string | undefined;
  /** The version in microseconds (undefined with `version`). */
  readonly versionUs: number | undefined;
  /** Identity of the version within its object: the version text, or a digest of the JSON. */
  readonly versionKey: string;
  /** object_marking_refs and granular marking refs. */
  readonly markings: readonly string[];
  /** The highest TLP among the markings; undefined when none is a TLP marking. */
  readonly tlp: TlpLevel | undefined;
  /** Exactly the JSON text to serve (imports keep the bytes they received). */
  readonly json: string;
}

/**
 * Prepare an object for storage. `json` defaults to JSON.stringify(obj); pass the text it was read
 * from to keep it exactly. The object must have passed validation (validate.ts): its id, type and
 * timestamps are trusted here.
 */
export function prepareObject(obj: StixObject, json: string = JSON.stringify(obj)): PreparedObject {
  const version =
    typeof obj.modified === 'string'
      ? obj.modified
      : typeof obj.created === 'string'
        ? obj.created
        : undefined;
  const versionUs = version === undefined ? undefined : timestampMicros(version);
  const markings = markingRefsOf(obj);
  return {
    id: obj.id,
    type: obj.type,
    specVersion: typeof obj.spec_version === 'string' ? obj.spec_version : '2.1',
    version: versionUs === undefined ? undefined : version,
    versionUs,
    versionKey:
      versionUs === undefined
        ? `#${createHash('sha256').update(json).digest('base64url').slice(0, 22)}`
        : String(versionUs),
    markings,
    tlp: tlpOfMarkings(markings),
    json,
  };
}

/** A stored version as listings return it. */
export interface StoredObject {
  readonly id: string;
  readonly type: string;
  readonly specVersion: string;
  /** The version as TAXII reports it: modified/created, or date_added for unversioned objects. */
  readonly version: string;
  readonly dateAdded: number;
  readonly tlp: TlpLevel | undefined;
  readonly markings: readonly string[];
  readonly json: string;
}

export type ManifestEntry = Omit<StoredObject, 'json' | 'markings' | 'tlp'> & { readonly mediaType: string };

/**
 * TAXII 2.1 filters plus visibility. Every present condition must hold.
 * `versions`: 'first', 'last', 'all' or STIX timestamps (any mix, as TAXII's match[version]);
 * default ['last']. `specVersions`: default every spec version stored.
 */
export interface KnowledgeFilter {
  /** Only versions added after this time (epoch ms, exclusive). */
  readonly addedAfter?: number;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly versions?: readonly string[];
  readonly specVersions?: readonly string[];
  /** Visibility: object types the agreement excludes. */
  readonly excludeTypes?: readonly string[];
  /** Visibility: the TLP levels (and whether unmarked objects) the recipient may receive. */
  readonly tlp?: TlpVisibility;
}

export interface PageRequest {
  /** Objects per page, 1..MAX_PAGE (default 100). */
  readonly limit?: number;
  /** The `next` of the previous page. */
  readonly next?: string;
}

export const MAX_PAGE = 10_000;

export interface Page<T> {
  readonly items: readonly T[];
  /** More items match after this page. */
  readonly more: boolean;
  /** Cursor for the next page (with the same filter); present when `more`. */
  readonly next?: string;
  /** date_added of the first and last item of the page (X-TAXII-Date-Added-First/Last). */
  readonly dateAddedFirst?: number;
  readonly dateAddedLast?: number;
}

export interface VersionEntry {
  readonly version: string;
  readonly dateAdded: number;
}

export interface PutResult {
  /** Per input object, in order: stored now, or already stored (the first copy stays). */
  readonly outcomes: readonly ('added' | 'exists')[];
  readonly added: number;
  readonly existing: number;
}

export interface KnowledgeStats {
  readonly collections: ReadonlyArray<{
    readonly collection: string;
    readonly objects: number;
    readonly versions: number;
  }>;
}

export interface KnowledgeStore {
  /** Store object versions atomically (all or none). */
  put(collection: string, objects: readonly PreparedObject[]): Promise<PutResult>;
  /** Objects matching the filter, in date_added order. */
  list(collection: string, filter: KnowledgeFilter, page?: PageRequest): Promise<Result<Page<StoredObject>>>;
  /** Same selection as `list`, without the objects' JSON (TAXII manifest). */
  manifest(
    collection: string,
    filter: KnowledgeFilter,
    page?: PageRequest,
  ): Promise<Result<Page<ManifestEntry>>>;
  /** The versions of one object in date_added order (filter: addedAfter, specVersions, visibility). */
  versions(
    collection: string,
    id: string,
    filter?: KnowledgeFilter,
    page?: PageRequest,
  ): Promise<Result<Page<VersionEntry>>>;
  /** The latest version of one object, whatever its visibility (for derive, not for egress). */
  latest(collection: string, id: string): Promise<StoredObject | undefined>;
  /** Delete the versions of one object that match (versions default 'all'); how many went. */
  delete(collection: string, id: string, filter?: KnowledgeFilter): Promise<number>;
  stats(): Promise<KnowledgeStats>;
  close(): Promise<void>;
}

/** The default collection of what Accord derives and imports (a fixed UUID: TAXII collection ids are). */
export const KNOWLEDGE_COLLECTION = '5a0c4e1e-8d3b-4f3c-9a51-0c2f6d7e8a90';

// ---- helpers shared by the adapters (so both read filters and cursors the same way) ----

export interface VersionMatch {
  readonly all: boolean;
  readonly first: boolean;
  readonly last: boolean;
  /** Requested version timestamps, in microseconds. */
  readonly at: readonly number[];
}

/** Read match[version] values; an unreadable timestamp is an error (the TAXII server answers 400). */
export function versionMatch(
  values: readonly string[] | undefined,
  dflt: 'last' | 'all' = 'last',
): Result<VersionMatch> {
  const vs = values && values.length > 0 ? values : [dflt];
  let all = false;
  let first = false;
  let last = false;
  const at: number[] = [];
  for (const v of vs) {
    if (v === 'all') all = true;
    else if (v === 'first') first = true;
    else if (v === 'last') last = true;
    else {
      const us = timestampMicros(v);
      if (us === undefined) return err(`match[version]: "${v}" is not first, last, all or a STIX timestamp`);
      at.push(us);
    }
  }
  return ok({ all, first, last, at });
}

const CURSOR_PREFIX = 'k1.';

export function encodeCursor(dateAdded: number): string {
  return CURSOR_PREFIX + Buffer.from(String(dateAdded)).toString('base64url');
}

/** The date_added a `next` cursor continues after; an error for anything this store did not issue. */
export function decodeCursor(next: string | undefined): Result<number | undefined> {
  if (next === undefined) return ok(undefined);
  if (!next.startsWith(CURSOR_PREFIX)) return err(`next: "${next}" is not a cursor this server issued`);
  const n = Number(Buffer.from(next.slice(CURSOR_PREFIX.length), 'base64url').toString());
  if (!Number.isSafeInteger(n) || n < 0) return err(`next: "${next}" is not a cursor this server issued`);
  return ok(n);
}

export function pageLimit(page: PageRequest | undefined): number {
  const l = page?.limit ?? 100;
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(l)));
}

/** Build a page from up to limit+1 rows (the extra one only says there is more). */
export function toPage<R extends { readonly dateAdded: number }, T>(
  rows: readonly R[],
  limit: number,
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const first = kept[0];
  const last = kept[kept.length - 1];
  return {
    items: kept.map(map),
    more,
    ...(more && last ? { next: encodeCursor(last.dateAdded) } : {}),
    ...(first ? { dateAddedFirst: first.dateAdded } : {}),
    ...(last ? { dateAddedLast: last.dateAdded } : {}),
  };
}
