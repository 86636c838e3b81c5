import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harmonise } from '../../../domain/harmonise.js';
import type { Event } from '../../../domain/schema/event.js';
import { defaultBounds } from '../../../domain/time.js';
import { urlHost } from './constituency-enricher.js';
import {
  buildConstituency,
  constituencyEnricher,
  createConstituencyEnricher,
  parseConstituencyCsv,
  parseConstituencyYaml,
} from './index.js';

const SAMPLES = join(import.meta.dirname, '../../../../samples/constituency');
const dir = mkdtempSync(join(tmpdir(), 'accord-constituency-'));

async function fromFile(file: string, options: Record<string, unknown> = {}) {
  const parsed = constituencyEnricher.parseOptions({ file, ...options });
  if (!parsed.ok) throw new Error(parsed.error);
  const { instance, warnings } = await constituencyEnricher.create(parsed.value, { baseDir: SAMPLES });
  return {
    enrich: (e: Record<string, unknown>) => instance.enrich(e as Event) as Record<string, unknown>,
    warnings,
  };
}

const mark = (r: Record<string, unknown>, p = 'source') => [
  r[`${p}.constituency.scope`],
  r[`${p}.constituency.org`],
  r[`${p}.constituency.matched_by`],
];

describe('constituency enricher with the shipped example', () => {
  for (const sample of ['example.yaml', 'example.csv']) {
    it(`${sample}: loads without warnings; longest prefix wins, first and last address`, async () => {
      const { enrich, warnings } = await fromFile(sample);
      expect(warnings).toEqual([]);
      expect(mark(enrich({ 'source.ip': '198.51.100.0' }))).toEqual(['domestic', 'example-telecom', 'cidr']);
      expect(mark(enrich({ 'source.ip': '198.51.100.127' }))).toEqual([
        'domestic',
        'example-telecom',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '198.51.100.128' }))).toEqual([
        'domestic',
        'example-hospital',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '198.51.100.255' }))).toEqual([
        'domestic',
        'example-hospital',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '192.0.2.127' }))).toEqual(['domestic', 'example-ministry', 'cidr']);
      expect(mark(enrich({ 'source.ip': '192.0.2.128' }))).toEqual(['foreign', undefined, undefined]);
      // IPv6, nested: 2001:db8:4000::/34 inside 2001:db8::/32
      expect(mark(enrich({ 'source.ip': '2001:db8:3fff:ffff:ffff:ffff:ffff:ffff' }))).toEqual([
        'domestic',
        'example-telecom',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '2001:db8:4000::' }))).toEqual([
        'domestic',
        'example-hospital',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '2001:db8:7fff:ffff:ffff:ffff:ffff:ffff' }))).toEqual([
        'domestic',
        'example-hospital',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '2001:db8:8000::1' }))).toEqual([
        'domestic',
        'example-telecom',
        'cidr',
      ]);
      expect(mark(enrich({ 'source.ip': '2001:db9::1' }))).toEqual(['foreign', undefined, undefined]);
    });
  }

  it('falls back to the AS, then the domain (fqdn or URL host)', async () => {
    const { enrich } = await fromFile('example.yaml');
    expect(mark(enrich({ 'source.ip': '203.0.113.5', 'source.asn': 64500 }))).toEqual([
      'domestic',
      'example-ministry',
      'asn',
    ]);
    expect(
      mark(
        enrich({ 'source.ip': '203.0.113.5', 'source.asn': 64999, 'source.fqdn': 'www.ministry.example' }),
      ),
    ).toEqual(['domestic', 'example-ministry', 'domain']);
    // The longest declared suffix wins: hospital.example.org is not example.net's, and is its own.
    expect(mark(enrich({ 'source.url': 'https://portal.hospital.example.org:8443/login' }))).toEqual([
      'domestic',
      'example-hospital',
      'domain',
    ]);
    expect(mark(enrich({ 'source.fqdn': 'example.org' }))).toEqual(['foreign', undefined, undefined]);
    expect(mark(enrich({ 'source.fqdn': 'notexample.net' }))).toEqual(['foreign', undefined, undefined]);
    // A CIDR match beats the AS of another organisation.
    expect(mark(enrich({ 'source.ip': '192.0.2.1', 'source.asn': 64496 }))).toEqual([
      'domestic',
      'example-ministry',
      'cidr',
    ]);
    // A URL whose host is an address.
    expect(mark(enrich({ 'source.url': 'http://[2001:db8:4000::5]/x' }))).toEqual([
      'domestic',
      'example-hospital',
      'cidr',
    ]);
  });

  it('national mode: every address geolocated to the country is domestic', async () => {
    const { enrich } = await fromFile('example.yaml', { national_countries: ['xx'] });
    expect(mark(enrich({ 'source.ip': '203.0.113.5', 'source.geolocation.cc': 'XX' }))).toEqual([
      'domestic',
      undefined,
      'country',
    ]);
    expect(mark(enrich({ 'source.ip': '203.0.113.5', 'source.geolocation.cc': 'YY' }))).toEqual([
      'foreign',
      undefined,
      undefined,
    ]);
    // An organisation's block still names the organisation.
    expect(mark(enrich({ 'source.ip': '192.0.2.5', 'source.geolocation.cc': 'XX' }))).toEqual([
      'domestic',
      'example-ministry',
      'cidr',
    ]);
  });

  it('marks both endpoints; leaves an endpoint without address, AS or domain alone; output passes the schema', async () => {
    const { enrich } = await fromFile('example.yaml');
    const ev = {
      'feed.name': 'test',
      'classification.type': 'infected-system',
      'source.ip': '198.51.100.200',
      'destination.ip': '203.0.113.80',
      'destination.port': 80,
    };
    const out = enrich(ev);
    expect(mark(out)).toEqual(['domestic', 'example-hospital', 'cidr']);
    expect(mark(out, 'destination')).toEqual(['foreign', undefined, undefined]);
    const h = harmonise(out, { time: defaultBounds(Date.now()) });
    expect(h).toMatchObject({ ok: true });
    const bare = { 'source.port': 22 };
    expect(enrich(bare)).toBe(bare);
    // Enriching again changes nothing.
    expect(enrich(out)).toBe(out);
  });
});

