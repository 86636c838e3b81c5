/**
 * When a feed is polled. Two forms, on purpose no more:
 *
 * - an interval: `every 1h`, `30m`, `every 1h30m` (see parseDuration). The next run is the
 *   interval after the previous run started, so a feed polled `every 1h` keeps its rhythm.
 * - cron-like, five fields in UTC: `minute hour day-of-month month day-of-week`, each `*`, a
 *   number, a range `a-b`, a list `a,b` or a step `* /n` / `a-b/n` (day of week 0-6, 0 = Sunday,
 *   7 also Sunday). `@hourly` and `@daily` are `0 * * * *` and `0 0 * * *`. When both day fields
 *   are restricted, a day matching either runs (as in cron).
 *
 * Anything else is an error that says what was expected.
 */
import { parseDuration } from '../config/units.js';
import { err, ok, type Result } from '../domain/result.js';

export type Schedule =
  | { readonly kind: 'every'; readonly ms: number; readonly text: string }
  | {
      readonly kind: 'cron';
      readonly text: string;
      readonly minutes: ReadonlySet<number>;
      readonly hours: ReadonlySet<number>;
      readonly days: ReadonlySet<number>;
      readonly months: ReadonlySet<number>;
      readonly weekdays: ReadonlySet<number>;
      readonly anyDay: boolean;
      readonly anyWeekday: boolean;
    };

/** Shortest interval accepted: polling faster than this is a mistake, not a schedule. */
export const MIN_INTERVAL_MS = 100;

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function cronField(text: string, f: (typeof FIELDS)[number]): Result<Set<number>> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return err(`${f.name} "${part}" is not *, a number, a range a-b, a list or a step /n`);
    const lo = m[1] === '*' ? f.min : Number(m[2]);
    const hi = m[1] === '*' ? f.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? f.max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < f.min || hi > f.max || lo > hi) return err(`${f.name} "${part}" is outside ${f.min}-${f.max}`);
    if (step < 1) return err(`${f.name} "${part}": the step must be at least 1`);
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return ok(out);
}

const EXPECTED = 'expected e.g. "every 1h", "30m" or five cron fields like "0 */6 * * *"';

export function parseSchedule(text: string): Result<Schedule> {
  const t = text.trim();
  const alias: Record<string, string> = { '@hourly': '0 * * * *', '@daily': '0 0 * * *' };
  const cron = alias[t.toLowerCase()] ?? t;
  const parts = cron.split(/\s+/);
  if (parts.length === 5) {
    const sets: Set<number>[] = [];
    for (const [i, f] of FIELDS.entries()) {
      const r = cronField(parts[i] as string, f);
      if (!r.ok) return err(`"${text}": ${r.error}`);
      sets.push(r.value);
    }
    const [minutes, hours, days, months, weekdays] = sets as [
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
    ];
    return ok({
      kind: 'cron',
      text: t,
      minutes,
      hours,
      days,
      months,
      weekdays,
      anyDay: parts[2] === '*',
      anyWeekday: parts[4] === '*',
    });
  }
  const every = /^every\s+(.+)$/i.exec(t);
  const d = parseDuration(every ? (every[1] as string) : t);
  if (!d.ok) return err(`"${text}" is not a duration or a cron schedule (${EXPECTED})`);
  if (d.value < MIN_INTERVAL_MS) return err(`"${text}" is shorter than ${MIN_INTERVAL_MS} ms`);
  return ok({ kind: 'every', ms: d.value, text: t });
}

function dayMatches(s: Extract<Schedule, { kind: 'cron' }>, d: Date): boolean {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  if (s.anyDay && s.anyWeekday) return true;
  if (s.anyDay) return dow;
  if (s.anyWeekday) return dom;
  return dom || dow;
}

/**
 * The first run time strictly after `after` (epoch ms): for an interval, `after + interval`; for
 * cron, the next matching minute (searched a day, then an hour, then a minute at a time; bounded
 * to about five years, after which a schedule such as "0 0 31 2 *" never runs: undefined).
 */
export function nextRun(s: Schedule, after: number): number | undefined {
  if (s.kind === 'every') return after + s.ms;
  const d = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  for (let guard = 0; guard < 5 * 366 + 24 + 60; ) {
    if (!s.months.has(d.getUTCMonth() + 1) || !dayMatches(s, d)) {
      d.setUTCHours(0, 0, 0, 0);
      d.setUTCDate(d.getUTCDate() + 1);
      guard++;
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      d.setUTCMinutes(0, 0, 0);
      d.setUTCHours(d.getUTCHours() + 1);
      guard++;
      continue;
    }
    for (let m = d.getUTCMinutes(); m < 60; m++)
      if (s.minutes.has(m)) {
        d.setUTCMinutes(m, 0, 0);
        return d.getTime();
      }
    d.setUTCMinutes(0, 0, 0);
    d.setUTCHours(d.getUTCHours() + 1);
    guard++;
  }
  return undefined;
}
