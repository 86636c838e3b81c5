import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { harmonise } from '../../../domain/harmonise.js';
import { formatIPv6 } from '../../../domain/ip.js';
import type { Event } from '../../../domain/schema/event.js';
import { hasSharedData, SHARED_DATA } from '../../parsers/test-support/golden.js';
import type { EnricherInstance } from '../contract.js';
import { findFiles, listId } from './find-files.js';
import { loadWarninglists, type WarninglistOptions, warninglist, warninglistInstance } from './index.js';
import { urlHost } from './matcher.js';
import { fromPhpRegex } from './php-regex.js';
import { buildRangeIndex, lookupIp } from './range-index.js';

const FIX = join(import.meta.dirname, 'fixtures');
const opts = (paths: string[], more: Partial<WarninglistOptions> = {}): WarninglistOptions => ({
  paths,
  exclude: [],
  matchingAttributes: true,
  ...more,
});

describe('warninglist enricher on the fixture lists', () => {
  let inst: EnricherInstance;
  let warnings: readonly string[];
  const flags = (e: Event) => {
    const out = inst.enrich(e);
    return { src: out['source.warninglist'], dst: out['destination.warninglist'] };
  };

  beforeAll(async () => {
    const load = await warninglist.create(opts(['lists']), { baseDir: FIX });
    inst = load.instance;
    warnings = load.warnings;
  });

  it('cidr: IPv4 networks and single addresses, on either side', () => {
    expect(flags({ 'source.ip': '192.0.2.1' })).toEqual({ src: 'doc-v4', dst: undefined });
    expect(flags({ 'source.ip': '192.0.2.255', 'destination.ip': '198.51.100.7' })).toEqual({
      src: 'doc-v4',
      dst: 'doc-v4',
    });
    expect(flags({ 'source.ip': '192.0.3.0' }).src).toBeUndefined();
    expect(flags({ 'source.ip': '198.51.100.8' }).src).toBeUndefined();
    expect(flags({ 'source.ip': '198.51.100.6' }).src).toBeUndefined();
  });

  it('cidr: IPv6 networks, bounds included, and matching_attributes (this list: ip-dst only)', () => {
    expect(flags({ 'destination.ip': '2001:db8:1::' }).dst).toBe('doc-v6');
    expect(flags({ 'destination.ip': '2001:db8:1:ffff:ffff:ffff:ffff:ffff' }).dst).toBe('doc-v6');
    expect(flags({ 'destination.ip': '2001:db8:2::' }).dst).toBeUndefined();
    expect(flags({ 'destination.ip': '2001:db8:0:ffff:ffff:ffff:ffff:ffff' }).dst).toBeUndefined();
    expect(flags({ 'destination.ip': '2001:db8:ffff::1' }).dst).toBe('doc-v6');
    expect(flags({ 'destination.ip': '2001:db8:ffff::2' }).dst).toBeUndefined();
    expect(flags({ 'source.ip': '2001:db8:1::5' }).src).toBeUndefined(); // list is for ip-dst only
  });

  it('hostname: the domain and every subdomain, not look-alikes', () => {
    expect(flags({ 'source.fqdn': 'example.com' }).src).toBe('example-hosts');
    expect(flags({ 'source.fqdn': 'a.b.example.com' }).src).toBe('example-hosts');
    expect(flags({ 'destination.fqdn': 'www.example.net' }).dst).toBe('example-hosts');
    expect(flags({ 'source.fqdn': 'x.shop.example' }).src).toBe('example-hosts');
    expect(flags({ 'source.fqdn': 'badexample.com' }).src).toBeUndefined();
    expect(flags({ 'source.fqdn': 'example.com.evil.example' }).src).toBeUndefined();
    expect(flags({ 'source.fqdn': 'com' }).src).toBeUndefined();
  });

  it('url: its host is checked as a domain, or as an IP of that side', () => {
    expect(flags({ 'source.url': 'http://user@www.example.com:8080/x?y#z' }).src).toBe('example-hosts');
    expect(flags({ 'source.url': 'http://192.0.2.77/x' }).src).toBe('doc-v4');
    expect(flags({ 'destination.url': 'http://[2001:db8:1::9]:81/' }).dst).toBe('doc-v6');
    expect(flags({ 'source.url': 'http://example.org/x' }).src).toBeUndefined();
  });

  it('string: exact and case-insensitive; IPs compared in canonical form', () => {
    expect(flags({ 'source.fqdn': 'login.example.org' }).src).toBe('exact');
    expect(flags({ 'source.fqdn': 'www.login.example.org' }).src).toBeUndefined();
    expect(flags({ 'source.ip': '203.0.113.9' }).src).toBe('exact');
    expect(flags({ 'destination.ip': '2001:db8::9' }).dst).toBe('exact');
    expect(flags({ 'source.url': 'https://www.example.org/EXACT' }).src).toBe('exact');
    expect(flags({ 'source.url': 'https://www.example.org/exact/more' }).src).toBeUndefined();
  });

  it('substring: applies only to the attribute types the list names (url here)', () => {
    expect(flags({ 'source.url': 'http://example.org/blog/wp-admin/x.php' }).src).toBe('url-paths');
    expect(flags({ 'source.url': 'http://example.org/SHORTENER/1' }).src).toBe('url-paths');
    expect(flags({ 'source.url': 'http://example.org/wp-admin' }).src).toBeUndefined();
    expect(flags({ 'source.fqdn': 'shortener.example.org' }).src).toBeUndefined(); // not for domains
  });

  it('regex: PHP delimiters and flags, bare patterns, backreferences', () => {
    expect(flags({ 'source.fqdn': 'abc9.test.example' }).src).toBe('regexes');
    expect(flags({ 'source.fqdn': 'cdn42.example.org' }).src).toBe('regexes');
    expect(flags({ 'source.fqdn': 'bare-7.example' }).src).toBe('regexes');
    expect(flags({ 'source.fqdn': 'aa.example' }).src).toBe('regexes');
    expect(flags({ 'source.fqdn': 'ab.example' }).src).toBeUndefined();
    expect(flags({ 'source.fqdn': 'a-b.test.example' }).src).toBeUndefined();
  });

  it('names every list a side is on, once, in load order', () => {
    expect(
      flags({ 'source.fqdn': 'login.example.com', 'source.url': 'http://cdn1.example.com/wp-admin/' }),
    ).toEqual({ src: 'example-hosts,regexes,url-paths', dst: undefined });
  });

  it('a bad regex or CIDR is a warning naming file and entry; the rest of the list loads', () => {
    const regexFile = join(FIX, 'lists', 'regexes', 'list.json');
    const cidrFile = join(FIX, 'lists', 'doc-v4', 'list.json');
    expect(warnings).toContainEqual(
      expect.stringMatching(/regexes\/list\.json: entry 2 "\/\(unclosed\/": not a valid/),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/regexes\/list\.json: entry 4 "\/x\/U": PHP regex flag "U"/),
    );
    expect(warnings).toContainEqual(
      `${cidrFile}: entry 3 "300.1.2.3/24": "300.1.2.3" is not an IP address; entry skipped`,
    );
    expect(warnings).toContainEqual(
      `${cidrFile}: entry 4 "192.0.2.0/33": prefix length 33 is over 32; entry skipped`,
    );
    expect(warnings.filter((w) => w.startsWith(regexFile))).toHaveLength(2);
    expect(warnings).toHaveLength(4);
  });

  it('returns the same object when nothing matches, and the flagged event still harmonises', () => {
    const e: Event = { 'source.ip': '203.0.113.10', 'source.fqdn': 'example.org' };
    expect(inst.enrich(e)).toBe(e);
    const flagged = inst.enrich({ 'source.fqdn': 'www.example.com', 'destination.ip': '198.51.100.7' });
    expect(flagged).not.toHaveProperty('extra');
    // The new fields pass the schema's own validation (pattern, length).
    const again = harmonise(
      { ...flagged, 'feed.name': 'f', 'destination.warninglist': 'doc-v4,exact' },
      {
        time: { notBefore: 0, notAfter: Date.UTC(2100, 0, 1) },
      },
    );
    expect(again).toMatchObject({ ok: true, event: { 'source.warninglist': 'example-hosts' } });
    expect(
      harmonise(
        { 'feed.name': 'f', 'source.warninglist': 'Not A List' },
        { time: { notBefore: 0, notAfter: 1 } },
      ).ok,
    ).toBe(false);
  });
});

