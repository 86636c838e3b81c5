/**
 * Parser-only throughput on a synthetic event4_sinkhole-shaped input (not a test: a measurement).
 *
 *   npx tsx src/components/parsers/shadowserver/parse-speed.ts [rows=500000] [lines-per-push=256]
 *
 * Rows are fed in pushes of `lines-per-push` lines, as the line reader does per 64 KiB chunk.
 * Prints wall-clock rows/s and rows per CPU-second (the latter is steadier on a busy machine).
 */
import type { ParseOutcome, RawLine } from '../contract.js';
import { shadowserver } from './index.js';
import { REPORT_TYPES } from './reports.js';

const rows = Number(process.argv[2] ?? 500_000);
const perPush = Number(process.argv[3] ?? 256);
const columns = REPORT_TYPES.find((r) => r.name === 'event4_sinkhole')?.columns ?? [];
const families = ['andromeda', 'conficker', 'necurs', 'zeroaccess', 'virut'];
const lines: RawLine[] = [{ no: 1, text: columns.map((c) => `"${c}"`).join(',') }];
for (let i = 0; i < rows; i++) {
  const f = families[i % families.length];
  const day = String(1 + (i % 28)).padStart(2, '0');
  const hour = String(i % 24).padStart(2, '0');
  lines.push({
    no: i + 2,
    text: `"2026-10-${day} ${hour}:00:00","tcp","${20 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.9",${1024 + (i % 60000)},${64500 + (i % 30)},"BR","SAO PAULO","SAO PAULO",,517311,"Communications, Service Provider, and Hosting Service",,,,"198.51.100.${i % 250}",80,64496,"US","CALIFORNIA","FREMONT",,518210,"Communications, Service Provider, and Hosting Service","eset","${f}","${f}",,,,`,
  });
}
const options = shadowserver.parseOptions({});
if (!options.ok) throw new Error(options.error);
for (let round = 1; round <= 3; round++) {
  const parser = shadowserver.create(options.value, { sourceName: 'speed.csv' });
  const out: ParseOutcome[] = [];
  let records = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < lines.length; i += perPush) {
    parser.push(lines.slice(i, i + perPush), out);
    for (const o of out) if (o.kind === 'record') records++;
    out.length = 0;
  }
  parser.end(out);
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1e6;
  console.log(
    `round ${round}: ${records.toLocaleString('en')} records in ${wall.toFixed(2)} s: ` +
      `${Math.round(records / wall).toLocaleString('en')} rows/s, ${Math.round(records / cpu).toLocaleString('en')} rows per CPU-second`,
  );
}
