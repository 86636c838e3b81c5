/**
 * Time formats of mapped CSV columns: strftime patterns ("%Y-%m-%d %H:%M:%S"), "epoch" (seconds),
 * "epoch_ms" and "iso". A pattern is compiled once into a reader; a time without a zone is UTC.
 */
import { formatTimestamp } from '../../../domain/time.js';

/** A compiled time format: text in, canonical timestamp text out, or a reason. */
export type TimeReader = (text: string) => { ok: true; value: string } | { ok: false; error: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Part = 'Y' | 'y' | 'm' | 'd' | 'H' | 'I' | 'M' | 'S' | 'f' | 'z' | 'b' | 'p';

const DIRECTIVES: Readonly<Record<Part, string>> = {
  Y: '(\\d{4})',
  y: '(\\d{2})',
  m: '(\\d{1,2})',
  d: '(\\d{1,2})',
  H: '(\\d{1,2})',
  I: '(\\d{1,2})',
  M: '(\\d{2})',
  S: '(\\d{2})',
  f: '(\\d{1,9})',
  z: '(Z|[+-]\\d{2}:?\\d{2})',
  b: '([A-Za-z]{3})[A-Za-z]*',
  p: '([AaPp][Mm])',
};

/** Compile a time format, or explain why it cannot be used. */
export function compileTimeFormat(format: string): TimeReader | string {
  if (format === 'epoch' || format === 'epoch_ms') {
    const scale = format === 'epoch' ? 1000 : 1;
    return (text) => {
      const t = text.trim();
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { ok: false, error: `"${t}" is not a number (${format})` };
      return { ok: true, value: formatTimestamp(Math.trunc(n * scale)) };
    };
  }
  if (format === 'iso') return (text) => ({ ok: true, value: text.trim() }); // the schema reads ISO 8601
  const parts: Part[] = [];
  let re = '^';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== '%') {
      re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
      continue;
    }
    const d = format[++i];
    if (d === '%') {
      re += '%';
      continue;
    }
    if (d === undefined || !Object.hasOwn(DIRECTIVES, d))
      return `unsupported directive "%${d ?? ''}" (supported: %Y %y %m %d %H %I %M %S %f %z %b %p %%, or epoch, epoch_ms, iso)`;
    parts.push(d as Part);
    re += DIRECTIVES[d as Part];
  }
  if (!parts.includes('Y') && !parts.includes('y')) return 'a time format needs a year (%Y or %y)';
  const rx = new RegExp(`${re}$`);
  return (text) => {
    const t = text.trim();
    const m = rx.exec(t);
    if (!m) return { ok: false, error: `"${t.slice(0, 60)}" does not match time format "${format}"` };
    let year = 1970;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let ms = 0;
    let offsetMin = 0;
    let pm: boolean | undefined;
    for (let k = 0; k < parts.length; k++) {
      const v = m[k + 1] as string;
      switch (parts[k]) {
        case 'Y':
          year = Number(v);
          break;
        case 'y':
          year = 2000 + Number(v) - (Number(v) >= 69 ? 100 : 0);
          break;
        case 'm':
          month = Number(v);
          break;
        case 'd':
          day = Number(v);
          break;
        case 'H':
        case 'I':
          hour = Number(v);
          break;
        case 'M':
          minute = Number(v);
          break;
        case 'S':
          second = Number(v);
          break;
        case 'f':
          ms = Math.trunc(Number(`0.${v}`) * 1000);
          break;
        case 'b': {
          const i = MONTHS.indexOf(v.toLowerCase());
          if (i < 0) return { ok: false, error: `"${v}" is not a month name in "${t.slice(0, 60)}"` };
          month = i + 1;
          break;
        }
        case 'p':
          pm = v.toLowerCase() === 'pm';
          break;
        case 'z':
          if (v !== 'Z') {
            const digits = v.slice(1).replace(':', '');
            offsetMin = (v[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
          }
          break;
      }
    }
    if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
      return { ok: false, error: `"${t.slice(0, 60)}" is out of range for time format "${format}"` };
    const at = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms) - offsetMin * 60_000;
    if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day)
      return { ok: false, error: `day ${day} does not exist in month ${month} of ${year}` };
    return { ok: true, value: formatTimestamp(at) };
  };
}
