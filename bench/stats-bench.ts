// The statistics benchmark (issue 3, "The situation at a glance"): generate N event4_sinkhole
// rows of a country's infected hosts talking to C2 servers abroad, ingest them into a fresh
// SQLite file, then time `accord stats` (both periods: the figures and the previous period).
//
//   npx tsx bench/stats-bench.ts                      2,000,000 rows, 1 day, country CN
//   npx tsx bench/stats-bench.ts --rows 8000000 --days 2 --runs 3 --keep
//   npx tsx bench/stats-bench.ts --db /tmp/x.db       time stats on an existing store only
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileSource } from '../src/components/sources/file-source.js';
import { generate } from '../src/generate/index.js';
import { ingest } from '../src/pipeline/ingest.js';
import { statsReport } from '../src/reports/stats/report.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    days: { type: 'string', default: '1' },
    country: { type: 'string', default: 'CN' },
    runs: { type: 'string', default: '3' },
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
log(
  `machine: ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`,
);

const dir = values.db ? undefined : mkdtempSync(join(tmpdir(), 'accord-stats-bench-'));
const db = values.db ?? join(dir as string, 'stats.db');
const result: Record<string, unknown> = { country: values.country };
try {
  if (!values.db) {
    const rows = Number(values.rows.replace(/_/g, ''));
    const days = Number(values.days);
    const csv = join(dir as string, 'event4_sinkhole.csv');
    let t = performance.now();
    const out = createWriteStream(csv, { highWaterMark: 1 << 20 });
    await generate({ rows, days, seed: 1, country: values.country }, (c) =>
      out.write(c) ? undefined : new Promise<void>((r) => out.once('drain', () => r())),
    );
    await new Promise<void>((r) => out.end(() => r()));
    log(
      `generated ${fmt(rows)} rows over ${days} day(s) (${fmt(statSync(csv).size / 2 ** 20)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    t = performance.now();
    const store = openSqliteStore(db);
    const s = await ingest({ source: await fileSource(csv), format: 'shadowserver', store });
    await store.close();
    const seconds = (performance.now() - t) / 1000;
    rmSync(csv);
    Object.assign(result, {
      rows,
      days,
      ingestSeconds: seconds,
      eventsPerSecond: Math.round(rows / seconds),
      observations: s.newObservations,
    });
    log(
      `ingested ${fmt(s.read)} rows into ${fmt(s.newObservations)} observations in ${seconds.toFixed(1)} s (${fmt(rows / seconds)} rows/s)`,
    );
  }
  const store = openSqliteStore(db);
  const times: number[] = [];
  let report: Awaited<ReturnType<typeof statsReport>> | undefined;
  for (let i = 0; i < Number(values.runs); i++) {
    const t = performance.now();
    report = await statsReport(store, {
      country: values.country,
      today: new Date().toISOString().slice(0, 10),
    });
    times.push((performance.now() - t) / 1000);
  }
  await store.close();
  if (!report?.ok) throw new Error(report ? report.error : 'no run');
  const r = report.report;
  Object.assign(result, {
    statsSeconds: times.map((x) => Math.round(x * 1000) / 1000),
    infectedHosts: r.infectedHosts.current,
    c2ServersAbroad: r.c2ServersAbroad.current,
    period: `${r.period.since}..${r.period.until}`,
  });
  log(
    `accord stats: ${times.map((x) => `${x.toFixed(2)} s`).join(', ')} (${fmt(r.infectedHosts.current)} infected hosts, ${fmt(r.c2ServersAbroad.current)} C2 servers abroad)`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
  else if (dir) log(`kept ${db}`);
}
