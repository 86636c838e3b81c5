import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { harmonise } from '../../../domain/harmonise.js';
import { taxonomyOf } from '../../../domain/taxonomy.js';
import { defaultBounds } from '../../../domain/time.js';
import { CsvTokenizer } from '../csv/tokenizer.js';
import { goldenSuite, hasSharedData, runBytes, SHARED_DATA } from '../test-support/golden.js';
import { shadowserver } from './index.js';
import { loadSchema } from './intelmq-schema.js';
import { applyPlan, compilePlan } from './plan.js';
import { REPORT_TYPES } from './reports.js';

goldenSuite(shadowserver, join(import.meta.dirname, 'fixtures'));

const EVENT4 = REPORT_TYPES.find((r) => r.name === 'event4_sinkhole')!;
const HEADER = EVENT4.columns.map((c) => `"${c}"`).join(',');
const ROW =
  '"2026-10-30 01:02:03","tcp","198.51.100.10",49152,64496,"BR",,,,,,,,,"203.0.113.80",80,64511,"DE",,,,,,,"necurs","necurs",,,,';

describe('shadowserver: recognition', () => {
  it('sniffs a known header with full confidence and anything else not at all', () => {
    expect(shadowserver.sniff({ lines: [HEADER, ROW] })).toBe(1);
    expect(shadowserver.sniff({ lines: ['', HEADER] })).toBe(1);
    expect(shadowserver.sniff({ lines: ['"timestamp","src_ip"', ROW] })).toBe(0);
    expect(shadowserver.sniff({ lines: ['{"source.ip":"198.51.100.1"}'] })).toBe(0);
    expect(shadowserver.sniff({ lines: [] })).toBe(0);
  });

  it('is chosen by format detection and suggests the feed name', async () => {
    const { result } = await runBytes(`${HEADER}\n${ROW}\n`, 'report.csv', undefined);
    expect(result.summary).toMatchObject({
      format: 'shadowserver',
      feed: 'shadowserver-event4_sinkhole',
      new: 1,
    });
  });

  it('tells event4_microsoft_sinkhole from event4_sinkhole by the file name, or the report option', async () => {
    const byName = await runBytes(
      `${HEADER}\n${ROW}\n`,
      '2026-10-30-event4_microsoft_sinkhole-example-geo.csv',
      'shadowserver',
    );
    expect(byName.result.summary.feed).toBe('shadowserver-event4_microsoft_sinkhole');
    expect(byName.result.events[0]).toMatchObject({ 'feed.code': 'event4_microsoft_sinkhole' });
    const byOption = await runBytes(`${HEADER}\n${ROW}\n`, 'x.csv', 'shadowserver', {
      parser: { report: 'event4_microsoft_sinkhole' },
    });
    expect(byOption.result.summary.feed).toBe('shadowserver-event4_microsoft_sinkhole');
  });

  it('rejects every row, with the reason, when the report option does not fit the header', async () => {
    const { result } = await runBytes(`${HEADER}\n${ROW}\n`, 'x.csv', 'shadowserver', {
      parser: { report: 'compromised_website' },
    });
    expect(result.summary).toMatchObject({ read: 2, quarantined: 2 });
    expect(result.quarantine[0]?.reason).toMatch(
      /^header does not match report compromised_website: missing ip, port/,
    );
    expect(result.quarantine[1]?.reason).toBe(
      'no Shadowserver report type recognised (see the header on line 1)',
    );
  });

  it('names the closest report and the difference for an unknown header', async () => {
    const header = HEADER.replace('"event_id"', '"event_uuid"');
    const { result } = await runBytes(`${header}\n${ROW}\n`, 'x.csv', 'shadowserver');
    expect(result.summary).toMatchObject({ read: 2, new: 0, quarantined: 2 });
    expect(result.quarantine[0]?.reason).toContain(
      'closest is event4_sinkhole: missing event_id; unexpected event_uuid',
    );
    expect(result.quarantine[0]?.reason).toContain('set schema_file');
  });

  it('skips the header when reports are concatenated', async () => {
    const { result } = await runBytes(
      `${HEADER}\n${ROW}\n${HEADER}\n${ROW.replace('.10"', '.11"')}\n`,
      'x.csv',
      'shadowserver',
    );
    expect(result.summary).toMatchObject({ read: 2, new: 2, quarantined: 0 });
  });

  it('reads a row missing only its last column; rejects it when asked to, and always rejects shorter rows', async () => {
    const oneShort = ROW.replace(/,$/, '');
    const padded = await runBytes(`${HEADER}\n${oneShort}\n`, 'x.csv', 'shadowserver');
    expect(padded.result.summary).toMatchObject({ new: 1, quarantined: 0 });
    const strict = await runBytes(`${HEADER}\n${oneShort}\n`, 'x.csv', 'shadowserver', {
      parser: { short_rows: 'reject' },
    });
    expect(strict.result.quarantine[0]?.reason).toBe('expected 30 columns, found 29');
    const fourShort = ROW.replace(/,,,,$/, '');
    const damaged = await runBytes(`${HEADER}\n${fourShort}\n`, 'x.csv', 'shadowserver');
    expect(damaged.result.summary).toMatchObject({ new: 0, quarantined: 1 });
    expect(damaged.result.quarantine[0]?.reason).toBe('expected 30 columns, found 26');
  });
});

