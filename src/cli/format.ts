/** Small text helpers for human output. */

export const int = (n: number): string => Math.round(n).toLocaleString('en');

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(2)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${(s - m * 60).toFixed(0)} s`;
}

/** Rows of label/value pairs, labels padded. */
export function table(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`).join('\n');
}

/** One line, cut to `max` characters (for reasons and raw text in listings). */
export function oneLine(s: string, max: number): string {
  const t = s.replace(/[\r\n\t]+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
