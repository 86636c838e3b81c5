// The per-thread ingest stage alone: read lines, parse (Shadowserver), harmonise, identify, fold
// (no store), as each worker of a parallel ingest runs it. Prints the CPU and wall time of the
// best of N runs over one file. Run `npm run build` first.
//   node bench/stage-bench.js FILE [runs]      (FILE: e.g. from `accord generate --rows 300000`)
import { createReadStream } from 'node:fs';
import { parserByName } from '../dist/components/parsers/registry.js';
import { readLines } from '../dist/components/sources/lines.js';
import { Folder } from '../dist/domain/fold.js';
import { RecordStage } from '../dist/pipeline/record-stage.js';

const [file, runsText = '5'] = process.argv.slice(2);
const runs = Number(runsText);
if (!file || !Number.isInteger(runs) || runs < 1 || runs > 100) {
  process.stderr.write('usage: node bench/stage-bench.js <event4_sinkhole CSV> [runs 1..100]\n');
  process.exit(2);
}
const results = [];
let read = 0;
for (let r = 0; r < runs; r++) {
  const parser = parserByName('shadowserver');
  const instance = parser.create(parser.parseOptions({}).value, { sourceName: file });
  const folder = new Folder(false);
  let quarantined = 0;
  const stage = new RecordStage({
    parser: instance,
    parserName: parser.name,
    feed: {},
    startedAt: Date.now(),
    feedName: () => 'bench',
    enrichers: [],
    folder,
    quarantine: () => quarantined++,
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const batch of readLines(createReadStream(file, { highWaterMark: 1 << 20 }), { startLine: 1 })) {
    stage.lines(batch);
    // As a worker flushes: every 50,000 records or 50,000 observations.
    if (folder.events + folder.duplicates >= 50_000 || folder.size >= 50_000) folder.drain();
  }
  stage.end();
  folder.drain();
  const cpu = process.cpuUsage(cpu0);
  results.push({ cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - t0) / 1000 });
  read = stage.read;
  if (quarantined > 0) process.stderr.write(`run ${r + 1}: ${quarantined} records quarantined\n`);
}
results.sort((a, b) => a.cpu - b.cpu);
const best = results[0];
console.log(
  `${read.toLocaleString('en')} records; best of ${runs}: CPU ${best.cpu.toFixed(2)} s (${((best.cpu / read) * 1e6).toFixed(1)} µs per record), wall ${best.wall.toFixed(2)} s; all CPU: ${results.map((x) => x.cpu.toFixed(2)).join(' ')}`,
);
