import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenSuite, runBytes } from '../test-support/golden.js';
import { mappedCsv } from './index.js';
import { compileTimeFormat } from './time-format.js';

goldenSuite(mappedCsv, join(import.meta.dirname, 'fixtures'));

const opts = (raw: Record<string, unknown>) => mappedCsv.parseOptions(raw);

describe('mapped-csv: options', () => {
  it('requires a mapping and names the option path in every error', () => {
    expect(opts({})).toMatchObject({ ok: false, error: /^mapping: required/ });
    expect(opts({ mapping: { ip: 'source.ipp' } })).toMatchObject({
      error: 'mapping.ip: unknown field "source.ipp" (see docs/fields.md, or use "extra.<name>")',
    });
    expect(opts({ mapping: { ip: { field: 'source.ip', time_format: '%Y' } } })).toMatchObject({
      error: 'mapping.ip.time_format: source.ip is not a timestamp field (nor extra.*)',
    });
    expect(opts({ mapping: { when: { field: 'time.source', time_format: '%Y-%q' } } })).toMatchObject({
      error: /^mapping\.when\.time_format: unsupported directive "%q"/,
    });
    expect(opts({ mapping: { ip: { column: 2 } } })).toMatchObject({
      error: 'mapping.ip: unknown key "column"',
    });
    expect(opts({ mapping: { '0': 'source.ip' } })).toMatchObject({
      error: 'mapping.0: column indexes start at 1',
    });
    expect(opts({ header: false, mapping: { ip: 'source.ip' } })).toMatchObject({
      error: 'mapping.ip: naming a column needs header: true; use its 1-based index',
    });
    expect(opts({ mapping: { ip: 'source.ip' }, delimiter: ';;' })).toMatchObject({
      error: 'delimiter: expected exactly one character',
    });
    expect(opts({ mapping: { ip: 'source.ip' }, quote: ',' })).toMatchObject({
      error: 'quote: must differ from delimiter',
    });
    expect(
      opts({ mapping: { ip: 'source.ip' }, constants: { 'classification.type': 'botnet' } }),
    ).toMatchObject({
      error: /^constants\.classification\.type: "botnet" is not one of/,
    });
    expect(opts({ mapping: { ip: 'source.ip' }, unmapped: 'keep' })).toMatchObject({
      error: 'unmapped: expected "extra" or "drop"',
    });
    expect(opts({ mapping: { ip: 'source.ip' }, skip_lines: -1 })).toMatchObject({ error: /^skip_lines:/ });
    expect(opts({ mapping: { ip: 'source.ip' }, extra: 1 })).toMatchObject({
      error: 'unknown option "extra"',
    });
    expect(opts({ mapping: { ip: 'source.ip' } })).toMatchObject({ ok: true });
  });

  it('never claims an input by sniffing (it needs a mapping)', () => {
    expect(mappedCsv.sniff({ lines: ['ip,port', '198.51.100.1,80'] })).toBe(0);
  });

  it('keeps a per-column time format beside the default one', async () => {
    const input = 'seen,last,ip\n2026-10-30 10:00:00,1793188800000,198.51.100.1\n';
    const { result } = await runBytes(input, 'x.csv', 'mapped-csv', {
      parser: {
        mapping: {
          seen: 'time.source',
          last: { field: 'extra.last', time_format: 'epoch_ms' },
          ip: 'source.ip',
        },
        time_format: '%Y-%m-%d %H:%M:%S',
      },
    });
    expect(result.quarantine).toEqual([]);
    expect(result.events[0]).toMatchObject({
      'time.source': '2026-10-30T10:00:00+00:00',
      extra: { last: '2026-10-28T12:00:00+00:00' },
    });
  });
});

describe('mapped-csv: time formats', () => {
  const read = (f: string, t: string) => {
    const r = compileTimeFormat(f);
    if (typeof r === 'string') return r;
    const v = r(t);
    return v.ok ? v.value : v.error;
  };
  it('reads strftime patterns, epochs and ISO, as UTC unless a zone is given', () => {
    expect(read('%Y-%m-%d %H:%M:%S', '2026-10-30 12:34:56')).toBe('2026-10-30T12:34:56+00:00');
    expect(read('%d/%m/%Y %H:%M', '30/10/2026 14:00')).toBe('2026-10-30T14:00:00+00:00');
    expect(read('%d %b %Y %I:%M %p', '30 Oct 2026 02:05 PM')).toBe('2026-10-30T14:05:00+00:00');
    expect(read('%Y-%m-%dT%H:%M:%S.%f%z', '2026-10-30T12:00:00.250+02:00')).toBe(
      '2026-10-30T10:00:00.250+00:00',
    );
    expect(read('epoch', '1793188800')).toBe('2026-10-28T12:00:00+00:00');
    expect(read('epoch_ms', '1793188800500')).toBe('2026-10-28T12:00:00.500+00:00');
    expect(read('iso', ' 2026-10-30T12:00:00Z ')).toBe('2026-10-30T12:00:00Z');
  });
  it('explains what does not fit', () => {
    expect(read('%Y-%m-%d', '30/10/2026')).toBe('"30/10/2026" does not match time format "%Y-%m-%d"');
    expect(read('%Y-%m-%d', '2026-02-30')).toBe('day 30 does not exist in month 2 of 2026');
    expect(read('%Y-%m-%d', '2026-13-01')).toBe('"2026-13-01" is out of range for time format "%Y-%m-%d"');
    expect(read('epoch', 'soon')).toBe('"soon" is not a number (epoch)');
    expect(read('%H:%M', '10:00')).toBe('a time format needs a year (%Y or %y)');
  });
});

describe('mapped-csv: the samples the project ships (samples/mapped-csv)', () => {
  const dir = join(import.meta.dirname, '../../../../samples/mapped-csv');
  const sidecars = readdirSync(dir).filter((f) => f.endsWith('.feed.json'));
  it('has samples', () => expect(sidecars.length).toBeGreaterThan(0));
  for (const sidecar of sidecars) {
    it(`${sidecar.replace(/\.feed\.json$/, '')} ingests as its sidecar says, losing nothing`, async () => {
      const file = sidecar.replace(/\.feed\.json$/, '');
      const cfg = JSON.parse(readFileSync(join(dir, sidecar), 'utf8'));
      const { result } = await runBytes(readFileSync(join(dir, file)), file, cfg.format, {
        parser: cfg.parser,
        feed: cfg.feed,
      });
      expect(result.quarantine).toEqual([]);
      expect(result.summary.new).toBeGreaterThan(0);
    });
  }
});

describe('mapped-csv: bad input', () => {
  it('rejects everything, with the reason, when the header row cannot be read', async () => {
    const { result } = await runBytes('"ip"x,port\n198.51.100.1,80\n', 'x.csv', 'mapped-csv', {
      parser: { mapping: { ip: 'source.ip' } },
    });
    expect(result.summary).toMatchObject({ read: 2, quarantined: 2 });
    expect(result.quarantine[0]?.reason).toMatch(/^header row: unbalanced quote in column 1/);
    expect(result.quarantine[1]?.reason).toBe('the mapping does not fit the input (see line 1)');
  });

  it('rejects a column index beyond the input', async () => {
    const { result } = await runBytes('198.51.100.1,80\n', 'x.csv', 'mapped-csv', {
      parser: { header: false, mapping: { '3': 'source.ip' } },
    });
    expect(result.quarantine[0]?.reason).toBe('mapping.3: the input has only 2 columns');
  });
});
