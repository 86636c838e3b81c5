import { describe, expect, it } from 'vitest';
import { parseIPv4 } from '../../../domain/ip.js';
import { parseIPv6Words } from './ip-words.js';
import { loadRangeCsv, RowError } from './range-csv.js';
import { RangeTableBuilder } from './range-table.js';

function load(text: string, toValue: (f: readonly string[]) => string | RowError = (f) => f.join('|')) {
  const b = new RangeTableBuilder<string | RowError>();
  const warnings: string[] = [];
  const stats = loadRangeCsv(Buffer.from(text), 'data.csv', toValue, b, (m) => warnings.push(m));
  return { table: b.build(), stats, warnings };
}

const v6 = (s: string) => {
  const w = new Uint32Array(4);
  if (!parseIPv6Words(s, w)) throw new Error(s);
  return w;
};

describe('loadRangeCsv', () => {
  it('reads dotted, numeric and IPv6 rows, quoted values, a header, comments and CRLF', () => {
    const { table, stats, warnings } = load(
      [
        'ip_range_start,ip_range_end,asn,name',
        '# a comment',
        '192.0.2.0,192.0.2.255,64496,"Example, Inc."',
        '3325256704,3325256959,64500,"Say ""hi"""',
        '',
        '2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64502,Six\r',
        '42540766411283801782723599580828532736,42540766411285010708543214210003238911,64503,Num6',
        '203.0.113.0,203.0.113.9,64501,Réseau',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(stats).toEqual({ rows: 5, v4: 3, v6: 2, bad: 0 });
    expect(table.get4(parseIPv4('192.0.2.0'))).toBe('64496|Example, Inc.');
    expect(table.get4(parseIPv4('192.0.2.255'))).toBe('64496|Example, Inc.');
    expect(table.get4(parseIPv4('198.51.100.77'))).toBe('64500|Say "hi"');
    expect(table.get4(parseIPv4('203.0.113.9'))).toBe('64501|Réseau');
    expect(table.get4(parseIPv4('203.0.113.10'))).toBeUndefined();
    expect(table.get6(v6('2001:db8::'))).toBe('64502|Six');
    expect(table.get6(v6('2001:db8:0:ffff:ffff:ffff:ffff:ffff'))).toBe('64502|Six');
    expect(table.get6(v6('2001:db8:1::'))).toBe('64503|Num6');
    expect(table.get6(v6('2001:db8:1:ffff:ffff:ffff:ffff:ffff'))).toBe('64503|Num6');
    expect(table.get6(v6('2001:db8:2::'))).toBeUndefined();
  });

  it('reports bad rows with file and line, and goes on', () => {
    const { table, stats, warnings } = load(
      [
        '192.0.2.0,192.0.2.255,NL',
        '192.0.2.300,192.0.3.0,XX',
        '198.51.100.9,198.51.100.1,DE',
        '198.51.100.0,2001:db8::,DE',
        'only-one-column',
        '203.0.113.0,203.0.113.255,bad!',
        '203.0.114.0,203.0.114.255,FR',
      ].join('\n'),
      (f) =>
        /^[A-Z]{2}$/.test(f[0] ?? '') ? f[0]! : new RowError(`country "${f[0]}" is not a two-letter code`),
    );
    expect(warnings).toEqual([
      'data.csv:2: start "192.0.2.300" is not an IP address; row skipped',
      'data.csv:3: start is after end; row skipped',
      'data.csv:4: start and end are of different address families; row skipped',
      'data.csv:5: expected start,end,value; row skipped',
      'data.csv:6: country "bad!" is not a two-letter code; row skipped',
    ]);
    expect(stats.rows).toBe(2);
    expect(stats.bad).toBe(5);
    expect(table.get4(parseIPv4('203.0.114.1'))).toBe('FR');
  });

  it('caps per-row warnings and counts the rest', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `x${i},y,NL`);
    const { warnings, stats } = load(['a,b,c', ...rows].join('\n'));
    expect(stats.bad).toBe(30);
    expect(warnings).toHaveLength(21);
    expect(warnings[20]).toBe('data.csv: 10 more bad rows skipped');
  });
});
