/**
 * What statistics need to know about an observation beyond its key, denormalised from the event
 * when the observation is created: `accord stats` then reads observations alone (no JSON, no
 * join with events), which is what lets it answer in seconds over millions of hosts.
 *
 * The first event stored for an observation sets these facts and later events that fold into it
 * do not change them: an observation is one host, one peer and one day, so its events agree on
 * these values unless the enrichment data changed in between.
 */
import type { Event } from '../domain/schema/event.js';

/** Bits of ObservationFacts.warninglist. */
export const WARNINGLIST_SOURCE = 1;
export const WARNINGLIST_DESTINATION = 2;

export interface ObservationFacts {
  /** feed.name of the first event. */
  readonly feed: string | null;
  readonly srcCc: string | null;
  readonly srcAsn: number | null;
  /** source.constituency.org: the constituency organisation that owns the source. */
  readonly srcOrg: string | null;
  /** source.constituency.scope; null when no constituency enricher ran. */
  readonly srcScope: 'domestic' | 'foreign' | null;
  readonly dstCc: string | null;
  readonly dstAsn: number | null;
  readonly dstOrg: string | null;
  readonly dstScope: 'domestic' | 'foreign' | null;
  /** WARNINGLIST_SOURCE | WARNINGLIST_DESTINATION: which side is on a MISP warninglist; 0 when none. */
  readonly warninglist: number;
}

const scope = (v: string | undefined): 'domestic' | 'foreign' | null =>
  v === 'domestic' || v === 'foreign' ? v : null;

export function observationFacts(e: Event): ObservationFacts {
  return {
    feed: e['feed.name'] ?? null,
    srcCc: e['source.geolocation.cc'] ?? null,
    srcAsn: e['source.asn'] ?? null,
    srcOrg: e['source.constituency.org'] ?? null,
    srcScope: scope(e['source.constituency.scope']),
    dstCc: e['destination.geolocation.cc'] ?? null,
    dstAsn: e['destination.asn'] ?? null,
    dstOrg: e['destination.constituency.org'] ?? null,
    dstScope: scope(e['destination.constituency.scope']),
    warninglist:
      (e['source.warninglist'] !== undefined ? WARNINGLIST_SOURCE : 0) |
      (e['destination.warninglist'] !== undefined ? WARNINGLIST_DESTINATION : 0),
  };
}
