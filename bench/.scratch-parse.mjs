import { parserByName } from '../dist/components/parsers/registry.js';
import { readLines } from '../dist/components/sources/lines.js';
import { CsvTokenizer } from '../dist/components/parsers/csv/tokenizer.js';
import { generateChunks } from '../dist/generate/index.js';
const rows = 300000;
const all = Buffer.from([...generateChunks({ rows, seed: 1 })].join(''));
const lines = []; for await (const b of readLines((async function*(){ for (let i = 0; i < all.length; i += 1<<20) yield all.subarray(i, i + (1<<20)); })())) lines.push(b.lines);
for (let round = 0; round < 3; round++) {
  let c = process.cpuUsage(); let n = 0;
  const t = new CsvTokenizer(); const sink = { onRecord(f) { n += f.length; }, onReject() {} };
  for (const b of lines) t.push(b, sink); t.end(sink);
  let u = process.cpuUsage(c); console.log('tokenizer', ((u.user+u.system)/rows).toFixed(2), 'µs/row');
  const p = parserByName('shadowserver'); const inst = p.create(p.parseOptions({}).value, { sourceName: 'x.csv' });
  c = process.cpuUsage(); const out = [];
  for (const b of lines) { inst.push(b, out); out.length = 0; } inst.end(out);
  u = process.cpuUsage(c); console.log('parser', ((u.user+u.system)/rows).toFixed(2), 'µs/row');
}
