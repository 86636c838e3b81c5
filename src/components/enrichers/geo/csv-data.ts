/**
 * Country and ASN data from range CSV files (the @ip-location-db packages' layout:
 * `start,end,country` and `start,end,asn,name`), loaded into compact range tables.
 */
import { readFile } from 'node:fs/promises';
import { coverCidr4, coverCidr6 } from '../ranges/cidr-cover.js';
import { wordsToBigInt } from '../ranges/ip-words.js';
import { loadRangeCsv, RowError } from '../ranges/range-csv.js';
import { RangeTable, RangeTableBuilder } from '../ranges/range-table.js';
import { cacheDir, cacheKey, readCachedTable, writeCachedTable } from '../ranges/table-cache.js';
import {
  AS_NAME_MAX,
  type AsnData,
  type AsnHit,
  type CountryData,
  type DataSnapshot,
  type IpKey,
} from './geo-data.js';

const COUNTRY = /^[A-Z]{2}$/;

export interface AsnValue {
  readonly asn: number;
  readonly name: string | undefined;
}

/**
 * The range table of these files: from the disk cache when an entry for exactly these files
 * exists (table-cache.ts), else parsed and built, then cached. Warnings are the same both ways.
 */
async function loadTable<V>(
  kind: string,
  files: readonly string[],
  makeValue: (fields: readonly string[]) => V | RowError,
  warn: (m: string) => void,
): Promise<RangeTable<V>> {
  const dir = cacheDir();
  const key = dir === undefined ? undefined : cacheKey(kind, files);
  if (dir !== undefined && key !== undefined) {
    const hit = readCachedTable<V>(dir, key);
    if (hit) {
      for (const w of hit.warnings) warn(w);
      return hit.table;
    }
  }
  const warnings: string[] = [];
  const table = await buildTable(files, makeValue, (m) => {
    warnings.push(m);
    warn(m);
  });
  if (dir !== undefined && key !== undefined) writeCachedTable(dir, key, table, warnings);
  return table;
}

async function buildTable<V>(
  files: readonly string[],
  makeValue: (fields: readonly string[]) => V | RowError,
  warn: (m: string) => void,
): Promise<RangeTable<V>> {
  const builder = new RangeTableBuilder<V>();
  for (const file of files) {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (e) {
      warn(`${file}: cannot read (${(e as Error).message}); its ranges are not loaded`);
      continue;
    }
    const stats = loadRangeCsv(buf, file, makeValue, builder, warn);
    if (stats.rows === 0) warn(`${file}: no usable ranges`);
  }
  const table = builder.build();
  for (const r of [builder.overlaps.v4, builder.overlaps.v6]) {
    if (r.count > 0)
      warn(
        `${r.count} ranges overlap a wider range (the narrower wins inside it), e.g. ${r.examples.join('; ')}`,
      );
  }
  return table;
}

/** Country data over a range table (the table is exposed for benchmarks and tools). */
export interface CsvCountryData extends CountryData {
  readonly table: RangeTable<string>;
}

export async function loadCountryCsv(
  files: readonly string[],
  warn: (m: string) => void,
): Promise<CsvCountryData> {
  const table = await loadTable<string>(
    'country',
    files,
    (f) => {
      const cc = (f[0] ?? '').trim().toUpperCase();
      return COUNTRY.test(cc) ? cc : new RowError(`country "${f[0] ?? ''}" is not a two-letter code`);
    },
    warn,
  );
  return countryFromTable(files.join(', '), table);
}

/** Country data over a loaded (or restored) range table. */
export function countryFromTable(label: string, table: RangeTable<string>): CsvCountryData {
  return {
    label,
    table,
    hasV4: table.size4 > 0,
    hasV6: table.size6 > 0,
    snapshot: { kind: 'ranges', label, table },
    country(key: IpKey) {
      return key.version === 4 ? table.get4(key.v4) : table.get6(key.v6);
    },
  };
}

/** A range table again from a snapshot's arrays (see DataSnapshot). */
export function tableFromSnapshot<V>(s: Extract<DataSnapshot, { kind: 'ranges' }>['table']): RangeTable<V> {
  return new RangeTable<V>(s.starts4, s.ends4, s.vals4, s.starts6, s.ends6, s.vals6, s.values as V[]);
}

export async function loadAsnCsv(files: readonly string[], warn: (m: string) => void): Promise<AsnData> {
  const interned = new Map<string, AsnValue>();
  const table = await loadTable<AsnValue>(
    'asn',
    files,
    (f) => {
      const text = (f[0] ?? '').trim().replace(/^AS/i, '');
      const asn = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
      if (!(asn >= 1 && asn <= 4294967295))
        return new RowError(`AS number "${f[0] ?? ''}" is not 1..4294967295`);
      const rawName = (f[1] ?? '').trim();
      const name = rawName === '' ? undefined : rawName.slice(0, AS_NAME_MAX);
      const k = `${asn}\u0000${name ?? ''}`;
      let v = interned.get(k);
      if (!v) {
        v = { asn, name };
        interned.set(k, v);
      }
      return v;
    },
    warn,
  );
  return asnFromTable(files.join(', '), table);
}

/** ASN data over a loaded (or restored) range table. */
export function asnFromTable(label: string, table: RangeTable<AsnValue>): AsnData {
  const networks4 = new Array<string | undefined>(table.size4);
  return {
    label,
    hasV4: table.size4 > 0,
    hasV6: table.size6 > 0,
    snapshot: { kind: 'ranges', label, table },
    asn(key: IpKey): AsnHit | undefined {
      if (key.version === 4) {
        const r = table.find4(key.v4);
        if (r < 0) return undefined;
        const v = table.values[table.vals4[r]!]!;
        const start = table.starts4[r]!;
        const end = table.ends4[r]!;
        // Most ranges are one CIDR block: their network is the same for every address; keep it.
        let network = networks4[r];
        if (network === undefined) {
          network = coverCidr4(key.v4, start, end);
          const size = end - start + 1;
          if ((size & (size - 1)) === 0 && start % size === 0) networks4[r] = network;
        }
        return { asn: v.asn, name: v.name, network };
      }
      const r = table.find6(key.v6);
      if (r < 0) return undefined;
      const v = table.values[table.vals6[r]!]!;
      const network = coverCidr6(
        wordsToBigInt(key.v6),
        wordsToBigInt(table.starts6, r * 4),
        wordsToBigInt(table.ends6, r * 4),
      );
      return { asn: v.asn, name: v.name, network };
    },
  };
}
