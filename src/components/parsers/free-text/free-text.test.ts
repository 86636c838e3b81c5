import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../contract.js';
import { goldenSuite, runBytes } from '../test-support/golden.js';
import { extractIndicators, type Indicator } from './extract.js';
import { freeText } from './index.js';
import { refang } from './refang.js';
import { KNOWN_TLDS } from './tlds.js';

goldenSuite(freeText, join(import.meta.dirname, 'fixtures'));

function found(line: string, tlds: ReadonlySet<string> = KNOWN_TLDS): Indicator[] {
  const out: Indicator[] = [];
  extractIndicators(line, tlds, (i) => out.push(i));
  return out;
}

function show(i: Indicator): string {
  if (i.kind === 'ip') return i.port === undefined ? i.ip : `${i.ip}:${i.port}`;
  if (i.kind === 'network') return i.cidr;
  if (i.kind === 'fqdn') return i.fqdn;
  if (i.kind === 'url') return i.url;
  return `${i.algorithm}:${i.value}`;
}

function values(line: string): string[] {
  return found(line).map(show);
}

describe('free-text extraction', () => {
  it.each([
    ['beacons to 198.51.100[.]23.', ['198.51.100.23']],
    ['host 198(.)51(.)100(.)24:8443 seen', ['198.51.100.24:8443']],
    ['evil[dot]example[dot]com and bad(dot)example(dot)net', ['evil.example.com', 'bad.example.net']],
    ['c2 {.} example {.} org', ['c2.example.org']],
    ['hxxp://evil[.]example[.]com/a.php', ['http://evil.example.com/a.php']],
    ['hXXps[:]//203.0.113.5/x', ['https://203.0.113.5/x']],
    ['hxxp[://]evil.example.com/', ['http://evil.example.com/']],
    ['fxp://files.example.net/drop/', ['ftp://files.example.net/drop/']],
    ['(see https://example.org/a_(b)).', ['https://example.org/a_(b)']],
    ['url=http://example.org/?q=1, then', ['http://example.org/?q=1']],
    ['IP:198.51.100.40 C2:c2.example.com', ['198.51.100.40', 'c2.example.com']],
    ['[2001:db8::5]:443 and 2001:db8::6', ['2001:db8::5:443', '2001:db8::6']],
    ['net 203.0.113.0/28.', ['203.0.113.0/28']],
    ['evil.example.com/path/x.exe', ['http://evil.example.com/path/x.exe']],
  ])('%s', (line, want) => {
    expect(values(line)).toEqual(want);
  });

  it('finds md5, sha1 and sha256 as whole hex tokens mixing digits and letters', () => {
    expect(
      values(
        'md5 44d88612fea8a8f36de82e1278abb02f sha1 3395856ce81f2b7382dee72602f798b642f14140 sha256 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
      ),
    ).toEqual([
      'md5:44d88612fea8a8f36de82e1278abb02f',
      'sha1:3395856ce81f2b7382dee72602f798b642f14140',
      'sha256:275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    ]);
    expect(values('01234567890123456789012345678901 ffffffffffffffffffffffffffffffff')).toEqual([]);
    expect(values('x44d88612fea8a8f36de82e1278abb02f')).toEqual([]);
  });

  it.each([
    'version 1.2.3.4 of the agent',
    'build 10.0.19041.1',
    'v2.10.1.3',
    'report.pdf setup.py readme.md payload.zip',
    'Node.js ASP.NET System.IO',
    'e.g. i.e. etc.',
    'mail user@example.com',
    '10:30:45 std::vector Foo::Bar :: ::1',
    '2026.10.31 1.2.3',
    'tcp://198.51.100.1:80',
  ])('takes no indicator from "%s"', (line) => {
    expect(values(line)).toEqual([]);
  });

  it('accepts a file-extension TLD when the text defanged it, and extra TLDs on request', () => {
    expect(values('payload[.]zip')).toEqual(['payload.zip']);
    expect(found('host.internal', new Set([...KNOWN_TLDS, 'internal']))).toMatchObject([
      { kind: 'fqdn', fqdn: 'host.internal' },
    ]);
    expect(values('host.internal')).toEqual([]);
  });

  it('refangs only what is defanged', () => {
    expect(refang('a (b) [c] {d}')).toBe('a (b) [c] {d}');
    expect(refang('a[:]//b')).toBe('a://b');
    expect(refang('x[/]y')).toBe('x/y');
  });

  it('finishes a 1 MB line of garbage quickly', () => {
    const alphabet = 'ab.1:/[](){}x-_ .9hxxp://[.](dot)@=,;\'"<>\\';
    let seed = 42;
    let s = '';
    while (s.length < 1_000_000) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      s += alphabet[seed % alphabet.length];
    }
    const patterns = [
      s,
      '1.'.repeat(500_000),
      '['.repeat(1_000_000),
      ' '.repeat(999_999) + 'x',
      'a'.repeat(1_000_000),
      ')'.repeat(1_000_000),
      `http://${'a.'.repeat(499_990)}`,
      'hxxp://a[.]'.repeat(90_000),
      'ab)'.repeat(333_333),
      `${'a)'.repeat(4000)} `.repeat(120),
    ];
    for (const line of patterns) {
      const t0 = performance.now();
      const out: ParseOutcome[] = [];
      const p = freeText.create(
        { kinds: new Set(['ip', 'network', 'fqdn', 'url', 'hash']), tlds: KNOWN_TLDS },
        { sourceName: 'x' },
      );
      p.push([{ no: 1, text: line }], out);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(2_000);
      for (const o of out) expect(o.raw.length).toBeLessThan(1_000_000);
    }
  });

  it('checks its options', () => {
    expect(freeText.parseOptions({ kinds: ['email'] })).toMatchObject({ ok: false, error: /^kinds/ });
    expect(freeText.parseOptions({ extra_tlds: ['a b'] })).toMatchObject({ ok: false, error: /^extra_tlds/ });
    expect(freeText.parseOptions({ x: 1 })).toMatchObject({ ok: false, error: /unknown option "x"/ });
  });

  it('is the low-confidence fallback for any text', () => {
    expect(freeText.sniff({ lines: ['hello'] })).toBe(0.1);
    expect(freeText.sniff({ lines: ['', ' '] })).toBe(0);
  });

  it('counts an indicator once per document, at its first line', async () => {
    const text = 'a 198.51.100.7\nb 198.51.100[.]7 and evil.example.com\nc EVIL.example.com\n';
    const { result } = await runBytes(text, 'doc.txt', 'free-text');
    expect(result.summary).toMatchObject({ read: 2, new: 2, quarantined: 0 });
    expect(
      result.events.map(
        (e) => (e as Record<string, unknown>)['source.ip'] ?? (e as Record<string, unknown>)['source.fqdn'],
      ),
    ).toEqual(['198.51.100.7', 'evil.example.com']);
  });

  it('keeps each indicator as written as its raw text, so two on one line stay two', async () => {
    const text = `${'word '.repeat(1000)}hxxp://evil[.]example[.]com/x). Hosts 10.0.0.5 and 192.168.1.20 too.\n`;
    const { result, store } = await runBytes(text, 'doc.txt', 'free-text', { feed: { keepRaw: true } });
    expect(result.summary).toMatchObject({ read: 3, new: 1, quarantined: 2 });
    const [e] = await store.listEvents({ limit: 1 });
    expect((e as Record<string, unknown>).raw).toBe('hxxp://evil[.]example[.]com/x)');
    expect(result.quarantine.map((q) => q.raw)).toEqual(['10.0.0.5', '192.168.1.20']);
    expect(result.quarantine.every((q) => q.line === 1)).toBe(true);
  });

  it('maps indicators back to the text as written', () => {
    const seen: string[] = [];
    extractIndicators('a 198[.]51[.]100[.]7, b (evil(dot)example(dot)com) c', KNOWN_TLDS, (_i, w) =>
      seen.push(w),
    );
    expect(seen).toEqual(['198[.]51[.]100[.]7', 'evil(dot)example(dot)com)']);
  });
});
