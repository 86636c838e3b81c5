/**
 * A small writer of MaxMind DB (.mmdb) files, after the MaxMind DB File Format Specification 2.0,
 * so tests can read real .mmdb files through mmdb-lib without shipping commercial databases.
 * Supports 24-bit records, IPv4 and IPv6 trees, and the data types the geo layouts use (maps,
 * strings, unsigned integers, arrays, booleans). Networks must not nest.
 */
import { parseCidr, parseIp } from '../../../../domain/ip.js';

export type MmdbValue =
  | string
  | number
  | boolean
  | readonly MmdbValue[]
  | { readonly [k: string]: MmdbValue };

export interface MmdbSpec {
  readonly databaseType: string;
  readonly ipVersion: 4 | 6;
  readonly entries: readonly { readonly cidr: string; readonly data: MmdbValue }[];
}

function control(type: number, size: number): number[] {
  const extended = type > 7;
  const bits = extended ? 0 : type << 5;
  let head: number[];
  if (size < 29) head = [bits | size];
  else if (size < 285) head = [bits | 29, size - 29];
  else if (size < 65821) head = [bits | 30, (size - 285) >> 8, (size - 285) & 255];
  else throw new Error('value too large for this writer');
  // The extended type byte follows the control byte, before any size bytes.
  return extended ? [head[0]!, type - 7, ...head.slice(1)] : head;
}

function encode(v: MmdbValue): number[] {
  if (typeof v === 'string') {
    const bytes = [...Buffer.from(v, 'utf8')];
    return [...control(2, bytes.length), ...bytes];
  }
  if (typeof v === 'boolean') return control(14, v ? 1 : 0);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`unsupported number ${v}`);
    const bytes: number[] = [];
    for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
    return [...control(v < 65536 ? 5 : 6, bytes.length), ...bytes];
  }
  if (Array.isArray(v)) return [...control(11, v.length), ...v.flatMap(encode)];
  const entries = Object.entries(v as Record<string, MmdbValue>);
  return [...control(7, entries.length), ...entries.flatMap(([k, x]) => [...encode(k), ...encode(x)])];
}

/** The bits of a network's address, most significant first, and its prefix length in the tree. */
function networkBits(cidr: string, ipVersion: 4 | 6): { bits: number[]; len: number } {
  const c = parseCidr(cidr);
  if (typeof c === 'string') throw new Error(`${cidr}: ${c}`);
  const [addr, lenText] = c.text.split('/');
  const ip = parseIp(addr!)!;
  const len = Number(lenText);
  const bits: number[] = [];
  if (ip.version === 4) {
    if (ipVersion === 6) for (let i = 0; i < 96; i++) bits.push(0);
    for (let i = 31; i >= 0; i--) bits.push(Math.floor(ip.v4! / 2 ** i) % 2);
    return { bits, len: ipVersion === 6 ? len + 96 : len };
  }
  if (ipVersion === 4) throw new Error(`${cidr}: IPv6 network in an IPv4 database`);
  for (const g of ip.v6!) for (let i = 15; i >= 0; i--) bits.push((g >> i) & 1);
  return { bits, len };
}

type Child = { node: number } | { data: number } | undefined;

export function writeMmdb(spec: MmdbSpec): Buffer {
  const nodes: [Child, Child][] = [[undefined, undefined]];
  const data: number[] = [];
  for (const { cidr, data: value } of spec.entries) {
    const offset = data.length;
    data.push(...encode(value));
    const { bits, len } = networkBits(cidr, spec.ipVersion);
    let n = 0;
    for (let d = 0; d < len; d++) {
      const bit = bits[d]! as 0 | 1;
      const node = nodes[n]!;
      if (d === len - 1) {
        node[bit] = { data: offset };
        break;
      }
      const child = node[bit];
      if (child && 'node' in child) {
        n = child.node;
      } else {
        if (child) throw new Error(`${cidr} nests inside another network`);
        nodes.push([undefined, undefined]);
        node[bit] = { node: nodes.length - 1 };
        n = nodes.length - 1;
      }
    }
  }
  const nodeCount = nodes.length;
  const tree: number[] = [];
  const record = (c: Child) => (c === undefined ? nodeCount : 'node' in c ? c.node : nodeCount + 16 + c.data);
  for (const [l, r] of nodes) {
    for (const v of [record(l), record(r)]) tree.push((v >> 16) & 255, (v >> 8) & 255, v & 255);
  }
  const metadata = encode({
    node_count: nodeCount,
    record_size: 24,
    ip_version: spec.ipVersion,
    database_type: spec.databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    description: { en: `${spec.databaseType} test database` },
  });
  const marker = [0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'latin1')];
  return Buffer.from([...tree, ...new Array<number>(16).fill(0), ...data, ...marker, ...metadata]);
}
