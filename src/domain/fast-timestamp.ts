/**
 * A fast path for the timestamp shapes feeds send by the million ("YYYY-MM-DD HH:MM:SS", with "T",
 * "Z", " UTC" or "+00:00"): character checks and a cache of day starts, no regular expression and
 * no Date object per value. Anything else (and any day the cache has not seen) goes through
 * time.ts, which stays the one definition of what a valid timestamp is: a day enters the cache
 * only as time.ts reads it.
 */
import { parseTimestampMs } from './time.js';

const days = new Map<string, number>();
const MAX_DAYS = 4096;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100;
}

/** Epoch ms of a simple UTC timestamp, or -1 when it is not one (the caller then uses time.ts). */
export function fastTimestampMs(s: string): number {
  const n = s.length;
  if (n < 19) return -1;
  if (n !== 19) {
    const zone = s.slice(19);
    if (zone !== 'Z' && zone !== ' UTC' && zone !== '+00:00' && zone !== 'UTC') return -1;
  }
  const sep = s.charCodeAt(10);
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    (sep !== 32 && sep !== 84) ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return -1;
  const h = digit(s, 11) * 10 + digit(s, 12);
  const m = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return -1;
  const date = s.slice(0, 10);
  let day = days.get(date);
  if (day === undefined) {
    const r = parseTimestampMs(date);
    day = typeof r === 'number' && Number.isFinite(r) ? r : Number.NaN;
    if (days.size >= MAX_DAYS) days.clear();
    days.set(date, day);
  }
  if (Number.isNaN(day)) return -1;
  return day + h * 3_600_000 + m * 60_000 + sec * 1000;
}

/**
 * The canonical text ("YYYY-MM-DDTHH:MM:SS+00:00") of a simple timestamp within bounds, or
 * undefined when the slow path must decide (other shapes, out of bounds: its message is kept).
 */
export function fastCanonicalTimestamp(
  s: string,
  bounds: { readonly notBefore: number; readonly notAfter: number },
): string | undefined {
  const ms = fastTimestampMs(s);
  if (ms < 0 || ms > bounds.notAfter || ms < bounds.notBefore) return undefined;
  if (s.length === 25 && s.charCodeAt(10) === 84) return s; // already canonical
  return `${s.slice(0, 10)}T${s.slice(11, 19)}+00:00`;
}
