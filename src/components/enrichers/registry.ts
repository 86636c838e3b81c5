/**
 * Every enricher Accord knows, by name (the `enrichment:` section of accord.yaml). One line per
 * enricher. Order here is only the listing order; the config decides the order they run in.
 */
import { constituencyEnricher } from './constituency/index.js';
import type { AnyEnricher } from './contract.js';
import { geoEnricher } from './geo/index.js';
import { taxonomy } from './taxonomy/index.js';
import { warninglist } from './warninglist/index.js';

export const ENRICHERS: readonly AnyEnricher[] = [geoEnricher, constituencyEnricher, warninglist, taxonomy];

export function enricherByName(name: string): AnyEnricher | undefined {
  return ENRICHERS.find((e) => e.name === name);
}