describe('shadowserver: options', () => {
  it('explains bad options, naming the option', () => {
    expect(shadowserver.parseOptions({ nope: 1 })).toEqual({ ok: false, error: 'unknown option "nope"' });
    expect(shadowserver.parseOptions({ short_rows: 'maybe' })).toMatchObject({ error: /^short_rows:/ });
    expect(shadowserver.parseOptions({ report: 'scan_ssh' })).toMatchObject({
      error: /^report: unknown report type "scan_ssh".*set schema_file/,
    });
    expect(shadowserver.parseOptions({ schema_file: '/nonexistent/schema.json' })).toMatchObject({
      error: /^schema_file: cannot read \/nonexistent\/schema.json/,
    });
    expect(shadowserver.parseOptions({})).toEqual({ ok: true, value: { shortRows: 'pad' } });
  });

  it('names a conversion the schema uses that Accord does not implement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-ss-'));
    const file = join(dir, 'schema.json');
    writeFileSync(
      file,
      JSON.stringify({
        scan_example: {
          file_name: 'scan_example',
          feed_name: 'Example',
          constant_fields: { 'classification.type': 'vulnerable-system' },
          required_fields: [
            ['time.source', 'timestamp', 'add_UTC_to_timestamp'],
            ['source.ip', 'ip', 'validate_ip'],
          ],
          optional_fields: [['extra.', 'thing', 'frobnicate']],
        },
      }),
    );
    const { result } = await runBytes(
      '"timestamp","ip","thing"\n"2026-10-30 00:00:00","192.0.2.1","x"\n',
      'scan_example.csv',
      'shadowserver',
      {
        parser: { schema_file: file },
      },
    );
    expect(result.summary).toMatchObject({ read: 2, quarantined: 2 });
    expect(result.quarantine[0]?.reason).toBe(
      'schema_file report "scan_example" uses conversion "frobnicate" (column "thing"), which Accord does not implement',
    );
  });
});

const SS_DIR = join(SHARED_DATA, 'shadowserver');
const SCHEMA = join(SS_DIR, 'report_schema_intelmq.json');

describe.skipIf(!hasSharedData)('shadowserver: the shared real samples (../shared/data/shadowserver)', () => {
  const files = hasSharedData ? readdirSync(SS_DIR).filter((f) => f.endsWith('.csv')) : [];
  const expected: Record<string, string> = {
    'compromised_website.csv': 'compromised_website',
    'event4_microsoft_sinkhole.csv': 'event4_microsoft_sinkhole',
    'event4_sinkhole.csv': 'event4_sinkhole',
    'event4_sinkhole_http.csv': 'event4_sinkhole_http',
    'legacy_botnet_drone.csv': 'botnet_drone',
    'legacy_microsoft_sinkhole.csv': 'microsoft_sinkhole',
  };
  it('has the six sample files', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });
  for (const f of files) {
    it(`${f}: every data line becomes an event`, async () => {
      const bytes = readFileSync(join(SS_DIR, f));
      const dataLines =
        bytes
          .toString('utf8')
          .split('\n')
          .filter((l) => l.trim() !== '').length - 1;
      const { result } = await runBytes(bytes, f, undefined);
      expect(result.summary.format).toBe('shadowserver');
      expect(result.summary.feed).toBe(`shadowserver-${expected[f]}`);
      expect(result.quarantine).toEqual([]);
      expect(result.summary.read).toBe(dataLines);
      expect(result.summary.new + result.summary.folded).toBe(dataLines);
      for (const e of result.events as Array<Record<string, unknown>>) {
        expect(e['source.ip']).toBeTypeOf('string');
        expect(e['classification.type']).toBe(
          f === 'compromised_website.csv' ? 'system-compromise' : 'infected-system',
        );
        if (e['malware.name'] !== undefined)
          expect(e['malware.name']).toBe(String(e['malware.name']).toLowerCase());
      }
    });
  }
});

