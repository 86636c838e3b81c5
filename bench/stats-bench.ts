// The statistics benchmark (issue 3, "The situation at a glance"): generate N event4_sinkhole
// rows of a country's infected hosts talking to C2 servers abroad, ingest them into a fresh
// SQLite file, then time `accord stats` (both periods: the figures and the previous period).
//
//   npx tsx bench/stats-bench.ts                      2,000,000 rows, 1 day, country CN
//   npx tsx bench/stats-bench.ts --rows 8000000 --days 2 --runs 3 --keep
//   npx tsx bench/stats-bench.ts --db /tmp/x.db       time stats on an existing store only
//   npx tsx bench/stats-bench.ts --rows 4000000 --beacons 1 --previous --workers 2 --reference
//       4,000,000 hosts (one row each: a host's beacons fold into one observation a day anyway),
//       plus as many again on a day a month earlier (the previous period, as `accord demo` does);
//       --reference also times the SQL over the observations and checks both give the same figures.
//   npx tsx bench/stats-bench.ts --db /tmp/x.db --scale-rollup 3.5
//       synthetic scale-up of the rollup only (not of the observations): every day's rollup
//       records are copied until the day has 3.5 times the hosts, the copies with new host ids
//       (same cells and C2 servers); for timing `accord stats` at sizes too slow to ingest here.
//       The copies stay in that database: use it for nothing else.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { fileSource } from '../src/components/sources/file-source.js';
import { generate } from '../src/generate/index.js';
import { ingest } from '../src/pipeline/ingest.js';
import { statsReport } from '../src/reports/stats/report.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { sqliteStatsFigures } from '../src/storage/sqlite/stats-query.js';
import type { PeriodFigures } from '../src/storage/store.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    days: { type: 'string', default: '1' },
    country: { type: 'string', default: 'CN' },
    runs: { type: 'string', default: '3' },
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
    beacons: { type: 'string' },
    previous: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    reference: { type: 'boolean', default: false },
    'scale-rollup': { type: 'string' },
  },
});
/** Copy each day's rollup records until the day has `factor` times its hosts (new host ids). */
function scaleRollup(sdb: Database.Database, factor: number): number {
  const next = sdb.prepare('SELECT host FROM stats_next').pluck().get() as number;
  const rows = sdb.prepare('SELECT day, n, data FROM stats_chunks ORDER BY id').all() as Array<{
    day: string;
    n: number;
    data: Buffer;
  }>;
  const insert = sdb.prepare('INSERT INTO stats_chunks(day, n, data) VALUES (?, ?, ?)');
  let added = 0;
  sdb.transaction(() => {
    for (let copy = 1; copy < factor; copy++) {
      const part = Math.min(1, factor - copy);
      const byDay = new Map<string, typeof rows>();
      for (const r of rows) {
        const list = byDay.get(r.day);
        if (list) list.push(r);
        else byDay.set(r.day, [r]);
      }
      for (const list of byDay.values())
        for (const { day, n, data } of list.slice(0, Math.round(list.length * part))) {
          const b = Buffer.from(data);
          for (let i = 0; i < n; i++)
            b.writeUInt32LE(b.readUInt32LE(i * 16 + 8) + copy * (next - 1), i * 16 + 8);
          insert.run(day, n, b);
          added += n;
        }
    }
    sdb.prepare('UPDATE stats_next SET host = ?').run(Math.ceil(factor) * (next - 1) + 1);
  })();
  return added;
}

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
    const beacons = values.beacons === undefined ? undefined : Number(values.beacons);
    // The report's day, and with --previous a day a month earlier (seed 2): the previous period.
    const files: Array<{ date: string; seed: number }> = [
      ...(values.previous ? [{ date: '2021-02-01', seed: 2 }] : []),
      { date: '2021-03-04', seed: 1 },
    ];
    let read = 0;
    let observations = 0;
    let ingestSeconds = 0;
    for (const { date, seed } of files) {
      const csv = join(dir as string, `event4_sinkhole-${date}.csv`);
      let t = performance.now();
      const out = createWriteStream(csv, { highWaterMark: 1 << 20 });
      await generate(
        {
          rows,
          days,
          seed,
          date,
          country: values.country,
          ...(beacons ? { beacons: [beacons, beacons] } : {}),
        },
        (c) => (out.write(c) ? undefined : new Promise<void>((r) => out.once('drain', () => r()))),
      );
      await new Promise<void>((r) => out.end(() => r()));
      log(
        `generated ${fmt(rows)} rows from ${date} over ${days} day(s) (${fmt(statSync(csv).size / 2 ** 20)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      t = performance.now();
      const store = openSqliteStore(db);
      const s = await ingest({
        source: await fileSource(csv),
        format: 'shadowserver',
        store,
        workers: Number(values.workers),
      });
      await store.close();
      const seconds = (performance.now() - t) / 1000;
      rmSync(csv);
      read += s.read;
      observations += s.newObservations;
      ingestSeconds += seconds;
      log(
        `ingested ${fmt(s.read)} rows into ${fmt(s.newObservations)} observations in ${seconds.toFixed(1)} s (${fmt(rows / seconds)} rows/s)`,
      );
    }
    Object.assign(result, {
      rows: read,
      days,
      ...(beacons ? { beacons } : {}),
      ingestSeconds,
      eventsPerSecond: Math.round(read / ingestSeconds),
      observations,
    });
  }
  const store = openSqliteStore(db);
  if (values['scale-rollup']) {
    if (values.reference)
      throw new Error('--scale-rollup copies the rollup only: --reference would disagree');
    const factor = Number(values['scale-rollup']);
    const t = performance.now();
    const added = scaleRollup(store.db, factor);
    result.scaledRollup = { factor, addedRecords: added };
    log(
      `scaled the rollup by ${factor}: ${fmt(added)} records added in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const times: number[] = [];
  const cpu: number[] = [];
  let report: Awaited<ReturnType<typeof statsReport>> | undefined;
  for (let i = 0; i < Number(values.runs); i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    report = await statsReport(store, {
      country: values.country,
      today: new Date().toISOString().slice(0, 10),
    });
    const used = process.cpuUsage(c);
    times.push((performance.now() - t) / 1000);
    cpu.push((used.user + used.system) / 1e6);
  }
  if (!report?.ok) throw new Error(report ? report.error : 'no run');
  const r = report.report;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  Object.assign(result, {
    statsSeconds: times.map(round),
    statsCpuSeconds: cpu.map(round),
    infectedHosts: r.infectedHosts.current,
    previousInfectedHosts: r.infectedHosts.previous,
    c2ServersAbroad: r.c2ServersAbroad.current,
    period: `${r.period.since}..${r.period.until}`,
  });
  log(
    `accord stats: ${times.map((x) => `${x.toFixed(2)} s`).join(', ')} (CPU ${cpu.map((x) => `${x.toFixed(2)} s`).join(', ')}; ${fmt(r.infectedHosts.current)} infected hosts, ${fmt(r.infectedHosts.previous)} in the previous period, ${fmt(r.c2ServersAbroad.current)} C2 servers abroad)`,
  );
  if (values.reference) {
    // The SQL over the observations (the reference the tests hold the rollup to), both periods.
    const t = performance.now();
    const q = (p: { since: string; until: string }) => ({ ...p, country: values.country });
    const sql = [r.period, r.previousPeriod].map((p) => sqliteStatsFigures(store.db, q(p)));
    const seconds = (performance.now() - t) / 1000;
    const rollup: PeriodFigures[] = [];
    for (const p of [r.period, r.previousPeriod]) rollup.push(await store.statsFigures(q(p)));
    const same = JSON.stringify(sql) === JSON.stringify(rollup);
    Object.assign(result, { referenceSqlSeconds: round(seconds), referenceAgrees: same });
    log(`SQL reference over the observations: ${seconds.toFixed(2)} s, same figures: ${same}`);
    if (!same) process.exitCode = 1;
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
  else if (dir) log(`kept ${db}`);
}
