/**
 * The network an address sits in, when the data gives ranges rather than prefixes: the largest
 * CIDR block that contains the address and lies wholly inside its range. For a range that is one
 * CIDR block this is that block; for a merged or unaligned range (ip-location-db joins adjacent
 * ranges with equal values) it is the biggest aligned piece around the address.
 */
import { formatIPv4 } from '../../../domain/ip.js';
import { formatIPv6BigInt } from './ip-words.js';

/** Prefix length of the largest CIDR block holding `ip` inside [start, end] (IPv4, unsigned numbers). */
export function coverLength4(ip: number, start: number, end: number): number {
  // No block is bigger than the range: start at the longest prefix whose size fits.
  const first = 32 - Math.floor(Math.log2(end - start + 1));
  for (let len = first; len < 32; len++) {
    const size = 2 ** (32 - len);
    const base = ip - (ip % size);
    if (base >= start && base + size - 1 <= end) return len;
  }
  return 32;
}

export function coverCidr4(ip: number, start: number, end: number): string {
  const len = coverLength4(ip, start, end);
  const size = 2 ** (32 - len);
  return `${formatIPv4(ip - (ip % size))}/${len}`;
}

/** As coverLength4, for IPv6 as 128-bit values. */
export function coverLength6(ip: bigint, start: bigint, end: bigint): number {
  const first = 129 - (end - start + 1n).toString(2).length;
  for (let len = Math.max(0, first); len < 128; len++) {
    const size = 1n << BigInt(128 - len);
    const base = ip - (ip % size);
    if (base >= start && base + size - 1n <= end) return len;
  }
  return 128;
}

export function coverCidr6(ip: bigint, start: bigint, end: bigint): string {
  const len = coverLength6(ip, start, end);
  const size = 1n << BigInt(128 - len);
  return `${formatIPv6BigInt(ip - (ip % size))}/${len}`;
}

/** Network text of `ip` masked to `len` bits (IPv4). */
export function maskCidr4(ip: number, len: number): string {
  const size = 2 ** (32 - len);
  return `${formatIPv4(ip - (ip % size))}/${len}`;
}

export function maskCidr6(ip: bigint, len: number): string {
  const size = 1n << BigInt(128 - len);
  return `${formatIPv6BigInt(ip - (ip % size))}/${len}`;
}
