/**
 * `accord demo` (what `npm start` runs): load every sample the project ships into the default
 * store and say how to look at it. Each sample `samples/**\/<file>` has a sidecar
 * `<file>.feed.json` ({format, parser, feed}, the same shape as `ingest --config`); files without
 * one are skipped. Ingest is idempotent, so a second start re-reads the samples and adds nothing.
 */

import { createWriteStream, existsSync } from 'node:fs';
import { readdir, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestSummary } from '../../pipeline/ingest.js';
import { renderReport } from '../../reports/stats/render.js';
import { statsReport } from '../../reports/stats/report.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { loadFeedConfig } from '../feed-config.js';
import { int, seconds } from '../format.js';
import { boundHeapGrowth } from '../heap-budget.js';
import { createReporter } from '../reporter.js';
import { dbPath, openStore } from '../store-path.js';
import { ingestOne, summaryJson } from './ingest.js';

/** The samples folder shipped with the package (src/cli/commands -> ../../../samples; same from dist). */
export const PACKAGE_SAMPLES = fileURLToPath(new URL('../../../samples', import.meta.url));

const SIDECAR = '.feed.json';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/**
 * The national data set of the demo: two days a month apart (31 days and 1 day before the first
 * start), each a generated day of a country's infected hosts and their C2 servers abroad with a
 * seed of its own, so `accord stats` has this period and a previous one to compare. Generated
 * once next to the database; seeded and deterministic for that start day.
 */
async function nationalFiles(db: string, rows: number): Promise<string[]> {
  const dir = dirname(db);
  const { readdir: list } = await import('node:fs/promises');
  const { generate } = await import('../../generate/index.js');
  const files: string[] = [];
  for (const [seed, daysAgo] of [
    [1, 31],
    [2, 1],
  ] as const) {
    const prefix = `national-cn-${Math.ceil(rows / 2)}-seed${seed}-`;
    const existing = existsSync(dir)
      ? (await list(dir)).find((f) => f.startsWith(prefix) && f.endsWith('.csv'))
      : undefined;
    if (existing) {
      files.push(join(dir, existing));
      continue;
    }
    const date = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const file = join(dir, `${prefix}${date}.csv`);
    const tmp = `${file}.partial-${process.pid}`;
    const out = createWriteStream(tmp, { highWaterMark: 1 << 20 });
    await generate({ rows: Math.ceil(rows / 2), seed, country: 'CN', date }, (chunk) =>
      out.write(chunk) ? undefined : new Promise<void>((r) => out.once('drain', () => r())),
    );
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await rename(tmp, file);
    files.push(file);
  }
  return files;
}