describe('constituency file errors', () => {
  it('names file, line and entry; good entries and good values still load', () => {
    const yaml = [
      'orgs:',
      '  - id: good-org',
      '    name: Good',
      '    cidrs: [192.0.2.0/24]',
      '  - id: Bad Id',
      '    name: Bad',
      '  - name: No Id',
      '  - id: partly-bad',
      '    name: Partly',
      '    cidrs:',
      '      - 198.51.100.0/24',
      '      - 10.0.0.0/33',
      '      - 203.0.113.7/24',
      '    asns: [AS64500, 0, x]',
      '    domains: ["bad domain", .example.com]',
      '    abuse: [not-an-email, abuse@example.com]',
      '    language: English',
      '    colour: blue',
      '  - just a string',
      'national_countries: [XX, Narnia]',
      'extra_key: 1',
    ].join('\n');
    const { decl, warnings } = parseConstituencyYaml(yaml, 'c.yaml');
    expect(warnings).toEqual([
      'c.yaml:21: extra_key: unknown key (expected orgs, national_countries); ignored',
      'c.yaml:5: orgs[1].id: "Bad Id" is not an id (lower case letters, digits, ".", "_", "-"); entry skipped',
      'c.yaml:7: orgs[2].id: missing; entry skipped',
      'c.yaml:18: orgs[3].colour: unknown key (expected one of id, name, sector, cidrs, asns, domains, abuse, language, format); ignored',
      'c.yaml:12: orgs[3].cidrs[1]: "10.0.0.0/33" is not a CIDR (prefix length 33 is over 32); ignored',
      'c.yaml:13: orgs[3].cidrs[2]: "203.0.113.7/24" has host bits set; read as 203.0.113.0/24',
      'c.yaml:14: orgs[3].asns[1]: 0 is not an AS number; ignored',
      'c.yaml:14: orgs[3].asns[2]: "x" is not an AS number; ignored',
      'c.yaml:15: orgs[3].domains[0]: "bad domain" is not a domain ("bad domain" has no dot; a fully qualified domain name is expected); ignored',
      'c.yaml:16: orgs[3].abuse[0]: "not-an-email" is not an e-mail address; ignored',
      'c.yaml:17: orgs[3].language: "English" is not a language tag such as "en" or "fr-BE"; ignored',
      'c.yaml:19: orgs[4]: expected an organisation (a mapping with id, name, cidrs, ...); entry skipped',
      'c.yaml:20: national_countries[1]: "Narnia" is not a two-letter country code; ignored',
    ]);
    expect(decl.orgs.map((o) => o.id)).toEqual(['good-org', 'partly-bad']);
    expect(decl.orgs[1]).toMatchObject({
      cidrs: ['198.51.100.0/24', '203.0.113.0/24'],
      asns: [64500],
      domains: ['example.com'],
      abuse: ['abuse@example.com'],
      language: undefined,
    });
    expect(decl.nationalCountries).toEqual(['XX']);
  });

  it('CSV: names file and line', () => {
    const csv = [
      'id,name,cidrs,asns,colour',
      'ok,OK,192.0.2.0/24,64496,red',
      'bad,Bad,192.0.2.0/99;198.51.100.0/24,AS1x,blue',
    ].join('\n');
    const { decl, warnings } = parseConstituencyCsv(csv, 'c.csv');
    expect(warnings).toEqual([
      'c.csv:1: column 5 "colour" is unknown; ignored',
      'c.csv:3: cidrs[0]: "192.0.2.0/99" is not a CIDR (prefix length 99 is over 32); ignored',
      'c.csv:3: asns[0]: "AS1x" is not an AS number; ignored',
    ]);
    expect(decl.orgs.map((o) => [o.id, o.cidrs])).toEqual([
      ['ok', ['192.0.2.0/24']],
      ['bad', ['198.51.100.0/24']],
    ]);
    expect(parseConstituencyCsv('name,cidrs\nx,192.0.2.0/24\n', 'n.csv').warnings).toEqual([
      'n.csv:1: header lacks column id (expected id,name,sector,cidrs,asns,domains,abuse,language,format); nothing loaded',
    ]);
  });

  it('conflicts between organisations: the first declaration keeps the resource', () => {
    const { decl } = parseConstituencyYaml(
      [
        'orgs:',
        '  - {id: a, name: A, cidrs: [192.0.2.0/24], asns: [64496], domains: [example.com]}',
        '  - {id: b, name: B, cidrs: [192.0.2.0/24, 192.0.2.0/25], asns: [64496], domains: [example.com]}',
        '  - {id: a, name: A again, cidrs: [203.0.113.0/24]}',
      ].join('\n'),
      'c.yaml',
    );
    const { constituency, warnings } = buildConstituency(decl, 'c.yaml');
    expect(warnings).toEqual([
      'c.yaml: b: 192.0.2.0/24 is already declared by a; it stays with a',
      'c.yaml: b: AS64496 is already declared by a; it stays with a',
      'c.yaml: b: domain example.com is already declared by a; it stays with a',
      'c.yaml: organisation id "a" is declared twice; the second is ignored',
    ]);
    const e = createConstituencyEnricher(constituency, ['source']);
    const at = (ip: string) =>
      (e.enrich({ 'source.ip': ip } as Event) as Record<string, unknown>)['source.constituency.org'];
    expect(at('192.0.2.200')).toBe('a');
    expect(at('192.0.2.100')).toBe('b');
    expect(at('203.0.113.1')).toBeUndefined();
  });

  it('a broken or missing file: a clear warning, and the enricher runs with an empty constituency', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'orgs:\n  - id: a\n    cidrs: [192.0.2.0/24\n');
    const a = await fromFile(broken);
    expect(a.warnings).toHaveLength(1);
    expect(a.warnings[0]).toMatch(new RegExp(`^${broken}:\\d+: not valid YAML: .*; nothing loaded$`));
    expect(mark(a.enrich({ 'source.ip': '192.0.2.1' }))).toEqual(['foreign', undefined, undefined]);
    const b = await fromFile(join(dir, 'missing.yaml'));
    expect(b.warnings[0]).toMatch(/missing\.yaml: cannot read \(ENOENT.*\); no constituency loaded$/);
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- id: a\n  name: A\n');
    const c = await fromFile(list);
    expect(c.warnings).toEqual([
      `${list}: expected a mapping with "orgs" (and optionally "national_countries"); nothing loaded`,
    ]);
  });

  it('options explain what is wrong', () => {
    expect(constituencyEnricher.parseOptions({})).toEqual({
      ok: false,
      error: 'file: expected the path of the constituency file',
    });
    expect(constituencyEnricher.parseOptions({ file: 'x', national_countries: ['XXX'] })).toEqual({
      ok: false,
      error: 'national_countries: expected a list of two-letter country codes',
    });
  });
});

describe('urlHost', () => {
  it('takes the host out of a URL', () => {
    expect(urlHost('https://user:pw@Www.Example.COM:8443/a?b#c')).toBe('www.example.com');
    expect(urlHost('http://[2001:db8::1]:80/')).toBe('2001:db8::1');
    expect(urlHost('http://192.0.2.1')).toBe('192.0.2.1');
    expect(urlHost('example.com/x')).toBeUndefined();
  });
});
