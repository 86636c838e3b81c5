/**
 * A shallow copy of an event for an enricher to add fields to.
 *
 * Object.assign, not `{ ...event }`: on Node 20 a spread copy followed by adding a handful of
 * dotted keys costs ~6 µs per event (the copy's hidden class goes slow), Object.assign ~0.1 µs.
 * Measured by bench/enrich-bench.ts; it decides whether enrichment keeps up with ingest.
 */
export function copy(ev: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.assign({}, ev);
}
