/**
 * IPv6 addresses as four unsigned 32-bit words (most significant first), the key the range tables
 * search on. A hand-written parser because data files carry hundreds of thousands of addresses and
 * the loader must stay well under a second; node:net and the domain parser allocate per group.
 */
import { formatIPv6, parseIPv4 } from '../../../domain/ip.js';

const groups = new Array<number>(8).fill(0);

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parse IPv6 text (no zone, embedded IPv4 allowed) into `out[at..at+3]`.
 * Returns false, leaving `out` in an unspecified state, when `s` is not an IPv6 address.
 */
export function parseIPv6Words(s: string, out: Uint32Array | number[], at = 0): boolean {
  const n = s.length;
  if (n < 2 || n > 45) return false;
  let i = 0;
  let count = 0;
  let gap = -1;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    const groupStart = i;
    let value = 0;
    let digits = 0;
    while (i < n && digits <= 4) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      digits++;
      i++;
    }
    if (i < n && s.charCodeAt(i) === 46) {
      // Embedded IPv4 in the last 32 bits.
      if (count > 6) return false;
      const v4 = parseIPv4(s.slice(groupStart));
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = n;
      break;
    }
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < n && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === n) {
      return false;
    }
  }
  if (gap >= 0) {
    if (count > 7) return false;
    const move = count - gap;
    const shift = 8 - count;
    for (let k = move - 1; k >= 0; k--) groups[gap + shift + k] = groups[gap + k] ?? 0;
    for (let k = 0; k < shift; k++) groups[gap + k] = 0;
  } else if (count !== 8) {
    return false;
  }
  for (let w = 0; w < 4; w++) out[at + w] = ((groups[2 * w] ?? 0) * 65536 + (groups[2 * w + 1] ?? 0)) >>> 0;
  return true;
}

/** Compare the 128-bit keys a[ai..ai+3] and b[bi..bi+3]: negative, 0 or positive. */
export function compareWords(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[ai + k] ?? 0;
    const y = b[bi + k] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function wordsToBigInt(w: ArrayLike<number>, at = 0): bigint {
  return (
    (BigInt(w[at] ?? 0) << 96n) |
    (BigInt(w[at + 1] ?? 0) << 64n) |
    (BigInt(w[at + 2] ?? 0) << 32n) |
    BigInt(w[at + 3] ?? 0)
  );
}

export function bigIntToWords(v: bigint, out: Uint32Array | number[], at = 0): void {
  for (let k = 3; k >= 0; k--) {
    out[at + k] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
}

export const MAX_V6 = (1n << 128n) - 1n;

/** RFC 5952 text of a 128-bit value. */
export function formatIPv6BigInt(v: bigint): string {
  const g: number[] = [];
  for (let k = 7; k >= 0; k--) g.push(Number((v >> BigInt(k * 16)) & 0xffffn));
  return formatIPv6(g);
}
