/**
 * Options of the geo enricher. Each of country and ASN data comes from one place: the bundled
 * @ip-location-db packages (the default), range CSV files, or a MaxMind-format .mmdb file.
 */

import { isAbsolute, resolve } from 'node:path';
import type { OptionDoc } from '../../parsers/contract.js';
import { parseEndpoints } from '../endpoints.js';

export type DataChoice =
  | { readonly kind: 'default' }
  | { readonly kind: 'none' }
  | { readonly kind: 'csv'; readonly files: readonly string[] }
  | { readonly kind: 'mmdb'; readonly file: string };

import type { Endpoint } from '../endpoints.js';

export type { Endpoint };

export interface GeoOptions {
  readonly country: DataChoice;
  readonly asn: DataChoice;
  /** Which endpoints to enrich. Default both. */
  readonly endpoints: readonly Endpoint[];
}

export const GEO_OPTION_DOCS: readonly OptionDoc[] = [
  {
    name: 'country_csv',
    type: 'string | string[]',
    description:
      'range CSV file(s) `start,end,country` (IPv4 and/or IPv6, addresses or numbers); [] = no country data. Default: the @ip-location-db/geo-whois-asn-country package',
  },
  {
    name: 'country_mmdb',
    type: 'string',
    description:
      'MaxMind-format country or city database (GeoLite2-Country, GeoIP2-City, DBIP-Country-Lite, ...)',
  },
  {
    name: 'asn_csv',
    type: 'string | string[]',
    description:
      'range CSV file(s) `start,end,asn,as_name`; [] = no ASN data. Default: the @ip-location-db/asn package',
  },
  {
    name: 'asn_mmdb',
    type: 'string',
    description: 'MaxMind-format ASN database (GeoLite2-ASN, DBIP-ASN-Lite, GeoIP2-ISP, ...)',
  },
  {
    name: 'endpoints',
    type: "('source' | 'destination')[]",
    description: 'which endpoints to enrich',
    default: ['source', 'destination'],
  },
];

const KNOWN = new Set(GEO_OPTION_DOCS.map((o) => o.name));

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function dataChoice(raw: Readonly<Record<string, unknown>>, what: 'country' | 'asn'): Parsed<DataChoice> {
  const csv = raw[`${what}_csv`];
  const mmdb = raw[`${what}_mmdb`];
  if (csv !== undefined && mmdb !== undefined)
    return { ok: false, error: `${what}_csv and ${what}_mmdb: give one of them, not both` };
  if (mmdb !== undefined) {
    if (typeof mmdb !== 'string' || mmdb.trim() === '')
      return { ok: false, error: `${what}_mmdb: expected a file path` };
    return { ok: true, value: { kind: 'mmdb', file: mmdb } };
  }
  if (csv !== undefined) {
    const list = typeof csv === 'string' ? [csv] : csv;
    if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || f.trim() === ''))
      return { ok: false, error: `${what}_csv: expected a file path or a list of file paths` };
    return {
      ok: true,
      value: list.length === 0 ? { kind: 'none' } : { kind: 'csv', files: list as string[] },
    };
  }
  return { ok: true, value: { kind: 'default' } };
}

export function parseGeoOptions(raw: Readonly<Record<string, unknown>>): Parsed<GeoOptions> {
  for (const k of Object.keys(raw)) if (!KNOWN.has(k)) return { ok: false, error: `unknown option "${k}"` };
  const country = dataChoice(raw, 'country');
  if (!country.ok) return country;
  const asn = dataChoice(raw, 'asn');
  if (!asn.ok) return asn;
  const ep = parseEndpoints(raw.endpoints);
  if (!ep.ok) return ep;
  return { ok: true, value: { country: country.value, asn: asn.value, endpoints: ep.value } };
}

/** The choice with its paths resolved against `baseDir`. */
export function resolveChoice(choice: DataChoice, baseDir: string): DataChoice {
  const abs = (f: string) => (isAbsolute(f) ? f : resolve(baseDir, f));
  if (choice.kind === 'csv') return { kind: 'csv', files: choice.files.map(abs) };
  if (choice.kind === 'mmdb') return { kind: 'mmdb', file: abs(choice.file) };
  return choice;
}
