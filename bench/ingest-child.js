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
try {
  const s = await ingest({ source: await fileSource(file), format, store });
  const { warnings, ...summary } = s;
  process.stdout.write(
    `${JSON.stringify({ ...summary, warnings: warnings.length, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} finally {
  await store.close();
}
