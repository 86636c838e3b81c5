/**
 * The geo enricher: country code, AS number, AS name and routed network for source.* and
 * destination.*, offline, IPv4 and IPv6. See docs/enrichment.md.
 */

import type { Result } from '../../../domain/result.js';
import type { EnricherContext, EnricherDefinition, EnricherLoad } from '../contract.js';
import {
  type AsnValue,
  asnFromTable,
  countryFromTable,
  loadAsnCsv,
  loadCountryCsv,
  tableFromSnapshot,
} from './csv-data.js';
import { defaultAsnFiles, defaultCountryFiles } from './default-data.js';
import type { AsnData, CountryData, DataSnapshot } from './geo-data.js';
import { createGeoEnricher, type GeoData, type GeoSnapshot } from './geo-enricher.js';
import { loadAsnMmdb, loadCountryMmdb } from './mmdb-data.js';
import {
  type DataChoice,
  GEO_OPTION_DOCS,
  type GeoOptions,
  parseGeoOptions,
  resolveChoice,
} from './options.js';

export { createGeoEnricher, DISAGREEMENT_KEY, type GeoData } from './geo-enricher.js';
export type { GeoOptions } from './options.js';

async function loadOne<D extends CountryData | AsnData>(
  what: 'country' | 'asn',
  choice: DataChoice,
  warn: (m: string) => void,
): Promise<D | undefined> {
  let data: D | undefined;
  if (choice.kind === 'none') return undefined;
  if (choice.kind === 'mmdb') {
    const r = what === 'country' ? await loadCountryMmdb(choice.file) : await loadAsnMmdb(choice.file);
    if (!r.ok) {
      warn(`${r.error}; no ${what} data loaded`);
      return undefined;
    }
    data = r.value as D;
  } else {
    let files: readonly string[];
    if (choice.kind === 'default') {
      const d = what === 'country' ? defaultCountryFiles() : defaultAsnFiles();
      if (d.missing) {
        warn(
          `package ${d.missing} is not installed; no ${what} data loaded (run npm install, or set ${what}_csv / ${what}_mmdb)`,
        );
        return undefined;
      }
      files = d.files;
    } else {
      files = choice.files;
    }
    data = (what === 'country' ? await loadCountryCsv(files, warn) : await loadAsnCsv(files, warn)) as D;
  }
  const lacks = [data.hasV4 ? undefined : 'IPv4', data.hasV6 ? undefined : 'IPv6'].filter(Boolean);
  for (const fam of lacks)
    warn(
      `${data.label}: ${what} data has no ${fam} ranges; ${fam} addresses get no ${what === 'country' ? 'country' : 'AS'}`,
    );
  if (!data.hasV4 && !data.hasV6) return undefined;
  return data;
}

/** Load the data the options name; problems become warnings, loading goes on. */
export async function loadGeoData(
  options: GeoOptions,
  ctx: EnricherContext,
): Promise<{ data: GeoData; warnings: string[] }> {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const [country, asn] = await Promise.all([
    loadOne<CountryData>('country', resolveChoice(options.country, ctx.baseDir), warn),
    loadOne<AsnData>('asn', resolveChoice(options.asn, ctx.baseDir), warn),
  ]);
  return { data: { country, asn }, warnings };
}

export const geoEnricher: EnricherDefinition<GeoOptions> = {
  name: 'geo',
  description: 'country, ASN, AS name and network of source and destination addresses, from offline data',
  options: GEO_OPTION_DOCS,
  parseOptions: parseGeoOptions,
  async create(options, ctx): Promise<EnricherLoad> {
    const { data, warnings } = await loadGeoData(options, ctx);
    return { instance: createGeoEnricher(data, options.endpoints), warnings };
  },
  async restore(snapshot, options) {
    const s = snapshot as GeoSnapshot;
    const [country, asn] = await Promise.all([
      restoreData(s.country, (t) => countryFromTable(t.label, tableFromSnapshot(t.table)), loadCountryMmdb),
      restoreData(s.asn, (t) => asnFromTable(t.label, tableFromSnapshot<AsnValue>(t.table)), loadAsnMmdb),
    ]);
    return createGeoEnricher({ country, asn }, options.endpoints);
  },
};

/** Data again from its snapshot: range tables from their arrays, an mmdb file opened again. */
async function restoreData<D>(
  s: DataSnapshot | undefined,
  fromRanges: (s: Extract<DataSnapshot, { kind: 'ranges' }>) => D,
  openMmdb: (file: string) => Promise<Result<D>>,
): Promise<D | undefined> {
  if (s === undefined) return undefined;
  if (s.kind === 'ranges') return fromRanges(s);
  const r = await openMmdb(s.file);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