describe('loading', () => {
  it('a broken file is an error naming it; the other lists in the same glob still load', async () => {
    const { matcher, warnings } = await loadWarninglists(
      opts(['broken/*.json', 'lists/doc-v4/list.json']),
      FIX,
    );
    expect(matcher.lists.map((l) => l.id)).toEqual(['doc-v4']);
    const broken = join(FIX, 'broken');
    expect(warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^${broken}/not-json\\.json: not valid JSON`)),
    );
    expect(warnings).toContainEqual(
      `${broken}/missing-type.json: required field(s) missing: type; list not loaded`,
    );
    expect(warnings).toContainEqual(expect.stringContaining(`${broken}/bad-type.json: "type" is "asn"`));
  });

  it('a path that matches nothing is reported, not thrown', async () => {
    const { matcher, warnings } = await loadWarninglists(
      opts(['nowhere/list.json', 'lists/*/nope.json']),
      FIX,
    );
    expect(matcher.lists).toHaveLength(0);
    expect(warnings[0]).toMatch(/^nowhere\/list\.json: cannot read \(ENOENT\)/);
    expect(warnings[1]).toMatch(/^lists\/\*\/nope\.json: no file matches/);
  });

  it('exclude leaves lists out; matching_attributes: false applies lists by type', async () => {
    const a = await loadWarninglists(opts(['lists'], { exclude: ['doc-v4', 'regexes'] }), FIX);
    expect(a.matcher.lists.map((l) => l.id)).toEqual(['doc-v6', 'exact', 'example-hosts', 'url-paths']);
    const loose = warninglistInstance(
      (await loadWarninglists(opts(['lists/doc-v6'], { matchingAttributes: false }), FIX)).matcher,
    );
    expect(loose.enrich({ 'source.ip': '2001:db8:1::5' })['source.warninglist']).toBe('doc-v6');
  });

  it('glob ** finds list.json at any depth; ids come from folder or file names', async () => {
    const found = await findFiles(['**/list.json'], FIX);
    expect(found.files.map(listId).sort()).toEqual(
      readdirSync(join(FIX, 'lists')).sort(), // every fixture folder holds one list.json
    );
    expect(listId('/x/My Lists/Cloud Ranges.JSON')).toBe('cloud-ranges');
  });

  it('options are checked with messages naming the option', () => {
    expect(warninglist.parseOptions({})).toMatchObject({
      ok: false,
      error: expect.stringContaining('"paths"'),
    });
    expect(warninglist.parseOptions({ paths: 3 })).toMatchObject({ ok: false });
    expect(warninglist.parseOptions({ paths: 'a', colour: 1 })).toMatchObject({
      error: 'unknown option "colour"',
    });
    expect(warninglist.parseOptions({ paths: 'a', matching_attributes: 'yes' })).toMatchObject({ ok: false });
    expect(warninglist.parseOptions({ paths: ['a', 'b'], exclude: 'c' })).toEqual({
      ok: true,
      value: { paths: ['a', 'b'], exclude: ['c'], matchingAttributes: true },
    });
  });
});

describe('building blocks', () => {
  it('the combined range index agrees with a scan over the ranges (IPv4)', () => {
    const range = fc
      .tuple(fc.nat(0xffff), fc.integer({ min: 16, max: 32 }), fc.nat(3))
      .map(([hi16, len, list]) => {
        const lo = (hi16 * 65536) & (len === 32 ? 0xffffffff : ~(2 ** (32 - len) - 1));
        return { lo: lo >>> 0, hi: ((lo >>> 0) + 2 ** (32 - len) - 1) >>> 0, list };
      });
    fc.assert(
      fc.property(
        fc.array(range, { maxLength: 30 }),
        fc.array(fc.nat(0xffffffff), { maxLength: 30 }),
        (rs, probes) => {
          const idx = buildRangeIndex(rs, []);
          const pts = [...probes, ...rs.flatMap((r) => [r.lo, r.hi, r.hi + 1, r.lo - 1])].filter(
            (p) => p >= 0 && p <= 0xffffffff,
          );
          for (const p of pts) {
            const want = [...new Set(rs.filter((r) => r.lo <= p && p <= r.hi).map((r) => r.list))].sort();
            const ip = `${p >>> 24}.${(p >>> 16) & 255}.${(p >>> 8) & 255}.${p & 255}`;
            expect([...(lookupIp(idx, ip) ?? [])]).toEqual(want);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the combined range index agrees with a scan over the ranges (IPv6, 128-bit bounds)', () => {
    const toText = (v: bigint) =>
      formatIPv6(Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn)));
    const MAX = (1n << 128n) - 1n;
    const range = fc
      .tuple(fc.bigInt({ min: 0n, max: 0xffn }), fc.integer({ min: 0, max: 128 }), fc.nat(3))
      .map(([top, len, list]) => {
        const host = (1n << BigInt(128 - len)) - 1n;
        const lo = ((top << 120n) | (0x20010db8n << 88n)) & ~host & MAX;
        return { lo, hi: lo | host, list };
      });
    fc.assert(
      fc.property(fc.array(range, { maxLength: 20 }), (rs) => {
        const idx = buildRangeIndex([], rs);
        for (const p of rs
          .flatMap((r) => [r.lo, r.hi, r.hi + 1n, r.lo - 1n])
          .filter((p) => p >= 0n && p <= MAX)) {
          const want = [...new Set(rs.filter((r) => r.lo <= p && p <= r.hi).map((r) => r.list))].sort();
          const text = toText(p);
          // IPv4-mapped addresses are looked up as IPv4 by design; leave them out of this check.
          if (text.startsWith('::ffff:')) continue;
          expect([...(lookupIp(idx, text) ?? [])]).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('urlHost takes the host out of normalised URLs', () => {
    expect(urlHost('http://a:b@Host.example:81/p')).toBe('host.example');
    expect(urlHost('https://[2001:db8::1]/')).toBe('2001:db8::1');
    expect(urlHost('http://example.com?x=a/b')).toBe('example.com');
    expect(urlHost('mailto:x@example.com')).toBeUndefined();
  });

  it('PHP regex entries: delimiters, flags, and flags JavaScript lacks', () => {
    expect(fromPhpRegex('/a\\/b/i')).toEqual({ source: 'a\\/b', flags: 'i' });
    expect(fromPhpRegex('{^x}s')).toEqual({ source: '^x', flags: 's' });
    expect(fromPhpRegex('/x/A')).toEqual({ source: '^(?:x)', flags: '' });
    expect(fromPhpRegex('/a b/x')).toMatch(/flag "x"/);
  });
});

const LISTS = join(SHARED_DATA, 'misp', 'warninglists');
describe.skipIf(!hasSharedData)('the real MISP warninglists in ../shared/data (skipped when absent)', () => {
  it('every list loads without a warning, with every entry counted', async () => {
    const { matcher, warnings } = await loadWarninglists(opts([LISTS]), '/');
    expect(warnings).toEqual([]);
    const dirs = readdirSync(LISTS, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(matcher.lists.map((l) => l.id).sort()).toEqual(dirs.map((d) => d.name).sort());
    for (const l of matcher.lists) {
      const json = JSON.parse(readFileSync(l.file, 'utf8')) as { list: unknown[]; type: string };
      expect({ id: l.id, size: l.size, type: l.type }).toEqual({
        id: l.id,
        size: json.list.length,
        type: json.type,
      });
    }
    const inst = warninglistInstance(matcher);
    expect(inst.enrich({ 'source.ip': '8.8.8.8' })['source.warninglist']).toContain('public-dns-v4');
    expect(inst.enrich({ 'destination.ip': '2001:db8::1' })['destination.warninglist']).toBe('rfc3849');
    expect(inst.enrich({ 'source.fqdn': 'mail.google.com' })['source.warninglist']).toBe('tranco10k');
  }, 20_000);
});
