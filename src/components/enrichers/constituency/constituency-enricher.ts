/**
 * Marks source and destination as domestic (ours) or foreign, and names the owning organisation.
 *
 * Order of evidence, first hit wins: the address in a declared CIDR (longest prefix), the AS
 * number in a declared ASN, the domain (fqdn, or the host of the url) under a declared suffix,
 * and in national mode the country (geolocation.cc, so this enricher runs after geo). An endpoint
 * with none of ip, asn, fqdn or url is left alone. The fields are ours to set: values an event
 * brought (e.g. from a partner's system, about their constituency) are replaced.
 */
import type { Event } from '../../../domain/schema/event.js';
import type { EnricherInstance } from '../contract.js';
import type { Endpoint } from '../endpoints.js';
import { copy } from '../ranges/copy-event.js';
import { newIpKey, setIpKey } from '../ranges/ip-key.js';
import type { Constituency, MatchedBy } from './constituency.js';
import type { ConstituencyOrg } from './org.js';

export type { Endpoint };

export interface ConstituencyMatch {
  readonly scope: 'domestic' | 'foreign';
  readonly org: ConstituencyOrg | undefined;
  readonly by: MatchedBy | undefined;
}

const FOREIGN: ConstituencyMatch = { scope: 'foreign', org: undefined, by: undefined };

/** The host of an absolute URL (lower case, no port or brackets), or undefined. */
export function urlHost(url: string): string | undefined {
  const s = url.indexOf('://');
  if (s < 0) return undefined;
  const i = s + 3;
  let end = url.length;
  for (let k = i; k < url.length; k++) {
    const c = url.charCodeAt(k);
    if (c === 47 || c === 63 || c === 35) {
      end = k;
      break;
    }
  }
  let host = url.slice(i, end);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close < 0 ? undefined : host.slice(1, close).toLowerCase();
  }
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  return host === '' ? undefined : host.toLowerCase();
}

export function createConstituencyEnricher(
  c: Constituency,
  endpoints: readonly Endpoint[],
): EnricherInstance {
  const key = newIpKey();
  const eps = endpoints.map((p) => ({
    ip: `${p}.ip`,
    asn: `${p}.asn`,
    fqdn: `${p}.fqdn`,
    url: `${p}.url`,
    cc: `${p}.geolocation.cc`,
    scope: `${p}.constituency.scope`,
    org: `${p}.constituency.org`,
    by: `${p}.constituency.matched_by`,
  }));

  const match = (
    ev: Readonly<Record<string, unknown>>,
    f: (typeof eps)[number],
  ): ConstituencyMatch | undefined => {
    const ip = ev[f.ip];
    const asn = ev[f.asn];
    const fqdn = ev[f.fqdn];
    const url = ev[f.url];
    if (ip === undefined && asn === undefined && fqdn === undefined && url === undefined) return undefined;
    let host = typeof url === 'string' ? urlHost(url) : undefined;
    if (typeof ip === 'string' && setIpKey(key, ip)) {
      const org = c.byIp(key);
      if (org) return { scope: 'domestic', org, by: 'cidr' };
    } else if (host !== undefined && setIpKey(key, host)) {
      // A URL with an address as its host and no source.ip: the address is the host.
      const org = c.byIp(key);
      if (org) return { scope: 'domestic', org, by: 'cidr' };
      host = undefined;
    }
    if (typeof asn === 'number') {
      const org = c.byAsn(asn);
      if (org) return { scope: 'domestic', org, by: 'asn' };
    }
    for (const d of [fqdn, host]) {
      if (typeof d !== 'string') continue;
      const org = c.byDomain(d);
      if (org) return { scope: 'domestic', org, by: 'domain' };
    }
    const cc = ev[f.cc];
    if (typeof cc === 'string' && c.nationalCountries.has(cc))
      return { scope: 'domestic', org: undefined, by: 'country' };
    return FOREIGN;
  };

  return {
    enrich(event: Event, owned = false): Event {
      const ev = event as Readonly<Record<string, unknown>>;
      let out: Record<string, unknown> | undefined;
      for (const f of eps) {
        const m = match(ev, f);
        if (!m) continue;
        const org = m.org?.id;
        if (ev[f.scope] === m.scope && ev[f.org] === org && ev[f.by] === m.by) continue;
        out ??= owned ? (ev as Record<string, unknown>) : copy(ev);
        out[f.scope] = m.scope;
        if (org === undefined) delete out[f.org];
        else out[f.org] = org;
        if (m.by === undefined) delete out[f.by];
        else out[f.by] = m.by;
      }
      return out ? (out as Event) : event;
    },
  };
}
