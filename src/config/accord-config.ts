/**
 * The one configuration file of an Accord deployment (default ./accord.yaml; `--config FILE` or
 * ACCORD_CONFIG). Every section is optional; unknown keys are errors, and every problem is
 * reported with the file, the path of the key and what was expected, all at once:
 *
 *   accord.yaml: feeds[2].schedule: "every banana" is not a duration or a cron schedule (...)
 *
 * ```yaml
 * allowed_hosts: [feeds.example.com, "*.shadowserver.org"]   # hosts feed URLs may reach
 * store: { db: ./data/accord.db }                              # relative to this file's folder
 * enrichment:                                                  # run in this order
 *   - name: geo
 *   - name: constituency
 *     options: { file: constituency/example.yaml }
 * feeds: [ ... ]                                               # see src/feeds/feed-definition.ts
 * ```
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AnyEnricher } from '../components/enrichers/contract.js';
import { err, ok, type Result } from '../domain/result.js';
import { type HostPattern, parseHostPattern } from '../feeds/allowed-hosts.js';
import { type FeedDefinition, validateFeed } from '../feeds/feed-definition.js';
import { at, checkKeys, isPlainObject, Problems, show } from './problems.js';

export interface EnrichmentEntry {
  readonly name: string;
  readonly definition: AnyEnricher;
  /** Options as the enricher's own parseOptions returned them. */
  readonly options: unknown;
}

export interface AccordConfig {
  /** The config file as given, for messages. */
  readonly file: string;
  /** Relative paths in the config (feed files, enricher data, the store) are read from here. */
  readonly baseDir: string;
  readonly allowedHosts: readonly HostPattern[];
  readonly store: { readonly db?: string };
  readonly enrichment: readonly EnrichmentEntry[];
  readonly feeds: readonly FeedDefinition[];
}

export const TOP_KEYS = ['feeds', 'enrichment', 'allowed_hosts', 'store'] as const;

export interface ValidateContext {
  readonly file: string;
  readonly parsers: Parameters<typeof validateFeed>[2]['parsers'];
  readonly enrichers: readonly AnyEnricher[];
}

function list(v: unknown, path: string, p: Problems, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add(path, `expected a list of ${what}`);
    return [];
  }
  return v;
}

/** Validate a parsed config document. Errors: one line each, starting with the file name. */
export function validateConfig(doc: unknown, ctx: ValidateContext): Result<AccordConfig, readonly string[]> {
  const p = new Problems();
  const baseDir = dirname(resolve(ctx.file));
  if (doc !== null && doc !== undefined && !isPlainObject(doc))
    return err([`${ctx.file}: expected a mapping with keys ${TOP_KEYS.join(', ')}`]);
  const d = (doc ?? {}) as Record<string, unknown>;
  checkKeys(d, TOP_KEYS, '', p);

  const allowedHosts: HostPattern[] = [];
  for (const [i, h] of list(d.allowed_hosts, 'allowed_hosts', p, 'host names').entries()) {
    const r =
      typeof h === 'string'
        ? parseHostPattern(h)
        : err(`${show(h)} is not a host (expected a host name, an IP address or *.domain)`);
    if (r.ok) allowedHosts.push(r.value);
    else p.add(at('allowed_hosts', i), r.error);
  }

  const store: { db?: string } = {};
  if (d.store !== undefined && d.store !== null) {
    if (!isPlainObject(d.store)) p.add('store', 'expected a mapping, e.g. { db: ./data/accord.db }');
    else if (checkKeys(d.store, ['db'], 'store', p) && d.store.db !== undefined) {
      const db = d.store.db;
      if (typeof db !== 'string' || db.trim() === '')
        p.add('store.db', 'expected the path of the SQLite file');
      else store.db = db === ':memory:' || isAbsolute(db) ? db : resolve(baseDir, db);
    }
  }

  const enrichment: EnrichmentEntry[] = [];
  const known = ctx.enrichers.map((e) => e.name);
  for (const [i, e] of list(d.enrichment, 'enrichment', p, 'enrichers ({ name, options })').entries()) {
    const path = at('enrichment', i);
    const entry = typeof e === 'string' ? { name: e } : e;
    if (!isPlainObject(entry)) {
      p.add(path, `expected { name, options } or an enricher name (one of: ${known.join(', ')})`);
      continue;
    }
    if (!checkKeys(entry, ['name', 'options'], path, p)) continue;
    const def = ctx.enrichers.find((x) => x.name === entry.name);
    if (!def) {
      p.add(
        at(path, 'name'),
        `${show(entry.name)} is not a known enricher (expected one of: ${known.join(', ')})`,
      );
      continue;
    }
    const raw = entry.options ?? {};
    if (!isPlainObject(raw)) {
      p.add(at(path, 'options'), `expected a mapping of ${def.name} options`);
      continue;
    }
    const r = def.parseOptions(raw);
    if (!r.ok) p.add(at(path, 'options'), `${def.name}: ${r.error}`);
    else enrichment.push({ name: def.name, definition: def, options: r.value });
  }

  const feeds: FeedDefinition[] = [];
  const seen = new Map<string, number>();
  for (const [i, f] of list(d.feeds, 'feeds', p, 'feeds').entries()) {
    const path = at('feeds', i);
    const def = validateFeed(f, path, { baseDir, allowedHosts, parsers: ctx.parsers }, p);
    if (!def) continue;
    const first = seen.get(def.name);
    if (first !== undefined) p.add(at(path, 'name'), `"${def.name}" is already the name of feeds[${first}]`);
    else {
      seen.set(def.name, i);
      feeds.push(def);
    }
  }
  if (!p.empty) return err(p.list.map((m) => `${ctx.file}: ${m}`));
  return ok({ file: ctx.file, baseDir, allowedHosts, store, enrichment, feeds });
}
