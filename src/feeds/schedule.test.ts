import { describe, expect, it } from 'vitest';
import { hostAllowed, parseHostPattern } from './allowed-hosts.js';
import { backoffDelay, MAX_BACKOFF_MS } from './backoff.js';
import { nextRun, parseSchedule, type Schedule } from './schedule.js';
import { followingRun } from './scheduler.js';

const s = (t: string): Schedule => {
  const r = parseSchedule(t);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const at = (iso: string) => Date.parse(iso);
const next = (t: string, from: string) => {
  const n = nextRun(s(t), at(from));
  return n === undefined ? undefined : new Date(n).toISOString();
};

describe('schedules', () => {
  it('reads intervals with or without "every"', () => {
    expect(s('every 1h')).toMatchObject({ kind: 'every', ms: 3_600_000 });
    expect(s('30m')).toMatchObject({ kind: 'every', ms: 1_800_000 });
    expect(s('every 1h30m')).toMatchObject({ kind: 'every', ms: 5_400_000 });
    expect(s('1d')).toMatchObject({ kind: 'every', ms: 86_400_000 });
    expect(s('250ms')).toMatchObject({ kind: 'every', ms: 250 });
    expect(next('every 1h', '2026-11-01T10:20:00Z')).toBe('2026-11-01T11:20:00.000Z');
  });

  it('runs cron schedules at the next matching minute, in UTC', () => {
    expect(next('0 */6 * * *', '2026-11-01T10:20:00Z')).toBe('2026-11-01T12:00:00.000Z');
    expect(next('0 */6 * * *', '2026-11-01T12:00:00Z')).toBe('2026-11-01T18:00:00.000Z');
    expect(next('*/15 * * * *', '2026-11-01T10:20:30Z')).toBe('2026-11-01T10:30:00.000Z');
    expect(next('@daily', '2026-11-01T10:20:00Z')).toBe('2026-11-02T00:00:00.000Z');
    expect(next('@hourly', '2026-12-31T23:59:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('30 2 * * 1-5', '2026-11-07T00:00:00Z')).toBe('2026-11-09T02:30:00.000Z'); // Sat -> Mon
    expect(next('0 0 1 * *', '2026-11-15T00:00:00Z')).toBe('2026-12-01T00:00:00.000Z');
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 12 * * 7', '2026-11-01T13:00:00Z')).toBe('2026-11-08T12:00:00.000Z'); // 7 = Sunday
    // Both day fields restricted: either matches (cron's rule). 2026-11-02 is a Monday.
    expect(next('0 0 15 * 1', '2026-11-01T00:00:00Z')).toBe('2026-11-02T00:00:00.000Z');
    expect(next('0 0 31 2 *', '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    ['every banana', 'is not a duration or a cron schedule'],
    ['', 'is not a duration or a cron schedule'],
    ['50ms', 'shorter than 100 ms'],
    ['* * * *', 'is not a duration or a cron schedule'],
    ['0 24 * * *', 'hour "24" is outside 0-23'],
    ['0 0 0 * *', 'day of month "0" is outside 1-31'],
    ['0 0 * 13 *', 'month "13" is outside 1-12'],
    ['*/0 * * * *', 'the step must be at least 1'],
    ['5-1 * * * *', 'minute "5-1" is outside 0-59'],
  ])('refuses %j', (text, message) => {
    const r = parseSchedule(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('keeps the rhythm of an interval; a run longer than it skips the slots it overran', () => {
    const every = s('every 1s');
    expect(followingRun(every, 10_000, 10_200)).toBe(11_000);
    expect(followingRun(every, 10_000, 12_500)).toBe(13_000);
    expect(followingRun(every, 10_000, 10_000)).toBe(11_000);
  });
});

describe('allowed hosts', () => {
  const pats = ['feeds.example.com', '*.example.org', '127.0.0.1', '2001:db8::1'].map((h) => {
    const r = parseHostPattern(h);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
  it.each([
    ['feeds.example.com', true],
    ['FEEDS.example.com.', true],
    ['other.example.com', false],
    ['a.example.org', true],
    ['a.b.example.org', true],
    ['example.org', false],
    ['evilexample.org', false],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['localhost', false],
    ['[2001:db8::1]', true],
    ['2001:db8:0:0:0:0:0:1', true],
  ])('%s -> %s', (host, allowed) => {
    expect(hostAllowed(pats, host)).toBe(allowed);
  });
  it('allows nothing when the list is empty', () => {
    expect(hostAllowed([], 'example.com')).toBe(false);
  });
});

describe('back-off', () => {
  it('doubles per try, with jitter in [0.5, 1), capped', () => {
    expect(backoffDelay(0, 100, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, () => 0.999999)).toBe(100);
    expect(backoffDelay(3, 100, () => 0)).toBe(400);
    expect(backoffDelay(30, 1000, () => 0.999999)).toBe(MAX_BACKOFF_MS);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(2, 1000);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
});
