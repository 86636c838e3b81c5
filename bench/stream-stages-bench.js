// Cumulative CPU cost per event of the ingest stages, streamed (nothing kept), with the real
// Shadowserver parser: lines; + parse; + harmonise; + identity; + JSON.
//   npm run build && node bench/stream-stages-bench.js [rows]
import { parserByName } from '../dist/components/parsers/registry.js';
import { readLines } from '../dist/components/sources/lines.js';
import { harmonise } from '../dist/domain/harmonise.js';
import { eventId, observationKey } from '../dist/domain/identity.js';
import { defaultBounds } from '../dist/domain/time.js';
import { generateChunks } from '../dist/generate/index.js';

const rows = Number(process.argv[2] ?? 300000);
const all = Buffer.from([...generateChunks({ rows, seed: 1 })].join(''));
async function* chunks() {
  for (let i = 0; i < all.length; i += 1 << 20) yield all.subarray(i, i + (1 << 20));
}
const parser = parserByName('shadowserver');
const ctx = { time: defaultBounds(Date.now()) };
const overrides = { 'time.observation': '2026-01-01T00:00:00+00:00' };
const defaults = { 'feed.name': 'event4_sinkhole' };

async function run(level) {
  const inst = parser.create(parser.parseOptions({}).value, { sourceName: 'x.csv' });
  const out = [];
  let n = 0;
  let sink = 0;
  const handle = () => {
    for (const o of out) {
      n++;
      if (level < 2 || o.kind !== 'record') continue;
      const h = harmonise(o.fields, ctx, defaults, overrides);
      if (!h.ok || level < 3) continue;
      if (level >= 3) sink += eventId(h.event)[0];
      if (level >= 4) sink += observationKey(h.event).key[0];
      if (level >= 5) sink += JSON.stringify(h.event).length;
    }
    out.length = 0;
  };
  const c = process.cpuUsage();
  for await (const b of readLines(chunks())) {
    if (level >= 1) {
      inst.push(b.lines, out);
      handle();
    } else n += b.lines.length;
  }
  if (level >= 1) {
    inst.end(out);
    handle();
  }
  const u = process.cpuUsage(c);
  return { n, us: (u.user + u.system) / n, sink };
}
const names = ['lines', '+ parse', '+ harmonise', '+ eventId', '+ observationKey', '+ JSON.stringify'];
for (let round = 0; round < 2; round++)
  for (let l = 0; l < names.length; l++) {
    const r = await run(l);
    if (round === 1) console.log(`${names[l].padEnd(18)} ${r.us.toFixed(2).padStart(6)} µs/event cumulative`);
  }
