/**
 * Durations and sizes as operators write them in accord.yaml: `30m`, `1h30m`, `500ms`, `2d`;
 * `10MB`, `512KiB`, `1GiB`, or a plain number of bytes.
 */
import { err, ok, type Result } from '../domain/result.js';

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `1h30m`, `45s`, `500ms`, `2d` (units ms, s, m, h, d; parts may be combined, largest first). */
export function parseDuration(text: string): Result<number> {
  const t = text.trim().toLowerCase();
  const bad = err(`"${text}" is not a duration (expected e.g. 30m, 1h, 1d)`);
  if (t === '') return bad;
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/y;
  let total = 0;
  let at = 0;
  let last = Number.POSITIVE_INFINITY;
  while (at < t.length) {
    re.lastIndex = at;
    const m = re.exec(t);
    if (!m) return bad;
    const unit = DURATION_UNITS[m[2] as string] as number;
    if (unit >= last) return bad; // "30m1h", "1h1h": not how durations are written
    last = unit;
    total += Number(m[1]) * unit;
    at = re.lastIndex;
    while (t[at] === ' ') at++;
  }
  if (!Number.isFinite(total) || total <= 0) return err(`"${text}" is not a duration above zero`);
  return ok(Math.round(total));
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** A byte count: an integer, or `10MB`, `512KiB`, `1GiB` (KB/MB/GB are powers of 1000). */
export function parseSize(v: unknown): Result<number> {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v > 0) return ok(v);
    return err(`${v} is not a size (expected a whole number of bytes > 0, or e.g. 50MB, 1GiB)`);
  }
  if (typeof v !== 'string') return err('expected a size (a number of bytes, or e.g. 50MB, 1GiB)');
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = SIZE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) return err(`"${v}" is not a size (expected e.g. 50MB, 512KiB, 1GiB)`);
  const n = Math.floor(Number(m[1]) * unit);
  return n > 0 ? ok(n) : err(`"${v}" is not a size above zero`);
}

/** A timeout: a number of seconds, or a duration string. */
export function parseSeconds(v: unknown): Result<number> {
  if (typeof v === 'number')
    return Number.isFinite(v) && v > 0
      ? ok(Math.round(v * 1000))
      : err(`${v} is not a number of seconds above zero`);
  if (typeof v === 'string') return parseDuration(v);
  return err('expected a duration (e.g. 30s, 2m) or a number of seconds');
}
