/**
 * Fills country, ASN, AS name and network of source.* and destination.* from offline data.
 *
 * What a feed already says is kept: the enricher only fills fields that are absent. Where the
 * feed's country or AS number differs from the data, the data's value is recorded in
 * `extra.geo_disagreement` (e.g. `{"source.geolocation.cc": "NL"}`), so an analyst can see both.
 * When the feed's AS number differs, the data's AS name and network are not filled either: they
 * would describe another AS than the one the event names.
 */

import type { Event } from '../../../domain/schema/event.js';
import type { JsonValue } from '../../../domain/schema/field-types.js';
import type { EnricherInstance } from '../contract.js';
import { copy } from '../ranges/copy-event.js';
import { type AsnData, type CountryData, type DataSnapshot, newIpKey, setIpKey } from './geo-data.js';
import type { Endpoint } from './options.js';

/** Key in `extra` where disagreements between feed and data are recorded. */
export const DISAGREEMENT_KEY = 'geo_disagreement';

interface EndpointFields {
  readonly ip: string;
  readonly cc: string;
  readonly asn: string;
  readonly asName: string;
  readonly network: string;
}

function fieldsOf(p: Endpoint): EndpointFields {
  return {
    ip: `${p}.ip`,
    cc: `${p}.geolocation.cc`,
    asn: `${p}.asn`,
    asName: `${p}.as_name`,
    network: `${p}.network`,
  };
}

/** The geo enricher's loaded data as plain values (EnricherInstance.snapshot). */
export interface GeoSnapshot {
  readonly country: DataSnapshot | undefined;
  readonly asn: DataSnapshot | undefined;
}

export interface GeoData {
  readonly country: CountryData | undefined;
  readonly asn: AsnData | undefined;
}

/** An owned event is added to in place (EnricherInstance.enrich). */
const same = (e: Readonly<Record<string, unknown>>): Record<string, unknown> => e as Record<string, unknown>;

export function createGeoEnricher(data: GeoData, endpoints: readonly Endpoint[]): EnricherInstance {
  const eps = endpoints.map(fieldsOf);
  const key = newIpKey();
  const { country, asn } = data;
  return {
    snapshot: (): GeoSnapshot => ({ country: country?.snapshot, asn: asn?.snapshot }),
    enrich(event: Event, owned = false): Event {
      const own = owned ? same : copy;
      const ev = event as Readonly<Record<string, unknown>>;
      let out: Record<string, unknown> | undefined;
      let disagree: Record<string, JsonValue> | undefined;
      for (const f of eps) {
        const ip = ev[f.ip];
        if (typeof ip !== 'string' || !setIpKey(key, ip)) continue;
        if (country) {
          const cc = country.country(key);
          if (cc !== undefined) {
            const have = ev[f.cc];
            if (have === undefined) (out ??= own(ev))[f.cc] = cc;
            else if (have !== cc) (disagree ??= {})[f.cc] = cc;
          }
        }
        if (asn) {
          const hit = asn.asn(key);
          if (hit) {
            const have = ev[f.asn];
            if (have !== undefined && have !== hit.asn) {
              (disagree ??= {})[f.asn] = hit.asn;
            } else {
              if (have === undefined) (out ??= own(ev))[f.asn] = hit.asn;
              if (hit.name !== undefined && ev[f.asName] === undefined)
                (out ??= own(ev))[f.asName] = hit.name;
              if (hit.network !== undefined && ev[f.network] === undefined)
                (out ??= own(ev))[f.network] = hit.network;
            }
          }
        }
      }
      if (disagree) {
        out ??= own(ev);
        out.extra = {
          ...((ev.extra as Record<string, JsonValue> | undefined) ?? {}),
          [DISAGREEMENT_KEY]: disagree,
        };
      }
      return out ? (out as Event) : event;
    },
  };
}
