/**
 * Timestamp parsing into IntelMQ's form, "YYYY-MM-DDTHH:MM:SS+00:00" (UTC, seconds; fractions kept
 * to the millisecond when present). Pure: "now" is passed in by the caller.
 */

export interface TimeBounds {
  /** Epoch ms; later timestamps are rejected as far-future. */
  readonly notAfter: number;
  /** Epoch ms; earlier timestamps are rejected as implausible. */
  readonly notBefore: number;
}

/** Default bounds: 1990-01-01 to one day after `now`. */
export function defaultBounds(now: number): TimeBounds {
  return { notBefore: Date.UTC(1990, 0, 1), notAfter: now + 24 * 3600 * 1000 };
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parse a timestamp to epoch milliseconds, or return a reason it is not one. */
export function parseTimestampMs(input: string | number): number | string {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return `${input} is not a finite number`;
    return input > 1e11 ? Math.trunc(input) : Math.trunc(input * 1000);
  }
  const s = input.trim();
  if (/^\d{9,10}(\.\d+)?$/.test(s)) return Math.trunc(Number(s) * 1000);
  if (/^\d{12,13}$/.test(s)) return Number(s);
  const m = ISO_RE.exec(s);
  if (!m)
    return `"${truncate(s)}" is not a timestamp (expected ISO 8601, "YYYY-MM-DD HH:MM:SS" or epoch seconds)`;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12) return `month ${mo} out of range in "${truncate(s)}"`;
  if (day < 1 || day > daysInMonth(year, month)) return `day ${d} out of range in "${truncate(s)}"`;
  if (hour > 23 || minute > 59 || second > 60) return `time of day out of range in "${truncate(s)}"`;
  let ms = utc(year, month, day, hour, minute, Math.min(second, 59));
  if (frac) ms += Math.trunc(Number(`0.${frac}`) * 1000);
  if (zone && !/^(Z|UTC|GMT)$/i.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offMinutes = Number(digits.slice(2) || '0');
    const offMin = Number(digits.slice(0, 2)) * 60 + offMinutes;
    if (offMin > 14 * 60 || offMinutes > 59) return `time zone offset ${zone} out of range`;
    ms -= sign * offMin * 60_000;
  }
  return ms;
}

/**
 * Epoch ms of a UTC date and time. Not `Date.UTC`, which reads years 0-99 as 1900-1999 (so that
 * "0095-06-01" would pass as 1995).
 */
function utc(y: number, month: number, d: number, h = 0, mi = 0, s = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, month - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime();
}

function daysInMonth(y: number, m: number): number {
  return new Date(utc(y, m + 1, 0)).getUTCDate();
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Format epoch ms as IntelMQ's timestamp text. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2021-03-04T00:00:00.000Z
  const frac = iso.slice(19, 23);
  return `${iso.slice(0, 19)}${frac === '.000' ? '' : frac}+00:00`;
}

/** Parse, check bounds, and format; the result is the canonical text or a reason. */
export function normaliseTimestamp(input: string | number, bounds: TimeBounds): { text: string } | string {
  const ms = parseTimestampMs(input);
  if (typeof ms === 'string') return ms;
  // Outside JavaScript's Date range (±8.64e15 ms) or not a number at all: not a time.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `"${input}" is not a valid timestamp`;
  if (ms > bounds.notAfter) return `${formatTimestamp(ms)} is in the future`;
  if (ms < bounds.notBefore) return `${formatTimestamp(ms)} is before ${formatTimestamp(bounds.notBefore)}`;
  return { text: formatTimestamp(ms) };
}

/** The UTC day (YYYY-MM-DD) of a canonical timestamp text. */
export function dayOf(canonical: string): string {
  return canonical.slice(0, 10);
}
