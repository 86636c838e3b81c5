import { describe, expect, it } from 'vitest';
import { columnsOf, flatten, humanize } from './data-table';

describe('data table helpers', () => {
  it('flattens one level of nested objects and keeps arrays', () => {
    expect(flatten({ a: 1, src: { cc: 'CN', asn: 4134 }, tags: ['x', 'y'], none: null })).toEqual({
      a: 1,
      'src.cc': 'CN',
      'src.asn': 4134,
      tags: ['x', 'y'],
      none: null,
    });
  });

  it('lists columns in first-seen order, leaving out those always empty, up to a maximum', () => {
    const rows = [
      { a: 1, b: null, c: '' },
      { a: 2, d: 'x', b: 3 },
    ];
    expect(columnsOf(rows)).toEqual(['a', 'd', 'b']);
    expect(columnsOf(rows, 2)).toEqual(['a', 'd']);
  });

  it('turns keys into headings', () => {
    expect(humanize('firstDay')).toBe('first day');
    expect(humanize('src.asn')).toBe('src ASN');
    expect(humanize('destinationIp')).toBe('destination IP');
    expect(humanize('observations')).toBe('observations');
  });
});
