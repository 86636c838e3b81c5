import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../../domain/schema/event.js';
import { geoEnricher, loadGeoData } from './index.js';
import type { GeoOptions } from './options.js';
import { writeMmdb } from './test-support/mmdb-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-geo-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

// Own data in the ip-location-db layouts, documentation ranges only.
file(
  'country-v4.csv',
  [
    '192.0.2.0,192.0.2.255,NL',
    '198.51.100.0,198.51.100.127,DE',
    '198.51.100.128,198.51.100.255,FR',
    '203.0.113.0,203.0.113.9,BE',
  ].join('\n'),
);
file('country-v6.csv', '2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,JP\n');
file(
  'asn-v4-num.csv',
  [
    '3221225984,3221226239,64496,"Example Net, Inc."',
    '3325256704,3325256959,64500,Example Two',
    '3405803776,3405803785,64501,Odd Range',
  ].join('\n'),
);
file('asn-v6.csv', '2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64502,Example Six\n');

const csvOptions = (over: Record<string, unknown> = {}): GeoOptions => {
  const r = geoEnricher.parseOptions({
    country_csv: ['country-v4.csv', 'country-v6.csv'],
    asn_csv: ['asn-v4-num.csv', 'asn-v6.csv'],
    ...over,
  });
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

async function enricher(over: Record<string, unknown> = {}) {
  const { instance, warnings } = await geoEnricher.create(csvOptions(over), { baseDir: dir });
  return {
    enrich: (e: Record<string, unknown>) => instance.enrich(e as Event) as Record<string, unknown>,
    warnings,
  };
}

describe('geo enricher, range CSV data', () => {
  it('fills country, ASN, AS name and network for source and destination', async () => {
    const { enrich, warnings } = await enricher();
    expect(warnings).toEqual([]);
    const out = enrich({
      'source.ip': '192.0.2.10',
      'destination.ip': '2001:db8::1',
      'destination.port': 443,
    });
    expect(out).toEqual({
      'source.ip': '192.0.2.10',
      'source.geolocation.cc': 'NL',
      'source.asn': 64496,
      'source.as_name': 'Example Net, Inc.',
      'source.network': '192.0.2.0/24',
      'destination.ip': '2001:db8::1',
      'destination.port': 443,
      'destination.geolocation.cc': 'JP',
      'destination.asn': 64502,
      'destination.as_name': 'Example Six',
      'destination.network': '2001:db8::/48',
    });
  });

  it('first and last address of a range, and just outside it', async () => {
    const { enrich } = await enricher();
    expect(enrich({ 'source.ip': '198.51.100.127' })['source.geolocation.cc']).toBe('DE');
    expect(enrich({ 'source.ip': '198.51.100.128' })['source.geolocation.cc']).toBe('FR');
    expect(enrich({ 'source.ip': '203.0.113.0' })['source.network']).toBe('203.0.113.0/29');
    expect(enrich({ 'source.ip': '203.0.113.9' })['source.network']).toBe('203.0.113.8/31');
    const outside = { 'source.ip': '203.0.113.10' };
    expect(enrich(outside)).toBe(outside); // nothing known: the same object comes back
    expect(enrich({ 'source.ip': '2001:db8:0:ffff:ffff:ffff:ffff:ffff' })['source.asn']).toBe(64502);
    expect(enrich({ 'source.ip': '2001:db8:1::' })).toEqual({
      'source.ip': '2001:db8:1::',
      'source.geolocation.cc': 'JP',
    });
  });

  it('keeps what the feed says and records where the data disagrees', async () => {
    const { enrich } = await enricher();
    const out = enrich({
      'source.ip': '192.0.2.10',
      'source.geolocation.cc': 'BE',
      'source.asn': 64496,
      'destination.ip': '198.51.100.200',
      'destination.asn': 65000,
      extra: { report: 'x' },
    });
    expect(out).toEqual({
      'source.ip': '192.0.2.10',
      'source.geolocation.cc': 'BE',
      'source.asn': 64496,
      'source.as_name': 'Example Net, Inc.',
      'source.network': '192.0.2.0/24',
      'destination.ip': '198.51.100.200',
      'destination.asn': 65000, // kept; the data's AS name and network are not filled (another AS)
      'destination.geolocation.cc': 'FR',
      extra: { report: 'x', geo_disagreement: { 'source.geolocation.cc': 'NL', 'destination.asn': 64500 } },
    });
  });

  it('does not touch an event that already has everything, nor one without addresses', async () => {
    const { enrich } = await enricher();
    const full = {
      'source.ip': '192.0.2.10',
      'source.geolocation.cc': 'NL',
      'source.asn': 64496,
      'source.as_name': 'EXAMPLE-NET',
      'source.network': '192.0.2.0/23',
    };
    expect(enrich(full)).toBe(full);
    const none = { 'source.fqdn': 'example.com' };
    expect(enrich(none)).toBe(none);
  });

  it('endpoints option limits the enrichment', async () => {
    const { enrich } = await enricher({ endpoints: ['destination'] });
    expect(enrich({ 'source.ip': '192.0.2.1', 'destination.ip': '192.0.2.2' })).toEqual({
      'source.ip': '192.0.2.1',
      'destination.ip': '192.0.2.2',
      'destination.geolocation.cc': 'NL',
      'destination.asn': 64496,
      'destination.as_name': 'Example Net, Inc.',
      'destination.network': '192.0.2.0/24',
    });
  });

  it('warns when the data lacks an address family, and goes on', async () => {
    const { enrich, warnings } = await enricher({ country_csv: 'country-v4.csv', asn_csv: [] });
    expect(warnings).toEqual([
      `${join(dir, 'country-v4.csv')}: country data has no IPv6 ranges; IPv6 addresses get no country`,
    ]);
    expect(enrich({ 'source.ip': '192.0.2.1' })).toEqual({
      'source.ip': '192.0.2.1',
      'source.geolocation.cc': 'NL',
    });
    const v6 = { 'source.ip': '2001:db8::1' };
    expect(enrich(v6)).toBe(v6);
  });

  it('names the file and line of bad rows and of a missing file', async () => {
    file('bad-country.csv', '192.0.2.0,192.0.2.255,NL\n198.51.100.0,198.51.100.255,Germany\n');
    const { enrich, warnings } = await enricher({
      country_csv: ['bad-country.csv', 'nowhere.csv'],
      asn_csv: [],
    });
    expect(warnings[0]).toBe(
      `${join(dir, 'bad-country.csv')}:2: country "Germany" is not a two-letter code; row skipped`,
    );
    expect(warnings[1]).toMatch(new RegExp(`^${join(dir, 'nowhere.csv')}: cannot read \\(ENOENT`));
    expect(enrich({ 'source.ip': '192.0.2.1' })['source.geolocation.cc']).toBe('NL');
  });
});

describe('geo enricher, MaxMind-format .mmdb data', () => {
  const country = file(
    'GeoLite2-Country-test.mmdb',
    writeMmdb({
      databaseType: 'GeoLite2-Country',
      ipVersion: 6,
      entries: [
        { cidr: '192.0.2.0/24', data: { country: { iso_code: 'NL', names: { en: 'Netherlands' } } } },
        // Only a registered country (e.g. an anycast block): used when there is no country.
        {
          cidr: '198.51.100.0/24',
          data: { registered_country: { iso_code: 'SE', names: { en: 'Sweden' } } },
        },
        { cidr: '2001:db8::/32', data: { country: { iso_code: 'JP', names: { en: 'Japan' } } } },
      ],
    }),
  );
  const asn = file(
    'DBIP-ASN-Lite-test.mmdb',
    writeMmdb({
      databaseType: 'DBIP-ASN-Lite (compat=GeoLite2-ASN)',
      ipVersion: 6,
      entries: [
        {
          cidr: '192.0.2.0/25',
          data: { autonomous_system_number: 64496, autonomous_system_organization: 'Example Net' },
        },
        {
          cidr: '2001:db8:8000::/33',
          data: { autonomous_system_number: 4200000000, autonomous_system_organization: 'Big AS' },
        },
      ],
    }),
  );

  it('reads country and ASN databases, with the network from the tree', async () => {
    const { enrich, warnings } = await enricher({
      country_csv: undefined,
      asn_csv: undefined,
      country_mmdb: country,
      asn_mmdb: asn,
    });
    expect(warnings).toEqual([]);
    expect(enrich({ 'source.ip': '192.0.2.127', 'destination.ip': '2001:db8:ffff::1' })).toEqual({
      'source.ip': '192.0.2.127',
      'source.geolocation.cc': 'NL',
      'source.asn': 64496,
      'source.as_name': 'Example Net',
      'source.network': '192.0.2.0/25',
      'destination.ip': '2001:db8:ffff::1',
      'destination.geolocation.cc': 'JP',
      'destination.asn': 4200000000,
      'destination.as_name': 'Big AS',
      'destination.network': '2001:db8:8000::/33',
    });
    expect(enrich({ 'source.ip': '192.0.2.128' })).toEqual({
      'source.ip': '192.0.2.128',
      'source.geolocation.cc': 'NL',
    });
    expect(enrich({ 'source.ip': '198.51.100.1' })['source.geolocation.cc']).toBe('SE');
    const unknown = { 'source.ip': '203.0.113.1' };
    expect(enrich(unknown)).toBe(unknown);
  });

  it('an IPv4-only database: a warning, and IPv6 addresses are left alone', async () => {
    const v4only = file(
      'v4-country.mmdb',
      writeMmdb({
        databaseType: 'DBIP-Country-Lite',
        ipVersion: 4,
        entries: [{ cidr: '192.0.2.0/24', data: { country: { iso_code: 'NL' } } }],
      }),
    );
    const { enrich, warnings } = await enricher({
      country_csv: undefined,
      country_mmdb: v4only,
      asn_csv: [],
    });
    expect(warnings).toEqual([`${v4only}: country data has no IPv6 ranges; IPv6 addresses get no country`]);
    expect(enrich({ 'source.ip': '192.0.2.9' })['source.geolocation.cc']).toBe('NL');
    const v6 = { 'source.ip': '2001:db8::1' };
    expect(enrich(v6)).toBe(v6);
  });

  it('refuses an unknown layout or the wrong kind of database, naming the file', async () => {
    const city = file(
      'odd.mmdb',
      writeMmdb({
        databaseType: 'Example-Proxy-Detection',
        ipVersion: 6,
        entries: [{ cidr: '192.0.2.0/24', data: { proxy: true } }],
      }),
    );
    const a = await enricher({ country_csv: undefined, country_mmdb: city, asn_csv: [] });
    expect(a.warnings).toEqual([
      `${city}: unknown mmdb layout for country data: database_type "Example-Proxy-Detection" (expected a country or city database such as GeoLite2-Country, GeoIP2-City or DBIP-Country-Lite); no country data loaded`,
    ]);
    const b = await enricher({ country_csv: undefined, country_mmdb: asn, asn_csv: [] });
    expect(b.warnings[0]).toBe(
      `${asn}: unknown mmdb layout for country data: database_type "DBIP-ASN-Lite (compat=GeoLite2-ASN)" (it is an ASN database; give it as asn_mmdb); no country data loaded`,
    );
    const notMmdb = file('not.mmdb', 'this is not a database\n');
    const c = await enricher({ country_csv: undefined, country_mmdb: notMmdb, asn_csv: [] });
    expect(c.warnings[0]).toMatch(new RegExp(`^${notMmdb}: not a readable MaxMind DB \\(.mmdb\\) file: `));
    // With no data at all the enricher still runs and changes nothing.
    const e = { 'source.ip': '192.0.2.1' };
    expect(c.enrich(e)).toBe(e);
  });
});

describe('geo options', () => {
  it('explain what is wrong', () => {
    expect(geoEnricher.parseOptions({ country_csv: 'a.csv', country_mmdb: 'b.mmdb' })).toEqual({
      ok: false,
      error: 'country_csv and country_mmdb: give one of them, not both',
    });
    expect(geoEnricher.parseOptions({ asn_csv: [1] })).toEqual({
      ok: false,
      error: 'asn_csv: expected a file path or a list of file paths',
    });
    expect(geoEnricher.parseOptions({ endpoints: ['src'] })).toEqual({
      ok: false,
      error: 'endpoints: expected a list of "source" and/or "destination"',
    });
    expect(geoEnricher.parseOptions({ colour: 1 })).toEqual({ ok: false, error: 'unknown option "colour"' });
  });
});

describe('geo enricher, bundled @ip-location-db data', () => {
  it('loads and answers for well-known public addresses', async () => {
    const { data, warnings } = await loadGeoData(
      { country: { kind: 'default' }, asn: { kind: 'default' }, endpoints: ['source'] },
      { baseDir: dir },
    );
    // The npm copies have known errors (their README says so): overlaps are reported, not fatal.
    expect(warnings.every((w) => w.includes('overlap'))).toBe(true);
    expect(data.country?.hasV4 && data.country.hasV6 && data.asn?.hasV4 && data.asn.hasV6).toBe(true);
    const { createGeoEnricher } = await import('./geo-enricher.js');
    const e = createGeoEnricher(data, ['source']);
    const one = e.enrich({ 'source.ip': '1.1.1.1' } as Event) as Record<string, unknown>;
    expect(one['source.asn']).toBe(13335);
    expect(one['source.network']).toMatch(/^1\.1\.1\.0\/2[0-4]$/);
    const ripe = e.enrich({ 'source.ip': '2001:67c:2e8::2' } as Event) as Record<string, unknown>;
    expect(ripe['source.asn']).toBe(3333);
    expect(ripe['source.geolocation.cc']).toBe('NL');
  });
});
