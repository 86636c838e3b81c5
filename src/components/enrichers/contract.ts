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
  /** Return the enriched event (a new object), or the same object when nothing applies. */
  enrich(event: Event): Event;
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
}

/** An enricher of any options type, as held in the registry. */
// biome-ignore lint/suspicious/noExplicitAny: options are checked by each enricher's own parseOptions
export type AnyEnricher = EnricherDefinition<any>;
