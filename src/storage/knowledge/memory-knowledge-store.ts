/**
 * An in-process KnowledgeStore (tests, dry runs). Same semantics as the SQLite adapter, checked by
 * the same contract suite: a persistent clock for date_added, first/last flags per object, filters
 * applied before paging.
 */
import { ok, type Result } from '../../domain/result.js';
import { tlpRank } from '../../domain/tlp.js';
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

interface Row extends StoredObject {
  readonly collection: string;
  readonly versionKey: string;
  readonly versionUs: number;
  first: boolean;
  last: boolean;
}

export class MemoryKnowledgeStore implements KnowledgeStore {
  /** Every version, in date_added order. */
  private rows: Row[] = [];
  private clock = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async put(collection: string, objects: readonly PreparedObject[]): Promise<PutResult> {
    const outcomes: ('added' | 'exists')[] = [];
    let added = 0;
    for (const o of objects) {
      const mine = this.rows.filter((r) => r.collection === collection && r.id === o.id);
      if (mine.some((r) => r.versionKey === o.versionKey)) {
        outcomes.push('exists');
        continue;
      }
      const dateAdded = Math.max(this.now(), this.clock + 1);
      this.clock = dateAdded;
      const us = o.versionUs ?? dateAdded * 1000;
      const last = mine.find((r) => r.last);
      const first = mine.find((r) => r.first);
      const isLast = !last || us >= last.versionUs;
      const isFirst = !first || us < first.versionUs;
      if (isLast && last) last.last = false;
      if (isFirst && first) first.first = false;
      this.rows.push({
        collection,
        id: o.id,
        type: o.type,
        specVersion: o.specVersion,
        version: o.version ?? stixTime(dateAdded),
        versionKey: o.versionKey,
        versionUs: us,
        dateAdded,
        tlp: o.tlp,
        markings: [...o.markings],
        json: o.json,
        first: isFirst,
        last: isLast,
      });
      outcomes.push('added');
      added++;
    }
    return { outcomes, added, existing: objects.length - added };
  }

  private matcher(
    collection: string,
    filter: KnowledgeFilter,
    after: number | undefined,
    dflt: 'last' | 'all',
  ): Result<(r: Row) => boolean> {
    const vm = versionMatch(filter.versions, dflt);
    if (!vm.ok) return vm;
    const v = vm.value;
    const from = Math.max(filter.addedAfter ?? -1, after ?? -1);
    const tlpRanks = filter.tlp ? new Set(filter.tlp.levels.map(tlpRank)) : undefined;
    return ok(
      (r) =>
        r.collection === collection &&
        r.dateAdded > from &&
        (v.all || (v.first && r.first) || (v.last && r.last) || v.at.includes(r.versionUs)) &&
        (filter.ids === undefined || filter.ids.includes(r.id)) &&
        (filter.types === undefined || filter.types.includes(r.type)) &&
        (filter.specVersions === undefined || filter.specVersions.includes(r.specVersion)) &&
        (filter.excludeTypes === undefined || !filter.excludeTypes.includes(r.type)) &&
        (filter.tlp === undefined ||
          (r.tlp === undefined ? filter.tlp.unmarked : (tlpRanks as Set<number>).has(tlpRank(r.tlp)))),
    );
  }

  private select<T>(
    collection: string,
    filter: KnowledgeFilter,
    page: PageRequest | undefined,
    dflt: 'last' | 'all',
    map: (r: Row) => T,
  ): Result<Page<T>> {
    const cursor = decodeCursor(page?.next);
    if (!cursor.ok) return cursor;
    const m = this.matcher(collection, filter, cursor.value, dflt);
    if (!m.ok) return m;
    const limit = pageLimit(page);
    const out: Row[] = [];
    for (const r of this.rows) {
      if (!m.value(r)) continue;
      out.push(r);
      if (out.length > limit) break;
    }
    return ok(toPage(out, limit, map));
  }

  async list(
    collection: string,
    filter: KnowledgeFilter,
    page?: PageRequest,
  ): Promise<Result<Page<StoredObject>>> {
    return this.select(collection, filter, page, 'last', (r) => ({
      id: r.id,
      type: r.type,
      specVersion: r.specVersion,
      version: r.version,
      dateAdded: r.dateAdded,
      tlp: r.tlp,
      markings: r.markings,
      json: r.json,
    }));
  }

  async manifest(
    collection: string,
    filter: KnowledgeFilter,
    page?: PageRequest,
  ): Promise<Result<Page<ManifestEntry>>> {
    return this.select(collection, filter, page, 'last', (r) => ({
      id: r.id,
      type: r.type,
      specVersion: r.specVersion,
      version: r.version,
      dateAdded: r.dateAdded,
      mediaType: STIX_MEDIA_TYPE,
    }));
  }

  async versions(
    collection: string,
    id: string,
    filter: KnowledgeFilter = {},
    page?: PageRequest,
  ): Promise<Result<Page<VersionEntry>>> {
    return this.select(collection, { ...filter, ids: [id], versions: ['all'] }, page, 'all', (r) => ({
      version: r.version,
      dateAdded: r.dateAdded,
    }));
  }

  async latest(collection: string, id: string): Promise<StoredObject | undefined> {
    const r = this.rows.find((x) => x.collection === collection && x.id === id && x.last);
    return r
      ? {
          id: r.id,
          type: r.type,
          specVersion: r.specVersion,
          version: r.version,
          dateAdded: r.dateAdded,
          tlp: r.tlp,
          markings: r.markings,
          json: r.json,
        }
      : undefined;
  }

  async delete(collection: string, id: string, filter: KnowledgeFilter = {}): Promise<number> {
    const m = this.matcher(collection, { ...filter, ids: [id] }, undefined, 'all');
    if (!m.ok) return 0;
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !m.value(r));
    const n = before - this.rows.length;
    if (n > 0) {
      const mine = this.rows.filter((r) => r.collection === collection && r.id === id);
      for (const r of mine) r.first = r.last = false;
      const byVersion = [...mine].sort((a, b) => a.versionUs - b.versionUs || a.dateAdded - b.dateAdded);
      const f = byVersion[0];
      const l = byVersion[byVersion.length - 1];
      if (f) f.first = true;
      if (l) l.last = true;
    }
    return n;
  }

  async stats(): Promise<KnowledgeStats> {
    const by = new Map<string, { ids: Set<string>; versions: number }>();
    for (const r of this.rows) {
      const s = by.get(r.collection) ?? { ids: new Set<string>(), versions: 0 };
      s.ids.add(r.id);
      s.versions++;
      by.set(r.collection, s);
    }
    return {
      collections: [...by.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([collection, s]) => ({ collection, objects: s.ids.size, versions: s.versions })),
    };
  }

  async close(): Promise<void> {}
}
