/**
 * `accord quarantine list|show|export`: the records that could not become events, each with its
 * feed, file, line, reason and raw text (raw bytes too when they were not UTF-8).
 * Export streams the whole quarantine page by page (keyset pagination), whatever its size.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { QuarantineRecord, Store } from '../../storage/store.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { int, oneLine } from '../format.js';
import { dbPath, openStore } from '../store-path.js';

interface DbOption {
  readonly db?: string;
}

async function withStore<T>(o: DbOption, f: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(dbPath(o.db), true);
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** A record as JSON: raw text, plus the exact bytes (base64 and hex) when they were not UTF-8. */
export function quarantineJson(r: QuarantineRecord): Record<string, unknown> {
  const { bytes, ...rest } = r;
  return bytes
    ? { ...rest, rawEncoding: 'bytes', rawBase64: bytes.toString('base64'), rawHex: bytes.toString('hex') }
    : { ...rest, rawEncoding: 'utf8' };
}

export async function quarantineList(
  o: DbOption & { feed?: string; limit: number; json?: boolean },
): Promise<ExitCode> {
  return withStore(o, async (store) => {
    const rows = await store.listQuarantine({
      ...(o.feed !== undefined ? { feed: o.feed } : {}),
      limit: o.limit,
    });
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ count: rows.length, entries: rows.map(quarantineJson) })}\n`);
      return EXIT.ok;
    }
    if (rows.length === 0) {
      process.stdout.write(
        `quarantine is empty${o.feed !== undefined ? ` for feed ${JSON.stringify(o.feed)}` : ''}\n`,
      );
      return EXIT.ok;
    }
    const total = o.feed === undefined ? (await store.counts()).quarantine : undefined;
    for (const r of rows)
      process.stdout.write(`${r.id}  ${r.feed}  ${r.source}:${r.line}  ${oneLine(r.reason, 100)}\n`);
    const shown =
      total !== undefined && total > rows.length
        ? `${int(rows.length)} of ${int(total)} entries (--limit N for more, accord quarantine export for all)`
        : `${int(rows.length)} entries`;
    process.stdout.write(`${shown}; details: accord quarantine show <id>\n`);
    return EXIT.ok;
  });
}

export async function quarantineShow(id: string, o: DbOption & { json?: boolean }): Promise<ExitCode> {
  return withStore(o, async (store) => {
    const r = await store.getQuarantine(id);
    if (!r)
      throw new CliError(
        `no quarantine entry with id ${id} (accord quarantine list shows the ids)`,
        EXIT.usage,
      );
    if (o.json) {
      process.stdout.write(`${JSON.stringify(quarantineJson(r))}\n`);
      return EXIT.ok;
    }
    const lines = [
      `id       ${r.id}`,
      `at       ${r.at}`,
      `feed     ${r.feed}`,
      `file     ${r.source}:${r.line}`,
      `format   ${r.format}`,
      `reason   ${r.reason}`,
      ...(r.field ? [`field    ${r.field}`] : []),
    ];
    if (r.bytes) {
      lines.push(
        `raw      (not UTF-8: ${int(r.bytes.length)} bytes)`,
        `  hex    ${r.bytes.toString('hex')}`,
        `  base64 ${r.bytes.toString('base64')}`,
      );
    } else lines.push('raw', r.raw);
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}

const CSV_COLUMNS = [
  'id',
  'at',
  'feed',
  'source',
  'format',
  'line',
  'reason',
  'field',
  'raw',
  'raw_base64',
] as const;

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function csvRow(r: QuarantineRecord): string {
  const cells = [
    r.id,
    r.at,
    r.feed,
    r.source,
    r.format,
    String(r.line),
    r.reason,
    r.field ?? '',
    r.raw,
    r.bytes ? r.bytes.toString('base64') : '',
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((r) => out.once('drain', r));
}

export async function quarantineExport(
  o: DbOption & { feed?: string; format: string; out?: string; json?: boolean },
): Promise<ExitCode> {
  if (o.format !== 'jsonl' && o.format !== 'csv')
    throw new CliError(`--format ${o.format}: expected jsonl or csv`, EXIT.usage);
  return withStore(o, async (store) => {
    const toFile = o.out !== undefined && o.out !== '-';
    const out: Writable = toFile ? createWriteStream(o.out as string) : process.stdout;
    const opened = toFile
      ? new Promise<void>((resolve, reject) => {
          out.once('open', () => resolve());
          out.once('error', reject);
        })
      : Promise.resolve();
    try {
      await opened;
    } catch (e) {
      throw new CliError(`cannot write ${o.out}: ${(e as Error).message}`, EXIT.input);
    }
    let n = 0;
    if (o.format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\r\n`);
    let after: string | undefined;
    for (;;) {
      const page = await store.listQuarantine({
        ...(o.feed !== undefined ? { feed: o.feed } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: 1000,
      });
      for (const r of page)
        await write(out, o.format === 'csv' ? csvRow(r) : `${JSON.stringify(quarantineJson(r))}\n`);
      n += page.length;
      if (page.length < 1000) break;
      after = page[page.length - 1]?.id;
    }
    if (toFile) await new Promise<void>((r) => out.end(r));
    const summary = { exported: n, format: o.format, out: toFile ? o.out : '-' };
    if (toFile) {
      if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`exported ${int(n)} quarantine entries to ${o.out}\n`);
    } else process.stderr.write(`exported ${int(n)} quarantine entries\n`);
    return EXIT.ok;
  });
}
