// The ingest benchmark (issue 2, "Speed"): generate N event4_sinkhole rows to a temporary file,
// ingest them end to end into a fresh SQLite file in a child process, print events/s and the
// child's peak RSS. Run after `npm run build` (`npm run bench` does both).
//
//   npm run bench                              2,000,000 rows
//   npm run bench -- --rows 8000000            another size
//   npm run bench -- --rows 1000000,8000000    several sizes, and a check that peak RSS does not grow
//   options: --seed S, --via cli|function (default: cli when bin/accord.js exists),
//            --format F (default shadowserver), --keep (keep the temporary files), --json
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from '../dist/generate/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    seed: { type: 'string', default: '1' },
    via: { type: 'string' },
    format: { type: 'string', default: 'shadowserver' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    // Every enricher on: run the file as a feed of a config with geo (bundled data), the sample
    // constituency, every MISP warninglist of ../shared/data and taxonomy (`accord feeds run`).
    enrich: { type: 'boolean', default: false },
    workers: { type: 'string' },
  },
});
const sizes = values.rows.split(',').map((s) => Number(s.replace(/_/g, '')));
if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
  process.stderr.write(`--rows: expected positive whole numbers, got "${values.rows}"\n`);
  process.exit(2);
}
const cliPath = join(root, 'bin/accord.js');
const via = values.via ?? (existsSync(cliPath) ? 'cli' : 'function');
const hasTime = existsSync('/usr/bin/time');
const log = (s) => process.stderr.write(`${s}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en');

log(
  `machine: ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}`,
);
/** A config with every enricher and one feed: the generated file. */
function enrichedConfig(dir, csv, format) {
  const lists = join(root, '../shared/data/misp/warninglists');
  if (!existsSync(lists)) {
    log(`--enrich needs the MISP warninglists in ${lists}`);
    process.exit(2);
  }
  const file = join(dir, 'accord.yaml');
  writeFileSync(
    file,
    [
      'enrichment:',
      '  - name: geo',
      '  - name: constituency',
      `    options: { file: ${JSON.stringify(join(root, 'samples/constituency/example.yaml'))} }`,
      '  - name: warninglist',
      `    options: { paths: ${JSON.stringify(lists)} }`,
      '  - name: taxonomy',
      'feeds:',
      '  - name: bench',
      `    source: ${JSON.stringify(csv)}`,
      `    format: ${format}`,
      '',
    ].join('\n'),
  );
  return file;
}
const results = [];
for (const rows of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-'));
  const csv = join(dir, 'event4_sinkhole.csv');
  const db = join(dir, 'bench.db');
  try {
    // 1. Generate (streamed to the file, honouring back-pressure).
    let t = performance.now();
    const out = createWriteStream(csv, { highWaterMark: 1 << 20 });
    const drained = () => new Promise((r) => out.once('drain', r));
    await generate({ rows, seed: Number(values.seed) }, (chunk) =>
      out.write(chunk) ? undefined : drained(),
    );
    await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
    const genSeconds = (performance.now() - t) / 1000;
    const bytes = statSync(csv).size;
    log(
      `generated ${fmt(rows)} rows (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${genSeconds.toFixed(2)} s: ${fmt(rows / genSeconds)} rows/s`,
    );

    // 2. Ingest in a child process, measured from outside (wall time, peak RSS).
    const workers = values.workers ? ['--workers', values.workers] : [];
    const cmd = values.enrich
      ? [
          process.execPath,
          cliPath,
          'feeds',
          'run',
          '--config',
          enrichedConfig(dir, csv, values.format),
          '--db',
          db,
          '--json',
          ...workers,
        ]
      : via === 'cli'
        ? [
            process.execPath,
            cliPath,
            'ingest',
            csv,
            '--format',
            values.format,
            '--db',
            db,
            '--json',
            ...workers,
          ]
        : [process.execPath, join(root, 'bench/ingest-child.js'), csv, db, values.format];
    const argv = hasTime ? ['/usr/bin/time', '-f', 'MAXRSS_KB=%M CPU_USER=%U CPU_SYS=%S', ...cmd] : cmd;
    t = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
    const wall = (performance.now() - t) / 1000;
    if (r.status !== 0) {
      log(`ingest failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
      process.exit(1);
    }
    let summary = JSON.parse(r.stdout.trim().split('\n').pop());
    if (values.enrich) {
      const feed = summary.feeds?.[0];
      if (feed?.status !== 'ok') {
        log(`feed run failed: ${r.stdout.slice(-2000)}`);
        process.exit(1);
      }
      summary = { ...feed, seconds: feed.seconds };
    }
    const m = /MAXRSS_KB=(\d+)/.exec(r.stderr);
    const rssMiB = m ? Number(m[1]) / 1024 : summary.maxRssMiB;
    const cpuM = /CPU_USER=([\d.]+) CPU_SYS=([\d.]+)/.exec(r.stderr);
    const cpuSeconds = cpuM ? Number(cpuM[1]) + Number(cpuM[2]) : undefined;
    const ok = summary.read === summary.new + summary.folded + summary.quarantined;
    const res = {
      rows,
      via,
      bytes,
      generateSeconds: Number(genSeconds.toFixed(3)),
      read: summary.read,
      new: summary.new,
      folded: summary.folded,
      quarantined: summary.quarantined,
      newObservations: summary.newObservations,
      ingestSeconds: Number(summary.seconds.toFixed(3)),
      processSeconds: Number(wall.toFixed(3)),
      eventsPerSecond: Math.round(summary.read / summary.seconds),
      eventsPerSecondProcess: Math.round(summary.read / wall),
      cpuSeconds,
      eventsPerCpuSecond: cpuSeconds ? Math.round(summary.read / cpuSeconds) : undefined,
      peakRssMiB: Math.round(rssMiB),
      dbMiB: Math.round(statSync(db).size / 2 ** 20),
      accounting: ok,
    };
    results.push(res);
    log(
      `ingested ${fmt(res.read)} records via ${via}: new ${fmt(res.new)}, folded ${fmt(res.folded)}, quarantined ${fmt(res.quarantined)}, observations ${fmt(res.newObservations)}` +
        `\n  ${fmt(res.eventsPerSecond)} events/s (ingest ${res.ingestSeconds} s; whole process ${res.processSeconds} s: ${fmt(res.eventsPerSecondProcess)} events/s)` +
        (cpuSeconds
          ? `\n  CPU ${cpuSeconds.toFixed(1)} s (user+sys): ${fmt(res.eventsPerCpuSecond)} events per CPU-second`
          : '') +
        `\n  peak RSS ${res.peakRssMiB} MiB; database ${res.dbMiB} MiB; read = new + folded + quarantined: ${ok ? 'holds' : 'BROKEN'}`,
    );
    if (!ok || res.read !== rows) {
      log(`accounting error: read ${res.read} of ${rows} rows`);
      process.exit(1);
    }
  } finally {
    if (values.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
if (results.length > 1) {
  const first = results[0];
  const last = results[results.length - 1];
  const grew = last.peakRssMiB > first.peakRssMiB * 1.1;
  log(
    `peak RSS ${first.peakRssMiB} MiB at ${fmt(first.rows)} rows, ${last.peakRssMiB} MiB at ${fmt(last.rows)} rows: ${grew ? 'GROWS (not streamed?)' : 'no growth (streamed)'}`,
  );
}
if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
