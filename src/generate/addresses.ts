/**
 * Public unicast IPv4 addresses by index: the k-th address outside every reserved range, and a
 * keyed permutation of those indexes, so distinct hosts get distinct, scattered addresses.
 * The excluded ranges are those the schema rejects (src/domain/ip.ts) plus the documentation
 * and 6to4-relay ranges, so that synthetic data never looks like a vendor's sample.
 */
import { mix32 } from './random.js';

const EXCLUDED: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // this network
  [0x0a000000, 8], // private
  [0x64400000, 10], // shared address space
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // TEST-NET-1 (documentation)
  [0xc0586300, 24], // 6to4 relay anycast
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // TEST-NET-2 (documentation)
  [0xcb007100, 24], // TEST-NET-3 (documentation)
  [0xe0000000, 3], // multicast 224/4 and reserved 240/4
];

/** Included ranges as parallel arrays: start address and cumulative index of their first address. */
const starts: number[] = [];
const offsets: number[] = [];
let publicCount = 0;
{
  const sorted = [...EXCLUDED].sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [base, bits] of sorted) {
    const end = base + 2 ** (32 - bits);
    if (base > at) {
      starts.push(at);
      offsets.push(publicCount);
      publicCount += base - at;
    }
    at = Math.max(at, end);
  }
  if (at < 2 ** 32) {
    starts.push(at);
    offsets.push(publicCount);
    publicCount += 2 ** 32 - at;
  }
}

/** How many public addresses there are. */
export const PUBLIC_V4_COUNT = publicCount;

/** The k-th public address (0 <= k < PUBLIC_V4_COUNT), as an unsigned 32-bit number. */
export function publicV4At(k: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((offsets[mid] as number) <= k) lo = mid;
    else hi = mid - 1;
  }
  return (starts[lo] as number) + (k - (offsets[lo] as number));
}

/**
 * A bijection on [0, PUBLIC_V4_COUNT): a 4-round Feistel network on 32 bits keyed by `key`,
 * cycle-walked into the range. Distinct inputs give distinct outputs.
 */
export function permutePublic(i: number, key: number): number {
  let x = i >>> 0;
  do {
    let l = x >>> 16;
    let r = x & 0xffff;
    for (let round = 0; round < 4; round++) {
      const f = mix32((r ^ Math.imul(key + round, 0x27d4eb2d)) >>> 0) & 0xffff;
      const t = r;
      r = l ^ f;
      l = t;
    }
    x = ((l << 16) | r) >>> 0;
  } while (x >= PUBLIC_V4_COUNT);
  return x;
}

export function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
