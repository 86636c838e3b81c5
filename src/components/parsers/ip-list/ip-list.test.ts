import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome, RawLine } from '../contract.js';
import { goldenSuite, hasSharedData, runBytes, SHARED_DATA } from '../test-support/golden.js';
import { splitLine } from './comments.js';
import { classifyEntry } from './entry.js';
import { parseUnixDate } from './firehol-header.js';
import { ipList } from './index.js';

goldenSuite(ipList, join(import.meta.dirname, 'fixtures'));

describe('ip-list entries', () => {
  it.each([
    ['198.51.100.7', { kind: 'ip', ip: '198.51.100.7' }],
    ['198.51.100.7:8080', { kind: 'ip', ip: '198.51.100.7', port: 8080 }],
    ['[2001:DB8::1]:443', { kind: 'ip', ip: '2001:db8::1', port: 443 }],
    ['2001:db8:0:0::1', { kind: 'ip', ip: '2001:db8::1' }],
    ['198.51.100.7/32', { kind: 'ip', ip: '198.51.100.7' }],
    ['2001:db8::1/128', { kind: 'ip', ip: '2001:db8::1' }],
    ['198.51.100.77/24', { kind: 'network', cidr: '198.51.100.0/24' }],
    ['c2.example.com', { kind: 'fqdn', fqdn: 'c2.example.com' }],
    ['c2.example.com:8443', { kind: 'fqdn', fqdn: 'c2.example.com', port: 8443 }],
  ])('%s', (text, want) => {
    expect(classifyEntry(text)).toEqual(want);
  });

  it('reads URLs, with and without a scheme, and says whether they have a path', () => {
    expect(classifyEntry('http://198.51.100.7:81/')).toMatchObject({
      kind: 'url',
      host: '198.51.100.7',
      hostIsIp: true,
      port: 81,
      hasPath: false,
    });
    expect(classifyEntry('evil.example.com/a/b.doc')).toMatchObject({
      kind: 'url',
      url: 'http://evil.example.com/a/b.doc',
      host: 'evil.example.com',
      hostIsIp: false,
      hasPath: true,
    });
    expect(classifyEntry('http://[2001:db8::5]/x')).toMatchObject({ host: '2001:db8::5', hostIsIp: true });
  });

  it('rejects non-public networks but keeps partly public ones', () => {
    expect(classifyEntry('10.0.0.0/8')).toEqual({
      kind: 'invalid',
      reason: 'network 10.0.0.0/8 is not public: private (10.0.0.0/8)',
    });
    expect(classifyEntry('0.0.0.0/0')).toMatchObject({ kind: 'invalid' });
    expect(classifyEntry('fc00::/8')).toMatchObject({ kind: 'invalid' });
    expect(classifyEntry('8.0.0.0/7')).toEqual({ kind: 'network', cidr: '8.0.0.0/7' });
  });

  it.each([
    ['999.1.2.3', /not a valid IPv4 address/],
    ['198.51.100.7:70000', /over 65535/],
    ['198.51.100.7:http', /not a number/],
    ['198.51.100.7/33', /prefix length 33 is over 32/],
    ['1.2.3.4:5:6', /more than one ":"/],
    ['gggg::1', /not a valid IPv6/],
    ['[2001:db8::1', /bracketed IPv6/],
    ['nodots', /not an IP address, network, domain or URL/],
    ['/a/path', /path without a host/],
    ['http://', /not a valid URL/],
  ])('rejects %s with a reason', (text, reason) => {
    const e = classifyEntry(text);
    expect(e.kind).toBe('invalid');
    expect(e.kind === 'invalid' && e.reason).toMatch(reason);
  });

  it('splits trailing comments but not URL slashes or fragments', () => {
    expect(splitLine('  # x')).toBeUndefined();
    expect(splitLine('; x')).toBeUndefined();
    expect(splitLine('// x')).toBeUndefined();
    expect(splitLine('198.51.100.7 # a note')).toEqual({ entry: '198.51.100.7', comment: 'a note' });
    expect(splitLine('198.51.100.7\t; SBL1')).toEqual({ entry: '198.51.100.7', comment: 'SBL1' });
    expect(splitLine('http://example.com/a#b // c')).toEqual({
      entry: 'http://example.com/a#b',
      comment: 'c',
    });
    expect(splitLine('198.51.100.7#x')).toEqual({ entry: '198.51.100.7', comment: 'x' });
  });

  it('reads FireHOL dates', () => {
    expect(parseUnixDate('Mon Apr  6 18:32:39 UTC 2026')).toBe('2026-04-06T18:32:39+00:00');
    expect(parseUnixDate('yesterday')).toBeUndefined();
  });
});

