/**
 * A disk cache of range tables built from CSV files. Parsing the bundled geo data (~700,000
 * ranges in four CSV files) and sorting it into tables takes a second or two of CPU at every
 * start of every command that enriches; reading the built typed arrays back takes milliseconds.
 *
 * - Key: the cache format, what the table holds (`kind`), and each source file's absolute path,
 *   size and modification time. Another file, or the same file changed, is another key; a stale
 *   entry is never read.
 * - Entry: the six typed arrays, the values (JSON), and the warnings loading the files gave, so
 *   a cached load warns exactly as a fresh one.
 * - Where: `$ACCORD_CACHE_DIR`, else `$XDG_CACHE_HOME/accord`, else `~/.cache/accord`;
 *   `ACCORD_CACHE_DIR=off` turns the cache off. Written to a temporary file and renamed, so a
 *   reader never sees half an entry; any problem reading or writing it (read-only home, a
 *   corrupt or truncated entry) falls back to loading the files, never to an error.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RangeTable } from './range-table.js';

/** Bump when the entry layout or the way tables are built changes. */
const FORMAT = 1;
const MAGIC = 0x41435254; // "ACRT"

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.ACCORD_CACHE_DIR;
  if (set === 'off' || set === '0') return undefined;
  if (set) return set;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'accord');
}

/** The cache key of a table of `kind` built from `files`, or undefined when a file cannot be stat'ed. */
export function cacheKey(kind: string, files: readonly string[]): string | undefined {
  const h = createHash('sha256').update(`accord-range-table:${FORMAT}:${kind}`);
  for (const f of files) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(f);
    } catch {
      return undefined;
    }
    h.update(`\u0000${resolve(f)}\u0000${st.size}\u0000${st.mtimeMs}`);
  }
  return h.digest('hex').slice(0, 32);
}

export interface CachedTable<V> {
  readonly table: RangeTable<V>;
  readonly warnings: readonly string[];
}

const ARRAYS = ['starts4', 'ends4', 'vals4', 'starts6', 'ends6', 'vals6'] as const;

/** The entry under `key`, or undefined (none, unreadable, or not a whole entry). */
export function readCachedTable<V>(dir: string, key: string): CachedTable<V> | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(join(dir, `${key}.bin`));
  } catch {
    return undefined;
  }
  try {
    if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) return undefined;
    const headerLength = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength)) as {
      lengths: number[];
      values: V[];
      warnings: string[];
    };
    let at = align4(12 + headerLength);
    // One copy into a fresh, aligned buffer: typed arrays need 4-byte alignment.
    const total = header.lengths.reduce((a, n) => a + n, 0);
    if (at + total * 4 !== buf.length) return undefined;
    const words = new Uint32Array(total);
    new Uint8Array(words.buffer).set(buf.subarray(at, at + total * 4));
    at = 0;
    const arrays = header.lengths.map((n) => {
      const a = words.subarray(at, at + n);
      at += n;
      return a;
    });
    if (arrays.length !== ARRAYS.length) return undefined;
    const [s4, e4, v4, s6, e6, v6] = arrays as [
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
      Uint32Array,
    ];
    if (s4.length !== e4.length || s4.length !== v4.length) return undefined;
    if (s6.length !== e6.length || s6.length !== v6.length * 4) return undefined;
    for (const v of v4) if (v >= header.values.length) return undefined;
    for (const v of v6) if (v >= header.values.length) return undefined;
    return { table: new RangeTable<V>(s4, e4, v4, s6, e6, v6, header.values), warnings: header.warnings };
  } catch {
    return undefined;
  }
}

/** Store a table under `key`; false (and nothing left behind) when it cannot be written. */
export function writeCachedTable<V>(
  dir: string,
  key: string,
  table: RangeTable<V>,
  warnings: readonly string[],
): boolean {
  const arrays = [table.starts4, table.ends4, table.vals4, table.starts6, table.ends6, table.vals6];
  const header = Buffer.from(
    JSON.stringify({ lengths: arrays.map((a) => a.length), values: table.values, warnings }),
    'utf8',
  );
  const fixed = Buffer.alloc(12);
  fixed.writeUInt32LE(MAGIC, 0);
  fixed.writeUInt32LE(FORMAT, 4);
  fixed.writeUInt32LE(header.length, 8);
  const pad = Buffer.alloc(align4(12 + header.length) - (12 + header.length));
  const parts = [fixed, header, pad, ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
  const file = join(dir, `${key}.bin`);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, Buffer.concat(parts));
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    return false;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
