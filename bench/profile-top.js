// Top self-time functions of V8 CPU profiles (node --cpu-prof --cpu-prof-dir=DIR ...), one table
// per profile (the main thread's and each worker thread's).
//   node bench/profile-top.js DIR|FILE [count]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [dir, count = '30'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bench/profile-top.js <dir of .cpuprofile files> [count]\n');
  process.exit(2);
}
const files = statSync(dir).isDirectory()
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .map((f) => join(dir, f))
  : [dir];
if (files.length === 0) {
  process.stderr.write(`no .cpuprofile in ${dir}\n`);
  process.exit(2);
}
for (const file of files) top(file);

function top(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const f = byId.get(p.samples[i]).callFrame;
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + p.timeDeltas[i]);
    total += p.timeDeltas[i];
  }
  console.log(`== ${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count)))
    console.log(
      `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`,
    );
}
