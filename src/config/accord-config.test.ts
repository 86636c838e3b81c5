import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENRICHERS } from '../components/enrichers/registry.js';
import { PARSERS } from '../components/parsers/registry.js';
import { type AccordConfig, validateConfig } from './accord-config.js';
import { configPath, loadConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = join(dir, 'accord.yaml');

function check(yaml: string) {
  return validateConfig(parse(yaml), { file: FILE, parsers: PARSERS, enrichers: ENRICHERS });
}
function errors(yaml: string): readonly string[] {
  const r = check(yaml);
  if (r.ok) throw new Error('expected errors');
  return r.error.map((e) => e.replace(`${FILE}: `, ''));
}
function valid(yaml: string): AccordConfig {
  const r = check(yaml);
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

describe('accord.yaml validation', () => {
  it('accepts a full config and fills the defaults', () => {
    const c = valid(`
allowed_hosts: [feeds.example.com, "*.example.org", 127.0.0.1, "[2001:db8::1]"]
store: { db: data/x.db }
enrichment:
  - geo
  - name: constituency
    options: { file: constituency.yaml, national_countries: [xx] }
feeds:
  - name: c2
    provider: Example CERT
    source: https://feeds.example.com/c2.txt
    format: ip-list
    parser: { classification_type: c2-server }
    schedule: every 1h
    tlp: AMBER
    classification: c2-server
    defaults: { malware.name: emotet }
    overrides: { protocol.transport: tcp }
    keep_raw: true
    timeout: 45s
    max_bytes: 50MB
    retries: 3
    retry_delay: 2s
    enabled: false
  - name: drops
    source: drops/*.csv
    schedule: "*/15 * * * *"
`);
    expect(c.store.db).toBe(join(dir, 'data/x.db'));
    expect(c.enrichment.map((e) => e.name)).toEqual(['geo', 'constituency']);
    expect(c.enrichment[1]?.options).toMatchObject({ nationalCountries: ['XX'] });
    const [a, b] = c.feeds;
    expect(a).toMatchObject({
      name: 'c2',
      source: { kind: 'url', url: 'https://feeds.example.com/c2.txt', host: 'feeds.example.com' },
      schedule: { kind: 'every', ms: 3_600_000 },
      tlp: 'AMBER',
      defaults: { 'malware.name': 'emotet', 'classification.type': 'c2-server' },
      overrides: { 'protocol.transport': 'tcp' },
      keepRaw: true,
      timeoutMs: 45_000,
      maxBytes: 50_000_000,
      retries: 3,
      retryDelayMs: 2000,
      enabled: false,
    });
    expect(b).toMatchObject({
      source: { kind: 'files', pattern: 'drops/*.csv', resolved: join(dir, 'drops/*.csv') },
      schedule: { kind: 'cron' },
      timeoutMs: 30_000,
      retries: 2,
      enabled: true,
      keepRaw: false,
    });
    expect(c.allowedHosts).toEqual([
      { kind: 'exact', host: 'feeds.example.com' },
      { kind: 'suffix', suffix: 'example.org' },
      { kind: 'exact', host: '127.0.0.1' },
      { kind: 'exact', host: '2001:db8::1' },
    ]);
  });

  it('an empty file is a config with nothing in it', () => {
    expect(valid('')).toMatchObject({ feeds: [], enrichment: [], allowedHosts: [], store: {} });
  });

  it('names the path and what was expected, for every problem at once', () => {
    expect(
      errors(`
feeds:
  - name: a
    source: a.csv
  - name: b
    source: b.csv
  - name: c
    source: c.csv
    schedule: every banana
    timeout: -3
    max_bytes: 12 parsecs
`),
    ).toEqual([
      'feeds[2].schedule: "every banana" is not a duration or a cron schedule (expected e.g. "every 1h", "30m" or five cron fields like "0 */6 * * *")',
      'feeds[2].timeout: -3 is not a number of seconds above zero',
      'feeds[2].max_bytes: "12 parsecs" is not a size (expected e.g. 50MB, 512KiB, 1GiB)',
    ]);
  });

  it.each([
    [
      'unknown top-level key',
      'feed: []',
      'feed: unknown key (expected one of: feeds, enrichment, allowed_hosts, store)',
    ],
    ['not a mapping', '- a\n- b', 'expected a mapping with keys feeds, enrichment, allowed_hosts, store'],
    ['feeds not a list', 'feeds: {name: a}', 'feeds: expected a list of feeds'],
    ['feed not a mapping', 'feeds: [x]', 'feeds[0]: expected a mapping with at least name and source'],
    ['missing name and source', 'feeds: [{format: ip-list}]', 'feeds[0].name: required'],
    ['missing source', 'feeds: [{name: a}]', 'feeds[0].source: required (a file path, glob or URL)'],
    [
      'unknown feed key',
      'feeds: [{name: a, source: a.txt, shedule: 1h}]',
      'feeds[0].shedule: unknown key (expected one of: name, provider, source, format, parser, schedule, tlp, classification, defaults, overrides, keep_raw, keep_events, timeout, max_bytes, retries, retry_delay, enabled)',
    ],
    [
      'duplicate names',
      'feeds: [{name: a, source: a.txt}, {name: a, source: b.txt}]',
      'feeds[1].name: "a" is already the name of feeds[0]',
    ],
    ['empty name', 'feeds: [{name: " ", source: a.txt}]', 'feeds[0].name: expected a non-empty string'],
    [
      'unknown format',
      'feeds: [{name: a, source: a.txt, format: ipset}]',
      'feeds[0].format: "ipset" is not a known format (expected one of: intelmq-jsonl, shadowserver, mapped-csv, ip-list, maltrail, free-text)',
    ],
    [
      'parser options without format',
      'feeds: [{name: a, source: a.txt, parser: {x: 1}}]',
      'feeds[0].parser: parser options need a format (set format: to the parser they are for)',
    ],
    [
      'bad parser option',
      'feeds: [{name: a, source: a.txt, format: ip-list, parser: {bogus: 1}}]',
      'feeds[0].parser: ip-list options: unknown option "bogus"',
    ],
    ['bad tlp', 'feeds: [{name: a, source: a.txt, tlp: PINK}]', 'feeds[0].tlp:'],
    [
      'bad classification',
      'feeds: [{name: a, source: a.txt, classification: nasty}]',
      'feeds[0].classification:',
    ],
    [
      'unknown default field',
      'feeds: [{name: a, source: a.txt, defaults: {source.colour: red}}]',
      'feeds[0].defaults["source.colour"]: unknown field "source.colour"',
    ],
    [
      'bad default value',
      'feeds: [{name: a, source: a.txt, defaults: {source.port: 99999}}]',
      'feeds[0].defaults["source.port"]:',
    ],
    [
      'overrides not a mapping',
      'feeds: [{name: a, source: a.txt, overrides: [1]}]',
      'feeds[0].overrides: expected a mapping of field names to values',
    ],
    [
      'keep_raw not boolean',
      'feeds: [{name: a, source: a.txt, keep_raw: "yes"}]',
      'feeds[0].keep_raw: "yes" is not true or false',
    ],
    [
      'enabled not boolean',
      'feeds: [{name: a, source: a.txt, enabled: 1}]',
      'feeds[0].enabled: 1 is not true or false',
    ],
    [
      'retries out of range',
      'feeds: [{name: a, source: a.txt, retries: 50}]',
      'feeds[0].retries: 50 is not a number of retries (expected a whole number 0-10)',
    ],
    [
      'retry_delay bad',
      'feeds: [{name: a, source: a.txt, retry_delay: soon}]',
      'feeds[0].retry_delay: "soon" is not a duration (expected e.g. 30m, 1h, 1d)',
    ],
    [
      'schedule not a string',
      'feeds: [{name: a, source: a.txt, schedule: 5}]',
      'feeds[0].schedule: 5 is not a schedule',
    ],
    [
      'schedule too short',
      'feeds: [{name: a, source: a.txt, schedule: 10ms}]',
      'feeds[0].schedule: "10ms" is shorter than 100 ms',
    ],
    [
      'cron out of range',
      'feeds: [{name: a, source: a.txt, schedule: "61 * * * *"}]',
      'feeds[0].schedule: "61 * * * *": minute "61" is outside 0-59',
    ],
    [
      'cron garbage',
      'feeds: [{name: a, source: a.txt, schedule: "x * * * *"}]',
      'feeds[0].schedule: "x * * * *": minute "x" is not *, a number',
    ],
    [
      'durations out of order',
      'feeds: [{name: a, source: a.txt, schedule: 30m1h}]',
      'feeds[0].schedule: "30m1h" is not a duration',
    ],
    [
      'ftp source',
      'feeds: [{name: a, source: "ftp://example.com/x"}]',
      'feeds[0].source: "ftp://example.com/x": only http and https URLs, file paths and globs can be read',
    ],
    [
      'URL host not allowed',
      'feeds: [{name: a, source: "https://evil.example.net/x"}]',
      'feeds[0].source: host "evil.example.net" is not in allowed_hosts (list it there to let this feed reach it)',
    ],
    [
      'loopback is not special',
      'feeds: [{name: a, source: "http://127.0.0.1:8080/x"}]',
      'feeds[0].source: host "127.0.0.1" is not in allowed_hosts',
    ],
    [
      'suffix does not match the apex',
      'allowed_hosts: ["*.example.com"]\nfeeds: [{name: a, source: "https://example.com/x"}]',
      'feeds[0].source: host "example.com" is not in allowed_hosts',
    ],
    [
      'allowed host with a scheme',
      'allowed_hosts: ["https://example.com"]',
      'allowed_hosts[0]: "https://example.com" is not a host',
    ],
    ['allowed host not a string', 'allowed_hosts: [[1]]', 'allowed_hosts[0]: [1] is not a host'],
    [
      'allowed_hosts not a list',
      'allowed_hosts: example.com',
      'allowed_hosts: expected a list of host names',
    ],
    [
      'wildcard on a TLD',
      'allowed_hosts: ["*.com"]',
      'allowed_hosts[0]: "*.com" is not a *.domain pattern with at least two labels',
    ],
    ['store not a mapping', 'store: ./x.db', 'store: expected a mapping, e.g. { db: ./data/accord.db }'],
    ['store unknown key', 'store: { path: x.db }', 'store.path: unknown key (expected one of: db)'],
    ['store db empty', 'store: { db: "" }', 'store.db: expected the path of the SQLite file'],
    [
      'enrichment not a list',
      'enrichment: geo',
      'enrichment: expected a list of enrichers ({ name, options })',
    ],
    [
      'unknown enricher',
      'enrichment: [{name: weather}]',
      'enrichment[0].name: "weather" is not a known enricher (expected one of: geo, constituency, warninglist, taxonomy)',
    ],
    [
      'enricher unknown key',
      'enrichment: [{name: geo, option: {}}]',
      'enrichment[0].option: unknown key (expected one of: name, options)',
    ],
    [
      'enricher options not a mapping',
      'enrichment: [{name: geo, options: [1]}]',
      'enrichment[0].options: expected a mapping of geo options',
    ],
    [
      'enricher option rejected by the enricher',
      'enrichment: [{name: geo, options: {country_csv: a.csv, country_mmdb: b.mmdb}}]',
      'enrichment[0].options: geo: country_csv and country_mmdb: give one of them, not both',
    ],
    [
      'constituency without file',
      'enrichment: [{name: constituency}]',
      'enrichment[0].options: constituency: file: expected the path of the constituency file',
    ],
    [
      'taxonomy bad rule',
      'enrichment: [{name: taxonomy, options: {feeds: [{feed: x, type: bogus}]}}]',
      'enrichment[0].options: taxonomy: feeds[0].type: "bogus" is not an RSIT type',
    ],
  ])('%s', (_, yaml, expected) => {
    const errs = errors(yaml);
    expect(
      errs.some((e) => e.startsWith(expected)),
      `${errs.join('\n')}\n  does not start with\n${expected}`,
    ).toBe(true);
  });

  it('every message starts with the file name', () => {
    const r = check('feeds: [{name: a}]');
    expect(r.ok).toBe(false);
    if (!r.ok) for (const e of r.error) expect(e.startsWith(`${FILE}: `)).toBe(true);
  });
});

describe('loadConfig', () => {
  it('reads YAML from a file, resolving relative paths against its folder', async () => {
    const f = join(dir, 'ok.yaml');
    writeFileSync(f, 'feeds:\n  - name: a\n    source: sub/*.txt\n');
    const r = await loadConfig(f);
    expect(r.ok && r.value.feeds[0]?.source).toEqual({
      kind: 'files',
      pattern: 'sub/*.txt',
      resolved: join(dir, 'sub/*.txt'),
    });
  });

  it('reports a missing file, bad YAML and duplicate keys with the file name', async () => {
    const missing = await loadConfig(join(dir, 'nope.yaml'));
    expect(!missing.ok && missing.error[0]).toContain('no config file at');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'feeds: [\n');
    const r = await loadConfig(bad);
    expect(!r.ok && r.error[0]).toMatch(new RegExp(`^${bad}: not valid YAML: `));
    const dup = join(dir, 'dup.yaml');
    writeFileSync(dup, 'feeds: []\nfeeds: []\n');
    const d = await loadConfig(dup);
    expect(!d.ok && d.error[0]).toMatch(/not valid YAML: .*unique/i);
  });

  it('finds the file: --config, else ACCORD_CONFIG, else ./accord.yaml', () => {
    const before = process.env.ACCORD_CONFIG;
    try {
      process.env.ACCORD_CONFIG = '/etc/accord/accord.yaml';
      expect(configPath('x.yaml')).toBe('x.yaml');
      expect(configPath(undefined)).toBe('/etc/accord/accord.yaml');
      delete process.env.ACCORD_CONFIG;
      expect(configPath(undefined)).toBe('./accord.yaml');
    } finally {
      if (before === undefined) delete process.env.ACCORD_CONFIG;
      else process.env.ACCORD_CONFIG = before;
    }
  });

  it('the shipped samples/accord.yaml is valid', async () => {
    const r = await loadConfig(new URL('../../samples/accord.yaml', import.meta.url).pathname);
    if (!r.ok) throw new Error(r.error.join('\n'));
    expect(r.value.feeds.length).toBeGreaterThanOrEqual(6);
    expect(r.value.enrichment.map((e) => e.name)).toEqual(['geo', 'constituency', 'taxonomy']);
  });
});
