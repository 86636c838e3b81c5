// Where does ingest time go? Each stage of the pipeline timed on its own over generated
// event4_sinkhole rows: line reader, CSV tokenizer + column mapping (a stand-in for the
// Shadowserver parser), harmonise, identity hashing, JSON encoding, SQLite writeBatch.
//   npm run build && node bench/stages-bench.js [--rows 500000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CsvTokenizer, DEFAULT_DIALECT, DEFAULT_LIMITS } from '../dist/components/parsers/csv/tokenizer.js';
import { readLines } from '../dist/components/sources/lines.js';
import { harmonise } from '../dist/domain/harmonise.js';
import { eventId, observationKey } from '../dist/domain/identity.js';
import { defaultBounds, parseTimestampMs } from '../dist/domain/time.js';
import { generateChunks } from '../dist/generate/index.js';
import { openSqliteStore } from '../dist/storage/sqlite/sqlite-store.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '500000' } } });
const rows = Number(values.rows);
const fmt = (n) => Math.round(n).toLocaleString('en');
const chunks = [...generateChunks({ rows, seed: 1 })].map((c) => Buffer.from(c));

async function* replay() {
  // 1 MiB chunks, as the file source reads them.
  const all = Buffer.concat(chunks);
  for (let i = 0; i < all.length; i += 1 << 20) yield all.subarray(i, i + (1 << 20));
}
const time = async (name, fn) => {
  const t = performance.now();
  const r = await fn();
  const s = (performance.now() - t) / 1000;
  console.log(`${name.padEnd(34)} ${s.toFixed(3).padStart(7)} s  ${fmt(rows / s).padStart(12)} rows/s`);
  return r;
};

const lines = await time('readLines', async () => {
  const out = [];
  for await (const b of readLines(replay())) for (const l of b.lines) out.push(l);
  return out;
});

// Column mapping as IntelMQ's Shadowserver schema has it for event4 sinkhole reports.
const MAP = {
  timestamp: 'time.source',
  protocol: 'protocol.transport',
  src_ip: 'source.ip',
  src_port: 'source.port',
  src_asn: 'source.asn',
  src_geo: 'source.geolocation.cc',
  dst_ip: 'destination.ip',
  dst_port: 'destination.port',
  dst_asn: 'destination.asn',
  dst_geo: 'destination.geolocation.cc',
  infection: 'malware.name',
  family: 'extra.family',
};
const records = await time('CSV tokenize + map (stand-in)', async () => {
  const out = [];
  let header;
  let targets;
  const tok = new CsvTokenizer(DEFAULT_DIALECT, DEFAULT_LIMITS);
  const sink = {
    onRecord(f, line, raw) {
      if (!header) {
        header = f;
        targets = f.map((h) => MAP[h] ?? `extra.${h}`);
        return;
      }
      const fields = {
        'classification.type': 'infected-system',
        'classification.identifier': f[24],
        'feed.name': 'event4_sinkhole',
      };
      for (let i = 0; i < f.length; i++) if (f[i] !== '') fields[targets[i]] = f[i];
      fields['time.source'] = `${f[0]} UTC`;
      out.push({ fields, raw, line });
    },
    onReject() {},
  };
  for (let i = 0; i < lines.length; i += 10000) tok.push(lines.slice(i, i + 10000), sink);
  tok.end(sink);
  return out;
});

const ctx = { time: defaultBounds(Date.now()) };
const overrides = { 'time.observation': '2026-01-01T00:00:00+00:00' };
const events = await time('harmonise', async () => {
  const out = [];
  for (const r of records) {
    const h = harmonise(r.fields, ctx, undefined, overrides);
    if (h.ok) out.push(h.event);
  }
  return out;
});
console.log(`  (${events.length} of ${records.length} harmonised)`);
const prepared = await time('eventId + observationKey', async () =>
  events.map((e) => ({
    id: eventId(e),
    event: e,
    observation: observationKey(e),
    seenAt: parseTimestampMs(e['time.source']),
  })),
);
await time('  eventId alone', async () => events.map((e) => eventId(e)));
await time('  observationKey alone', async () => events.map((e) => observationKey(e)));
await time('  parseTimestampMs alone', async () => events.map((e) => parseTimestampMs(e['time.source'])));
await time('JSON.stringify(event)', async () => events.map((e) => JSON.stringify(e)).length);

const dir = mkdtempSync(join(tmpdir(), 'accord-stages-'));
try {
  const store = openSqliteStore(join(dir, 'b.db'));
  await time('SQLite writeBatch (10k per batch)', async () => {
    for (let i = 0; i < prepared.length; i += 10000)
      await store.writeBatch({ events: prepared.slice(i, i + 10000), quarantine: [] });
  });
  await time('SQLite writeBatch again (all fold)', async () => {
    for (let i = 0; i < prepared.length; i += 10000)
      await store.writeBatch({ events: prepared.slice(i, i + 10000), quarantine: [] });
  });
  console.log(await store.counts());
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
