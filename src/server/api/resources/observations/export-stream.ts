/**
 * Streamed exports (CSV or JSON lines): each batch of rows the query yields becomes one text
 * chunk; Readable.from pulls the next batch only when the socket has taken the previous one
 * (backpressure), so memory is one batch whatever the export's size, and the store's connection
 * is free between batches (see src/storage/sqlite/observation-query.ts).
 *
 * CSV: RFC 4180 quoting; a text cell starting with = + - @ or a tab/CR is prefixed with ' so that
 * a spreadsheet does not run it as a formula (OWASP "CSV injection").
 */
import { Readable } from 'node:stream';

export type ExportFormat = 'csv' | 'json';

export const EXPORT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/x-ndjson; charset=utf-8',
};

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** A stream of the export: the header (CSV), then one chunk per batch. */
export function exportStream<T>(
  batches: Iterable<T[]>,
  format: ExportFormat,
  columns: readonly string[],
  row: (item: T) => readonly unknown[],
): Readable {
  function* chunks(): Generator<string> {
    if (format === 'csv') yield csvLine(columns);
    for (const batch of batches) {
      let out = '';
      for (const item of batch) out += format === 'csv' ? csvLine(row(item)) : `${JSON.stringify(item)}\n`;
      yield out;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** `attachment; filename="accord-observations-2026-11-22.csv"`. */
export function attachment(what: string, format: ExportFormat, now: number): string {
  const day = new Date(now).toISOString().slice(0, 10);
  return `attachment; filename="accord-${what}-${day}.${format === 'csv' ? 'csv' : 'jsonl'}"`;
}
