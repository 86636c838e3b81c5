/** Retry-After (RFC 9110, 10.2.3): delay-seconds or an HTTP-date. */

/** The wait the header asks for, in ms (0 for a date in the past); undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const h = header.trim();
  if (/^\d+$/.test(h)) return Number(h) * 1000;
  const t = Date.parse(h);
  if (!Number.isFinite(t)) return undefined;
  return Math.max(0, t - now);
}