export async function demoCommand(o: {
  db?: string;
  samples?: string;
  json?: boolean;
  nationalRows?: number;
  /** Leave the samples out (accord start reads them as the configured feeds instead). */
  skipSamples?: boolean;
}): Promise<ExitCode> {
  boundHeapGrowth();
  const dir = o.samples ?? PACKAGE_SAMPLES;
  const db = dbPath(o.db);
  const reporter = await createReporter({ quiet: o.json === true });
  const files = existsSync(dir) && o.skipSamples !== true ? await walk(dir) : [];
  const sidecars = new Set(files.filter((f) => f.endsWith(SIDECAR)));
  const data = files.filter((f) => !f.endsWith(SIDECAR) && !f.endsWith('.md') && !f.endsWith('/LICENSE'));
  const skipped = data.filter((f) => !sidecars.has(f + SIDECAR));
  for (const s of skipped)
    reporter.info(`skipping ${relative(process.cwd(), s)}: no ${SIDECAR} sidecar beside it`, { file: s });
  const jobs = data.filter((f) => sidecars.has(f + SIDECAR));
  for (const s of sidecars)
    if (!existsSync(s.slice(0, -SIDECAR.length)))
      reporter.warn(`${s}: sidecar without its data file ${s.slice(0, -SIDECAR.length)}`);

  const store = await openStore(db, false);
  let national = false;
  let headline: string | undefined;
  const done: Array<{ file: string; summary: IngestSummary; error?: string }> = [];
  const failed: Array<{ file: string; error: string }> = [];
  let exit: ExitCode = EXIT.ok;
  try {
    if (jobs.length === 0 && o.skipSamples !== true)
      reporter.warn(`no samples with a ${SIDECAR} sidecar under ${dir}`);
    for (const file of jobs) {
      const shown = relative(process.cwd(), file) || file;
      const cfg = await loadFeedConfig(file + SIDECAR);
      if (!cfg.ok) {
        reporter.error(cfg.error);
        failed.push({ file: shown, error: cfg.error });
        exit = Math.max(exit, EXIT.usage) as ExitCode;
        continue;
      }
      const out = await ingestOne({
        input: shown,
        config: cfg.value,
        store,
        reporter,
        quarantineHint: (f) => `accord quarantine list --feed ${JSON.stringify(f)}`,
      });
      reporter.done();
      if (out.ok) done.push({ file: shown, summary: out.summary });
      else {
        reporter.error(out.message);
        failed.push({ file: shown, error: out.message });
        if (out.summary) done.push({ file: shown, summary: out.summary, error: out.message });
        exit = Math.max(exit, out.exitCode) as ExitCode;
      }
    }
    const rows = o.nationalRows ?? 0;
    if (rows > 0 && db !== ':memory:') {
      const runs = await store.listRuns({ limit: 10_000 });
      for (const file of await nationalFiles(db, rows)) {
        const shown = relative(process.cwd(), file) || file;
        if (runs.some((r) => r.source === shown && r.status === 'ok')) {
          reporter.info(`${shown}: already ingested`, { file: shown });
          continue;
        }
        const out = await ingestOne({
          input: shown,
          config: { format: 'shadowserver' },
          store,
          reporter,
          quarantineHint: (f) => `accord quarantine list --feed ${JSON.stringify(f)}`,
        });
        reporter.done();
        if (out.ok) done.push({ file: shown, summary: out.summary });
        else {
          failed.push({ file: shown, error: out.message });
          exit = Math.max(exit, out.exitCode) as ExitCode;
        }
      }
      national = true;
    }
    if (national && !o.json) {
      const r = await statsReport(store, {
        country: 'CN',
        top: 5,
        today: new Date().toISOString().slice(0, 10),
      });
      if (r.ok) headline = renderReport(r.report);
    }
  } finally {
    await store.close();
  }

  const sum = (k: 'read' | 'new' | 'folded' | 'quarantined' | 'newObservations' | 'seconds') =>
    done.reduce((a, d) => a + d.summary[k], 0);
  const totals = {
    read: sum('read'),
    new: sum('new'),
    folded: sum('folded'),
    quarantined: sum('quarantined'),
    newObservations: sum('newObservations'),
    seconds: Number(sum('seconds').toFixed(3)),
  };
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({
        db,
        samples: dir,
        ...totals,
        eventsPerSecond: totals.seconds > 0 ? Math.round(totals.read / totals.seconds) : 0,
        files: done.map((d) =>
          summaryJson(d.summary, {
            status: d.error ? 'failed' : 'ok',
            db,
            ...(d.error ? { error: d.error } : {}),
          }),
        ),
        failed,
      })}\n`,
    );
    return exit;
  }
  const lines: string[] = [];
  lines.push(
    o.skipSamples === true
      ? `National data set into ${db}`
      : `Accord demo: ${jobs.length} sample file(s) from ${relative(process.cwd(), dir) || dir} into ${db}`,
  );
  if (done.length > 0) {
    const w = Math.max(...done.map((d) => d.file.length));
    lines.push(
      `  ${'file'.padEnd(w)}  ${'format'.padEnd(14)} ${'read'.padStart(9)} ${'new'.padStart(9)} ${'folded'.padStart(9)} ${'quarant.'.padStart(9)}`,
    );
    for (const d of done) {
      const s = d.summary;
      lines.push(
        `  ${d.file.padEnd(w)}  ${s.format.padEnd(14)} ${int(s.read).padStart(9)} ${int(s.new).padStart(9)} ${int(s.folded).padStart(9)} ${int(s.quarantined).padStart(9)}${d.error ? '  (failed)' : ''}`,
      );
    }
  }
  lines.push(
    `  total: read ${int(totals.read)}, new events ${int(totals.new)}, folded ${int(totals.folded)}, quarantined ${int(totals.quarantined)}, new observations ${int(totals.newObservations)}, ${seconds(totals.seconds)}`,
  );
  if (totals.new === 0 && totals.read > 0)
    lines.push('  (everything was already stored: a re-run adds nothing)');
  for (const f of failed) lines.push(`  failed: ${f.file}: ${f.error}`);
  const dbArg = o.db ? ` --db ${o.db}` : '';
  const hints: Array<readonly [string, string]> = [
    [`accord quarantine list${dbArg}`, 'records that could not become events, with file:line and reason'],
    [`accord quarantine show <id>${dbArg}`, 'one of them, with its raw text (hex and base64 when not UTF-8)'],
    [`accord quarantine export${dbArg} --format csv --out quarantine.csv`, 'all of them'],
    [
      `sqlite3 ${db} 'SELECT type, source, malware, day, count FROM observations ORDER BY count DESC LIMIT 20'`,
      '',
    ],
    ['accord ingest --help', 'load your own feeds'],
  ];
  if (national) hints.unshift([`accord stats${dbArg} --country CN`, 'the situation at a glance (below)']);
  const w = Math.max(...hints.filter(([, d]) => d).map(([c]) => c.length));
  lines.push('', 'Look at it:', ...hints.map(([c, d]) => (d ? `  ${c.padEnd(w)}  ${d}` : `  ${c}`)));
  if (headline) lines.push('', headline);
  process.stdout.write(`${lines.join('\n')}\n`);
  return exit;
}
