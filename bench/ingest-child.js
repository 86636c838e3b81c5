// One ingest, in its own process so that its peak RSS is its own: the bench runs this as a child.
// Usage: node bench/ingest-child.js <file> <db> [format]
// Prints one JSON line: the ingest summary plus maxRssMiB (process.resourceUsage().maxRSS).
import { fileSource } from '../dist/components/sources/file-source.js';
import { ingest } from '../dist/pipeline/ingest.js';
import { openSqliteStore } from '../dist/storage/sqlite/sqlite-store.js';

const [file, db, format = 'shadowserver'] = process.argv.slice(2);
if (!file || !db) {
  process.stderr.write('usage: node bench/ingest-child.js <file> <db> [format]\n');
  process.exit(2);
}
const store = openSqliteStore(db);
// Experiments: ACCORD_BENCH_PRAGMAS="wal_autocheckpoint=16384;synchronous=OFF" (not for production).
for (const p of (process.env.ACCORD_BENCH_PRAGMAS ?? '').split(';').filter(Boolean)) store.db.pragma(p);
// Experiment ACCORD_BENCH_EXPERIMENT=nodata: events rows keep identity, observation and time but
// an empty JSON, to measure what the per-event JSON costs (not a supported mode).
if (process.env.ACCORD_BENCH_EXPERIMENT === 'nodata')
  store.insertEvent = store.db.prepare(
    'INSERT INTO events(id, obs_key, feed, seen_at, data) VALUES (?, ?, ?, ?, substr(?, 1, 0)) ON CONFLICT(id) DO NOTHING',
  );
try {
  const batchSize = process.env.ACCORD_BENCH_BATCH ? Number(process.env.ACCORD_BENCH_BATCH) : undefined;
  const s = await ingest({
    source: await fileSource(file),
    format,
    store,
    ...(batchSize ? { batchSize } : {}),
    // ACCORD_BENCH_WORKERS=2: read the file with two worker threads (ingest --workers).
    ...(process.env.ACCORD_BENCH_WORKERS ? { workers: Number(process.env.ACCORD_BENCH_WORKERS) } : {}),
  });
  const { warnings, ...summary } = s;
  process.stdout.write(
    `${JSON.stringify({ ...summary, warnings: warnings.length, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} finally {
  await store.close();
}
