/**
 * Reads range CSV files (`start,end,value...`, one range per line, inclusive) straight from bytes
 * into a RangeTableBuilder. This is the layout of the ip-location-db data and of most exports:
 * start and end may be dotted IPv4, IPv6 text, or decimal numbers (IPv4 as 0..4294967295; a
 * number above that makes the row IPv6, as in the `-ipv6-num.csv` files). Value columns follow
 * RFC 4180 quoting. A header line, blank lines and `#` comments are skipped. A bad row becomes a
 * warning naming file and line; loading goes on.
 */
import { parseIPv4 } from '../../../domain/ip.js';
import { bigIntToWords, compareWords, MAX_V6, parseIPv6Words } from './ip-words.js';
import type { RangeTableBuilder } from './range-table.js';

export interface RangeCsvStats {
  readonly rows: number;
  readonly v4: number;
  readonly v6: number;
  readonly bad: number;
}

/** Why a row's value columns are unusable. */
export class RowError {
  constructor(readonly reason: string) {}
}

/** Turn a row's value columns into the value, or a RowError. */
export type RowValue<V> = (fields: readonly string[]) => V | RowError;

/** Warnings kept per file; more bad rows are counted in one closing warning. */
const MAX_ROW_WARNINGS = 20;

enum Kind {
  Bad = 0,
  V4 = 4,
  V6 = 6,
}

export function loadRangeCsv<V>(
  buf: Buffer,
  file: string,
  toValue: RowValue<V>,
  builder: RangeTableBuilder<V>,
  warn: (message: string) => void,
): RangeCsvStats {
  builder.beginSource(file);
  const len = buf.length;
  const startWords = new Uint32Array(4);
  const endWords = new Uint32Array(4);
  const cache = new Map<number, { pos: number; len: number; value: V | RowError }[]>();
  let rows = 0;
  let v4 = 0;
  let v6 = 0;
  let bad = 0;
  let line = 0;
  let seenData = false;
  let pos = 0;
  const reject = (why: string) => {
    bad++;
    if (bad <= MAX_ROW_WARNINGS) warn(`${file}:${line}: ${why}; row skipped`);
  };

  // Parses buf[a..b) as an address; IPv4 goes to num, IPv6 to words. Returns the kind.
  let num = 0;
  const parseAddress = (a: number, b: number, words: Uint32Array): Kind => {
    if (a >= b) return Kind.Bad;
    let digits = true;
    let colon = false;
    let value = 0;
    for (let i = a; i < b; i++) {
      const c = buf[i]!;
      if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
      } else {
        digits = false;
        if (c === 58) colon = true;
      }
    }
    if (digits) {
      if (b - a <= 10 && value <= 0xffffffff) {
        num = value;
        return Kind.V4;
      }
      if (b - a > 39) return Kind.Bad;
      const big = BigInt(buf.toString('latin1', a, b));
      if (big > MAX_V6) return Kind.Bad;
      bigIntToWords(big, words);
      return Kind.V6;
    }
    const text = buf.toString('latin1', a, b).trim();
    if (colon) return parseIPv6Words(text, words) ? Kind.V6 : Kind.Bad;
    const n = parseIPv4(text);
    if (n < 0) return Kind.Bad;
    num = n;
    return Kind.V4;
  };

  while (pos < len) {
    let eol = buf.indexOf(10, pos);
    if (eol < 0) eol = len;
    line++;
    let end = eol;
    if (end > pos && buf[end - 1] === 13) end--;
    const lineStart = pos;
    pos = eol + 1;
    if (end === lineStart || buf[lineStart] === 35) continue;

    let c1 = lineStart;
    while (c1 < end && buf[c1] !== 44) c1++;
    if (c1 >= end) {
      if (seenData) reject('expected start,end,value');
      seenData = true;
      continue;
    }
    let c2 = c1 + 1;
    while (c2 < end && buf[c2] !== 44) c2++;
    const k1 = parseAddress(lineStart, c1, startWords);
    const n1 = num;
    const k2 = k1 === Kind.Bad ? Kind.Bad : parseAddress(c1 + 1, c2, endWords);
    const n2 = num;
    if (k1 === Kind.Bad || k2 === Kind.Bad) {
      // The first line may be a header ("start,end,country").
      if (!seenData && line === 1) {
        seenData = true;
        continue;
      }
      seenData = true;
      const which = k1 === Kind.Bad ? 'start' : 'end';
      const a = which === 'start' ? lineStart : c1 + 1;
      const b = which === 'start' ? c1 : c2;
      reject(`${which} "${buf.toString('utf8', a, Math.min(b, a + 60))}" is not an IP address`);
      continue;
    }
    seenData = true;
    if (k1 !== k2) {
      reject('start and end are of different address families');
      continue;
    }
    // Value columns: rows with the same value bytes share one value (most rows repeat a country or
    // an AS), so the columns are split and decoded only the first time.
    // Keyed by a hash of the bytes, checked byte by byte: no string is made for a repeated value.
    const vFrom = c2 < end ? c2 + 1 : end;
    const vLen = end - vFrom;
    let h = 0x811c9dc5;
    for (let i = vFrom; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    let value: V | RowError | undefined;
    let bucket = cache.get(h);
    if (bucket) {
      for (const entry of bucket) {
        if (entry.len !== vLen) continue;
        let same = true;
        for (let i = 0; i < vLen; i++) {
          if (buf[entry.pos + i] !== buf[vFrom + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          value = entry.value;
          break;
        }
      }
    }
    if (value === undefined) {
      value = toValue(splitFields(buf, vFrom, end, c2 < end));
      if (!bucket) cache.set(h, (bucket = []));
      bucket.push({ pos: vFrom, len: vLen, value });
    }
    if (value instanceof RowError) {
      reject(value.reason);
      continue;
    }
    if (k1 === Kind.V4) {
      if (n1 > n2) {
        reject('start is after end');
        continue;
      }
      builder.add4(n1, n2, value, line);
      v4++;
    } else {
      if (compareWords(startWords, 0, endWords, 0) > 0) {
        reject('start is after end');
        continue;
      }
      builder.add6(startWords, 0, endWords, 0, value, line);
      v6++;
    }
    rows++;
  }
  if (bad > MAX_ROW_WARNINGS) warn(`${file}: ${bad - MAX_ROW_WARNINGS} more bad rows skipped`);
  return { rows, v4, v6, bad };
}

/** Split buf[from..end) into RFC 4180 fields ("" inside quotes is one quote), decoded as UTF-8. */
function splitFields(buf: Buffer, from: number, end: number, any: boolean): string[] {
  const fields: string[] = [];
  if (!any) return fields;
  let p = from;
  while (p <= end) {
    if (buf[p] === 34) {
      let q = p + 1;
      let text = '';
      let chunk = q;
      for (;;) {
        let close = q;
        while (close < end && buf[close] !== 34) close++;
        if (close >= end) {
          text += buf.toString('utf8', chunk, end);
          q = end;
          break;
        }
        if (buf[close + 1] === 34) {
          text += buf.toString('utf8', chunk, close + 1);
          q = close + 2;
          chunk = q;
          continue;
        }
        text += buf.toString('utf8', chunk, close);
        q = close + 1;
        break;
      }
      fields.push(text);
      p = q + 1; // past the comma after the closing quote
    } else {
      let comma = p;
      while (comma < end && buf[comma] !== 44) comma++;
      fields.push(buf.toString('utf8', p, comma));
      p = comma + 1;
    }
  }
  return fields;
}
