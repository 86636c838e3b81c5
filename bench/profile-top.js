// Top self-time functions of a V8 CPU profile (node --cpu-prof --cpu-prof-dir=DIR ...).
//   node bench/profile-top.js DIR [count]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, count = '30'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bench/profile-top.js <dir of .cpuprofile files> [count]\n');
  process.exit(2);
}
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))[0];
if (!file) {
  process.stderr.write(`no .cpuprofile in ${dir}\n`);
  process.exit(2);
}
const p = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const f = byId.get(p.samples[i]).callFrame;
  const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  self.set(k, (self.get(k) ?? 0) + p.timeDeltas[i]);
  total += p.timeDeltas[i];
}
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count)))
  console.log(
    `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`,
  );