describe.skipIf(!hasSharedData)("shadowserver: Shadowserver's published schema (schema_file)", () => {
  it('compiles every report type of the schema, with RSIT classifications', () => {
    const s = loadSchema(SCHEMA);
    if (!s.ok) throw new Error(s.error);
    expect(s.value.reports.size).toBeGreaterThanOrEqual(170);
    const failed = [...s.value.reports.entries()].filter(([, c]) => !c.ok);
    expect(failed).toEqual([]);
    for (const c of s.value.reports.values()) {
      if (!c.ok) continue;
      const type = c.report.constants['classification.type'];
      if (type !== undefined) expect(taxonomyOf(String(type)), `${c.report.key}: ${type}`).toBeDefined();
    }
  });

  it('reads the real event4 and compromised_website samples through the schema mapping', () => {
    const s = loadSchema(SCHEMA);
    if (!s.ok) throw new Error(s.error);
    const ctx = { time: defaultBounds(Date.UTC(2026, 10, 1)) };
    for (const [file, key] of [
      ['event4_sinkhole.csv', 'event_sinkhole'],
      ['event4_sinkhole_http.csv', 'event_sinkhole_http'],
      ['event4_microsoft_sinkhole.csv', 'event4_microsoft_sinkhole'],
      ['compromised_website.csv', 'compromised_website'],
    ] as const) {
      const c = s.value.reports.get(key);
      if (!c?.ok) throw new Error(`${key} missing`);
      const lines = readFileSync(join(SS_DIR, file), 'utf8').trim().split('\n');
      const header = (lines[0] as string).split(',').map((h) => h.replaceAll('"', ''));
      const plan = compilePlan(c.report.fileName, header, c.report.map, c.report.constants);
      const rows: string[][] = [];
      const t = new CsvTokenizer();
      t.expectColumns(header.length, 'pad');
      t.push(
        lines.slice(1).map((text, i) => ({ no: i + 2, text })),
        { onRecord: (f: string[]) => rows.push(f), onReject: (_l: number, r: string) => rows.push([r]) },
      );
      expect(rows.length).toBe(lines.length - 1);
      for (const row of rows) {
        const fields = applyPlan(plan, row);
        expect(fields, file).toBeTypeOf('object');
        const h = harmonise(fields as Record<string, unknown>, ctx, { 'feed.name': key });
        expect(h.ok ? 'ok' : h.rejection.reason, file).toBe('ok');
      }
    }
  });

  it('parses a report type only the schema knows (scan_ssh), found by file name', async () => {
    const input = [
      '"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","naics","sector","severity","device_vendor","serverid_software","hassh"',
      '"2026-10-30 08:00:00","192.0.2.77","tcp",22,"ssh.example.com","ssh;cve-2023-48795",64496,"NL","NOORD-HOLLAND","AMSTERDAM",0,"Communications","medium","OpenBSD","OpenSSH_8.9p1","ec7378c1a92f5a8dde7e8b7a1ddf33d1"',
      '"2026-10-30 08:00:01","192.0.2.78","tcp",2222,"","ssh",0,"**","","",,"",,,,',
    ].join('\n');
    const { result } = await runBytes(input, '2026-10-30-scan_ssh-example-geo.csv', 'shadowserver', {
      parser: { schema_file: SCHEMA },
    });
    expect(result.quarantine).toEqual([]);
    expect(result.summary).toMatchObject({ read: 2, new: 2, feed: 'shadowserver-scan_ssh' });
    expect(result.events[0]).toMatchObject({
      'feed.provider': 'Shadowserver',
      'feed.code': 'scan_ssh',
      'time.source': '2026-10-30T08:00:00+00:00',
      'classification.taxonomy': 'other',
      'classification.type': 'other',
      'classification.identifier': 'open-ssh',
      'source.ip': '192.0.2.77',
      'source.port': 22,
      'source.asn': 64496,
      'source.reverse_dns': 'ssh.example.com',
      extra: {
        tag: 'ssh;cve-2023-48795',
        'product.vulnerabilities': 'CVE-2023-48795',
        'product.vendor': 'OpenBSD',
        severity: 'medium',
        'source.sector': 'Communications',
        serverid_software: 'OpenSSH_8.9p1',
        hassh: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1',
      },
    });
    expect(result.events[1]).not.toHaveProperty('source.asn');
    expect(result.events[1]).toMatchObject({ extra: { geo: '**', tag: 'ssh' } });
  });
});

describe('shadowserver: the samples the project ships (samples/shadowserver)', () => {
  const dir = join(import.meta.dirname, '../../../../samples/shadowserver');
  const sidecars = readdirSync(dir).filter((f) => f.endsWith('.feed.json'));
  it('has samples', () => expect(sidecars.length).toBeGreaterThan(0));
  for (const sidecar of sidecars) {
    it(`${sidecar.replace(/\.feed\.json$/, '')} ingests as its sidecar says`, async () => {
      const file = sidecar.replace(/\.feed\.json$/, '');
      const cfg = JSON.parse(readFileSync(join(dir, sidecar), 'utf8'));
      const { result } = await runBytes(readFileSync(join(dir, file)), file, cfg.format, {
        parser: cfg.parser,
        feed: cfg.feed,
      });
      const s = result.summary;
      expect(s.read).toBe(s.new + s.folded + s.quarantined);
      expect(s.new).toBeGreaterThan(0);
      // Only the one row put there on purpose (a private source address) is quarantined.
      for (const q of result.quarantine) expect(q.reason).toMatch(/is not a public address/);
    });
  }
});

describe('shadowserver: properties', () => {
  it('random mutations of a report never throw and keep read = new + folded + quarantined', async () => {
    const base = readFileSync(join(import.meta.dirname, 'fixtures/event4_sinkhole.input.csv'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }),
        async (edits) => {
          const bytes = Buffer.from(base);
          for (const [at, b] of edits) bytes[at % bytes.length] = b;
          const { result } = await runBytes(bytes, 'event4_sinkhole.csv', 'shadowserver');
          const s = result.summary;
          expect(s.read).toBe(s.new + s.folded + s.quarantined);
        },
      ),
      { numRuns: 60 },
    );
  });
});
