/**
 * The enricher contract: a pipeline component that adds to a harmonised event what the feed did
 * not say (country, ASN, owner, warninglist hits, classification). Enrichers run AFTER the
 * event's identity is computed, so new or corrected enrichment data never changes identities
 * (re-ingesting a file after a data update still folds).
 *
 * Loading data is the only I/O, done once in `create`; `enrich` is pure, synchronous and fast
 * (it runs for every event). Bad entries in an enricher's data are skipped and reported as
 * warnings naming file and entry; they never stop the enricher or the ingest.
 */

import type { Event } from '../../domain/schema/event.js';
import type { OptionDoc } from '../parsers/contract.js';

export interface EnricherInstance {
  /**
   * Return the enriched event, or the same object when nothing applies. Without `owned` the
   * given event is never changed (a new object comes back). With `owned` the caller owns the
   * event and nothing else refers to it (the pipeline's freshly harmonised events): the enricher
   * may add to it in place and return it, saving a copy per enricher per event.
   */
  enrich(event: Event, owned?: boolean): Event;
  /**
   * The loaded data as plain values (structured-clone safe: typed arrays, arrays, plain objects),
   * from which `EnricherDefinition.restore` rebuilds the instance in another thread without
   * reading and parsing the files again (a parallel ingest's workers). Optional: an enricher
   * without it is started in each worker with `create`.
   */
  snapshot?(): unknown;
}

export interface EnricherLoad {
  readonly instance: EnricherInstance;
  /** Problems met while loading data (file, entry, what is wrong); loading went on. */
  readonly warnings: readonly string[];
}

export interface EnricherContext {
  /** Directory relative paths in options are resolved against (the config file's folder). */
  readonly baseDir: string;
}

export interface EnricherDefinition<O = unknown> {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionDoc[];
  parseOptions(raw: Readonly<Record<string, unknown>>): { ok: true; value: O } | { ok: false; error: string };
  create(options: O, ctx: EnricherContext): Promise<EnricherLoad>;
  /** Rebuild an instance from another instance's `snapshot()` (same options). */
  restore?(snapshot: unknown, options: O, ctx: EnricherContext): Promise<EnricherInstance>;
}

/**
 * How to start an enricher again elsewhere (a worker thread of a parallel ingest): its registry
 * name, its parsed options (plain data) and the folder relative paths resolve against.
 */
export interface EnricherSpec {
  readonly name: string;
  readonly options: unknown;
  readonly baseDir: string;
  /** The loaded instance's snapshot, when it has one: workers restore from it instead of loading. */
  readonly snapshot?: unknown;
}

/** An enricher of any options type, as held in the registry. */
// biome-ignore lint/suspicious/noExplicitAny: options are checked by each enricher's own parseOptions
export type AnyEnricher = EnricherDefinition<any>;
