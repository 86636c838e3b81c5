// CPU cost of everything but storage: ingest() over a generated file into a store that only counts.
// Separates the parse/harmonise/identify side from SQLite.  node bench/prep-bench.js [rows] [--store sqlite]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource } from '../dist/components/sources/file-source.js';
import { generateChunks } from '../dist/generate/index.js';
import { ingest } from '../dist/pipeline/ingest.js';
import { openSqliteStore } from '../dist/storage/sqlite/sqlite-store.js';

const rows = Number(process.argv[2] ?? 300000);
const useSqlite = process.argv.includes('--sqlite');
const dir = mkdtempSync(join(tmpdir(), 'accord-prep-'));
const file = join(dir, 'e.csv');
writeFileSync(file, [...generateChunks({ rows, seed: 1 })].join(''));
const nullStore = {
  async writeBatch(b) {
    return { new: b.events.length, folded: 0, quarantined: b.quarantine.length, newObservations: 0 };
  },
  async startRun() {
    return 1;
  },
  async finishRun() {},
};
const store = useSqlite ? openSqliteStore(join(dir, 'b.db')) : nullStore;
const c0 = process.cpuUsage();
const t0 = performance.now();
const s = await ingest({
  source: await fileSource(file),
  format: 'shadowserver',
  store,
  ...(process.env.BATCH ? { batchSize: Number(process.env.BATCH) } : {}),
});
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
console.log(
  `${useSqlite ? 'sqlite' : 'null store'}: ${s.read} read, wall ${((performance.now() - t0) / 1000).toFixed(2)} s, cpu ${cpu.toFixed(2)} s = ${((cpu / s.read) * 1e6).toFixed(1)} µs/event = ${Math.round(s.read / cpu)} events per cpu-second`,
);
if (useSqlite) await store.close();
rmSync(dir, { recursive: true, force: true });
