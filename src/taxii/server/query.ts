/**
 * TAXII 2.1 URL parameters (added_after, limit, next, match[id|type|version|spec_version]) read into
 * a KnowledgeFilter and a PageRequest; anything unreadable is an error the server answers with 400.
 * A match[...] value may list several values separated by commas, and may be repeated.
 */
import { err, ok, type Result } from '../../domain/result.js';
import {
  decodeCursor,
  type KnowledgeFilter,
  type PageRequest,
  versionMatch,
} from '../../knowledge/knowledge-store.js';
import { IDENTIFIER, timestampMicros } from '../../knowledge/stix.js';

/** Objects per page when the client does not say, and the most we serve in one page. */
export const DEFAULT_PAGE = 1000;
export const MAX_PAGE_SERVED = 10_000;

/**
 * The most values one match[...] parameter may list. Every value is one bound parameter of the
 * store's query (SQLite allows 32,766 in all), and a client asking for more ids than a page holds is
 * better served by several requests: more is a 400, never a failed query.
 */
export const MAX_MATCH_VALUES = 1000;

export type Query = Readonly<Record<string, string | string[] | undefined>>;

/** Which parameters an endpoint takes (TAXII 2.1 lists them per endpoint). */
export interface Accepts {
  readonly paging?: boolean;
  readonly id?: boolean;
  readonly type?: boolean;
  readonly version?: boolean;
  readonly specVersion?: boolean;
}

const STIX_TYPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SPEC_VERSION = /^[0-9]+\.[0-9]+$/;

function values(q: Query, key: string): Result<string[] | undefined> {
  const v = q[key];
  if (v === undefined) return ok(undefined);
  const list = (Array.isArray(v) ? v : [v])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length > MAX_MATCH_VALUES)
    return err(`${key}: ${list.length} values; at most ${MAX_MATCH_VALUES} per request`);
  return ok(list);
}

function single(q: Query, key: string): Result<string | undefined> {
  const v = q[key];
  if (Array.isArray(v)) return err(`${key} may be given once`);
  return ok(v);
}

export interface ParsedQuery {
  readonly filter: KnowledgeFilter;
  readonly page: PageRequest;
}

export function parseQuery(q: Query, accepts: Accepts): Result<ParsedQuery> {
  const filter: { -readonly [K in keyof KnowledgeFilter]: KnowledgeFilter[K] } = {};
  const page: { limit?: number; next?: string } = {};
  if (accepts.paging) {
    const after = single(q, 'added_after');
    if (!after.ok) return after;
    if (after.value !== undefined) {
      const us = timestampMicros(after.value);
      if (us === undefined)
        return err(`added_after: "${after.value}" is not a timestamp such as 2026-11-01T00:00:00.000Z`);
      filter.addedAfter = Math.floor(us / 1000);
    }
    const limit = single(q, 'limit');
    if (!limit.ok) return limit;
    if (limit.value !== undefined) {
      const n = Number(limit.value);
      if (!/^[0-9]+$/.test(limit.value) || !Number.isSafeInteger(n) || n < 1)
        return err(`limit: "${limit.value}" is not a positive integer`);
      page.limit = Math.min(n, MAX_PAGE_SERVED);
    } else page.limit = DEFAULT_PAGE;
    const next = single(q, 'next');
    if (!next.ok) return next;
    if (next.value !== undefined) {
      const c = decodeCursor(next.value);
      if (!c.ok) return c;
      page.next = next.value;
    }
  }
  if (accepts.id) {
    const idsRead = values(q, 'match[id]');
    if (!idsRead.ok) return idsRead;
    const ids = idsRead.value;
    if (ids) {
      const bad = ids.find((i) => !IDENTIFIER.test(i));
      if (bad !== undefined) return err(`match[id]: "${bad}" is not a STIX identifier`);
      filter.ids = ids;
    }
  }
  if (accepts.type) {
    const typesRead = values(q, 'match[type]');
    if (!typesRead.ok) return typesRead;
    const types = typesRead.value;
    if (types) {
      const bad = types.find((t) => !STIX_TYPE.test(t));
      if (bad !== undefined) return err(`match[type]: "${bad}" is not a STIX object type`);
      filter.types = types;
    }
  }
  if (accepts.version) {
    const versionsRead = values(q, 'match[version]');
    if (!versionsRead.ok) return versionsRead;
    const versions = versionsRead.value;
    if (versions) {
      const vm = versionMatch(versions);
      if (!vm.ok) return vm;
      filter.versions = versions;
    }
  }
  if (accepts.specVersion) {
    const svRead = values(q, 'match[spec_version]');
    if (!svRead.ok) return svRead;
    const sv = svRead.value;
    if (sv) {
      const bad = sv.find((s) => !SPEC_VERSION.test(s));
      if (bad !== undefined) return err(`match[spec_version]: "${bad}" is not a version such as 2.1`);
      filter.specVersions = sv;
    }
  }
  return ok({ filter, page });
}
