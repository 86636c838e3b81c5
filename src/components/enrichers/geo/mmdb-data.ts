/**
 * Country and ASN data from MaxMind-format .mmdb files (GeoLite2 / GeoIP2, DB-IP lite and
 * commercial, ip-location-db's mmdb builds), read with mmdb-lib. The layout is told by the
 * file's database_type; a file whose layout is unknown, or of the wrong kind (an ASN database
 * given as country data), is refused with an error naming the file.
 */
import { readFile } from 'node:fs/promises';
import { Reader } from 'mmdb-lib';
import { err, ok, type Result } from '../../../domain/result.js';
import { maskCidr4, maskCidr6 } from '../ranges/cidr-cover.js';
import { wordsToBigInt } from '../ranges/ip-words.js';
import { AS_NAME_MAX, type AsnData, type CountryData, type IpKey } from './geo-data.js';

export type MmdbKind = 'country' | 'asn';

type Rec = Record<string, unknown>;

/** database_type patterns of the layouts this reader knows, per kind. */
const LAYOUTS: Readonly<Record<MmdbKind, RegExp>> = {
  // GeoLite2-Country, GeoIP2-City, DBIP-Country-Lite, DBIP-City-Lite, GeoIP2-Enterprise, geo-whois-asn-country, ...
  country: /country|city|enterprise/i,
  // GeoLite2-ASN, DBIP-ASN-Lite, GeoIP2-ISP, GeoIP2-Enterprise, ip-location-db "asn"
  asn: /asn|isp|enterprise/i,
};

const COUNTRY = /^[A-Z]{2}$/;

/** Decoded records are shared between many addresses: cache them, up to a bound. */
function boundedCache(max: number) {
  const map = new Map<number, unknown>();
  return {
    get: (k: number) => map.get(k),
    set: (k: number, v: unknown) => {
      if (map.size < max) map.set(k, v);
    },
  };
}

function field(rec: Rec | null | undefined, name: string): unknown {
  return rec ? rec[name] : undefined;
}

function countryOf(rec: Rec | null): string | undefined {
  if (!rec) return undefined;
  const cc =
    field(field(rec, 'country') as Rec, 'iso_code') ??
    field(field(rec, 'registered_country') as Rec, 'iso_code') ??
    rec.country_code;
  return typeof cc === 'string' && COUNTRY.test(cc) ? cc : undefined;
}

async function openReader(
  file: string,
  kind: MmdbKind,
): Promise<Result<{ reader: Reader<Rec>; hasV6: boolean; type: string }>> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    return err(`${file}: cannot read (${(e as Error).message})`);
  }
  let reader: Reader<Rec>;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: mmdb-lib's cache type is internal
    reader = new Reader<Rec>(buf, { cache: boundedCache(200_000) as any });
  } catch (e) {
    return err(`${file}: not a readable MaxMind DB (.mmdb) file: ${(e as Error).message}`);
  }
  const type = String(reader.metadata.databaseType ?? '');
  if (!LAYOUTS[kind].test(type)) {
    const other: MmdbKind = kind === 'country' ? 'asn' : 'country';
    const hint = LAYOUTS[other].test(type)
      ? `it is ${other === 'asn' ? 'an ASN' : 'a country'} database; give it as ${other}_mmdb`
      : kind === 'country'
        ? 'expected a country or city database such as GeoLite2-Country, GeoIP2-City or DBIP-Country-Lite'
        : 'expected an ASN database such as GeoLite2-ASN, DBIP-ASN-Lite or GeoIP2-ISP';
    return err(`${file}: unknown mmdb layout for ${kind} data: database_type "${type}" (${hint})`);
  }
  return ok({ reader, hasV6: reader.metadata.ipVersion === 6, type });
}

export async function loadCountryMmdb(file: string): Promise<Result<CountryData>> {
  const opened = await openReader(file, 'country');
  if (!opened.ok) return opened;
  const { reader, hasV6 } = opened.value;
  return ok({
    label: file,
    hasV4: true,
    hasV6,
    snapshot: { kind: 'mmdb', file },
    country(key: IpKey) {
      if (key.version === 6 && !hasV6) return undefined;
      return countryOf(reader.get(key.text));
    },
  });
}

export async function loadAsnMmdb(file: string): Promise<Result<AsnData>> {
  const opened = await openReader(file, 'asn');
  if (!opened.ok) return opened;
  const { reader, hasV6 } = opened.value;
  return ok({
    label: file,
    hasV4: true,
    hasV6,
    snapshot: { kind: 'mmdb', file },
    asn(key: IpKey) {
      if (key.version === 6 && !hasV6) return undefined;
      const [rec, len] = reader.getWithPrefixLength(key.text);
      if (!rec) return undefined;
      const traits = field(rec, 'traits') as Rec | undefined;
      const asn = rec.autonomous_system_number ?? field(traits, 'autonomous_system_number');
      if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 1 || asn > 4294967295) return undefined;
      const rawName = rec.autonomous_system_organization ?? field(traits, 'autonomous_system_organization');
      const name =
        typeof rawName === 'string' && rawName.trim() !== ''
          ? rawName.trim().slice(0, AS_NAME_MAX)
          : undefined;
      const network = key.version === 4 ? maskCidr4(key.v4, len) : maskCidr6(wordsToBigInt(key.v6), len);
      return { asn, name, network };
    },
  });
}
