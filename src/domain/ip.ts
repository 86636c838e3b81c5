/**
 * IP address parsing, canonical forms and address classes. Pure; no I/O.
 * IPv4 is handled by a hand-written parser because it is on the hot path of every ingest.
 */
import { isIPv6 } from 'node:net';

/** Parse dotted-quad IPv4 (no leading zeros beyond a single 0) into an unsigned 32-bit number, or -1. */
export function parseIPv4(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      if (dots > 3) return -1;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero ("01")
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Parse an IPv6 address into 8 16-bit groups, or undefined. Accepts embedded IPv4 and a zone-less form. */
export function parseIPv6(s: string): number[] | undefined {
  if (!isIPv6(s) || s.includes('%')) return undefined;
  let text = s.toLowerCase();
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIPv4(maybeV4);
    if (v4 < 0) return undefined;
    tail = [(v4 >>> 16) & 0xffff, v4 & 0xffff];
    text = text.slice(0, lastColon + 1) + (text[lastColon - 1] === ':' ? '' : '0');
    if (text.endsWith(':0')) text = text.slice(0, -2);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const want = 8 - tail.length;
  const halves = text.split('::');
  const parseGroups = (p: string) => (p === '' ? [] : p.split(':').map((g) => Number.parseInt(g, 16)));
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '');
    const rest = parseGroups(halves[1] ?? '');
    const fill = want - head.length - rest.length;
    if (fill < 0) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    groups = parseGroups(text);
  }
  groups = [...groups, ...tail];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff))
    return undefined;
  return groups;
}

/** RFC 5952 canonical text form of 8 groups. */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export type IpVersion = 4 | 6;
export interface ParsedIp {
  readonly version: IpVersion;
  readonly text: string;
  /** IPv4 as a number; IPv6 as 8 groups. */
  readonly v4?: number;
  readonly v6?: readonly number[];
}

export function parseIp(s: string): ParsedIp | undefined {
  const v4 = parseIPv4(s);
  if (v4 >= 0) return { version: 4, text: formatIPv4(v4), v4 };
  const v6 = parseIPv6(s);
  if (v6) {
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is reported as the IPv4 address it carries.
    if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) {
      const n = ((v6[6] ?? 0) * 65536 + (v6[7] ?? 0)) >>> 0;
      return { version: 4, text: formatIPv4(n), v4: n };
    }
    return { version: 6, text: formatIPv6(v6), v6 };
  }
  return undefined;
}

/**
 * Address classes that are never a host on the public Internet. Documentation ranges
 * (RFC 5737, RFC 3849) are deliberately *not* here: vendors' sample reports use them, and the
 * warninglist enricher flags them instead.
 */
const V4_NON_PUBLIC: ReadonlyArray<readonly [number, number, string]> = [
  [0x00000000, 8, 'this-network (0.0.0.0/8)'],
  [0x0a000000, 8, 'private (10.0.0.0/8)'],
  [0x64400000, 10, 'shared address space (100.64.0.0/10)'],
  [0x7f000000, 8, 'loopback (127.0.0.0/8)'],
  [0xa9fe0000, 16, 'link-local (169.254.0.0/16)'],
  [0xac100000, 12, 'private (172.16.0.0/12)'],
  [0xc0000000, 24, 'IETF protocol assignments (192.0.0.0/24)'],
  [0xc0a80000, 16, 'private (192.168.0.0/16)'],
  [0xc6120000, 15, 'benchmarking (198.18.0.0/15)'],
  [0xe0000000, 4, 'multicast (224.0.0.0/4)'],
  [0xf0000000, 4, 'reserved (240.0.0.0/4)'],
];

/** Why an address is not a public unicast address, or undefined when it is public. */
export function nonPublicReason(ip: ParsedIp): string | undefined {
  if (ip.version === 4) {
    const v = ip.v4 ?? 0;
    for (const [base, bits, name] of V4_NON_PUBLIC) {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      if ((v & mask) >>> 0 === base) return name;
    }
    return undefined;
  }
  const g = ip.v6 ?? [];
  const g0 = g[0] ?? 0;
  if (g.every((x) => x === 0)) return 'unspecified (::)';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback (::1)';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique local (fc00::/7)';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local, deprecated (fec0::/10)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast (ff00::/8)';
  if (g0 === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'discard-only (100::/64)';
  if (g0 === 0x2001 && g[1] === 2 && g[2] === 0) return 'benchmarking (2001:2::/48)';
  // The NAT64 well-known prefix carries a public IPv4 address; everything else outside 2000::/3 is
  // not global unicast (IPv4-compatible ::a.b.c.d is deprecated, the rest is unassigned).
  const nat64 = g0 === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!nat64 && (g0 & 0xe000) !== 0x2000) return 'not global unicast (outside 2000::/3)';
  return undefined;
}

/** Parse "a.b.c.d/n" or "v6/n"; returns the canonical network (host bits cleared) or an error text. */
export function parseCidr(s: string): { text: string; version: IpVersion } | string {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) return `"${addr}" is not an IP address`;
  // An IPv4-mapped network (::ffff:192.0.2.0/120) is the IPv4 network it carries (192.0.2.0/24).
  const mapped = ip.version === 4 && addr.includes(':');
  const max = ip.version === 4 ? 32 : 128;
  const lenText = slash < 0 ? String(mapped ? 128 : max) : s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return `prefix length "${lenText}" is not a number`;
  let len = Number(lenText);
  if (mapped) {
    if (len > 128) return `prefix length ${len} is over 128`;
    if (len < 96) return `prefix length ${len} is under 96 for an IPv4-mapped address`;
    len -= 96;
  }
  if (len > max) return `prefix length ${len} is over ${max}`;
  if (ip.version === 4) {
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return { text: `${formatIPv4(((ip.v4 ?? 0) & mask) >>> 0)}/${len}`, version: 4 };
  }
  const groups = (ip.v6 ?? []).map((g, i) => {
    const bitsHere = Math.max(0, Math.min(16, len - i * 16));
    const mask = bitsHere === 0 ? 0 : (0xffff << (16 - bitsHere)) & 0xffff;
    return g & mask;
  });
  return { text: `${formatIPv6(groups)}/${len}`, version: 6 };
}