describe('ip-list options and sniffing', () => {
  it('names the option at fault', () => {
    expect(ipList.parseOptions({ classification_type: 'c2' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^classification_type/),
    });
    expect(ipList.parseOptions({ colour: 1 })).toMatchObject({ ok: false, error: /unknown option "colour"/ });
    expect(ipList.parseOptions({ use_header: 'yes' })).toMatchObject({ ok: false, error: /^use_header/ });
    expect(ipList.parseOptions({})).toEqual({ ok: true, value: { useHeader: true } });
  });

  it('is sure of a FireHOL header, fairly sure of an address list, and not of prose', () => {
    const firehol = readFileSync(join(import.meta.dirname, 'fixtures/firehol.input.netset'), 'utf8');
    expect(ipList.sniff({ lines: firehol.split('\n') })).toBe(0.95);
    expect(ipList.sniff({ lines: ['# list', '198.51.100.1', '198.51.100.2', '203.0.113.0/24'] })).toBe(0.8);
    expect(ipList.sniff({ lines: ['a.example.com', 'b.example.com', '198.51.100.2'] })).toBe(0.5);
    expect(ipList.sniff({ lines: ['Dear team,', 'we saw 198.51.100.2 today.'] })).toBe(0);
    expect(ipList.sniff({ lines: ['a,b,c', '1,2,3'] })).toBe(0);
    expect(
      ipList.sniff({ lines: ['{', '  "list": [', '    "198.51.100.1",', '    "example.com"', '  ]'] }),
    ).toBe(0);
  });

  it('without use_header, ignores the FireHOL header', async () => {
    const input = readFileSync(join(import.meta.dirname, 'fixtures/firehol.input.netset'));
    const { result } = await runBytes(input, 'x.netset', 'ip-list', { parser: { use_header: false } });
    expect(result.summary.feed).toBe('x');
    expect(result.events[0]).not.toHaveProperty('feed.provider');
    expect(result.events[0]).not.toHaveProperty('time.source');
  });

  it('parses 100,000 lines quickly', () => {
    const lines: RawLine[] = [];
    for (let i = 0; i < 100_000; i++)
      lines.push({ no: i + 1, text: `${(i >> 16) + 20}.${(i >> 8) & 255}.${i & 255}.1 # n${i}` });
    const out: ParseOutcome[] = [];
    const t0 = performance.now();
    const p = ipList.create({ useHeader: true }, { sourceName: 'big.txt' });
    p.push(lines, out);
    p.end(out);
    const ms = performance.now() - t0;
    expect(out.length).toBe(100_000);
    expect(out.every((o) => o.kind === 'record')).toBe(true);
    console.info(`ip-list: parsed 100,000 lines in ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(5_000);
  });
});

describe.skipIf(!hasSharedData)('ip-list over ../shared/data/blocklists', () => {
  const dir = join(SHARED_DATA, 'blocklists');
  const files = hasSharedData
    ? readdirSync(dir).filter((f) => f.endsWith('.ipset') || f === 'threatfox_ips.txt')
    : [];
  it('has the sample lists', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(`${f}: every entry line is accounted for`, async () => {
      const input = readFileSync(join(dir, f));
      const entries = input
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
      const { result } = await runBytes(input, f, 'ip-list');
      const s = result.summary;
      console.info(
        `${f}: ${entries} entries -> ${s.new} new, ${s.folded} folded, ${s.quarantined} quarantined`,
      );
      expect(s.read).toBe(entries);
      expect(s.read).toBe(s.new + s.folded + s.quarantined);
      // Real lists are mostly good: quarantine is the exception (private / shared addresses).
      expect(s.quarantined).toBeLessThan(entries * 0.01);
      for (const q of result.quarantine) expect(q.reason).toMatch(/not a public address/);
      if (f.endsWith('.ipset')) {
        expect(s.feed).toBe(f.replace(/\.ipset$/, ''));
        expect(result.events[0]).toHaveProperty('feed.provider');
        expect(result.events[0]).toHaveProperty('time.source');
      }
      expect(
        ipList.sniff({ lines: input.toString('utf8').split('\n').slice(0, 200) }),
      ).toBeGreaterThanOrEqual(0.8);
    });
  }
});
