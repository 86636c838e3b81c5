import { parserByName } from '../dist/components/parsers/registry.js';
import { applyPlan } from '../dist/components/parsers/shadowserver/plan.js';
import { generateChunks } from '../dist/generate/index.js';
import { CsvTokenizer } from '../dist/components/parsers/csv/tokenizer.js';
const text = [...generateChunks({ rows: 200000, seed: 1 })].join('').trimEnd().split('\n');
const rows = []; const t = new CsvTokenizer();
t.push(text.map((x, i) => ({ no: i + 1, text: x })), { onRecord(f) { rows.push(f); }, onReject() {} });
const p = parserByName('shadowserver'); const inst = p.create(p.parseOptions({}).value, { sourceName: 'x.csv' });
const out = []; inst.push([{ no: 1, text: text[0] }], out);
const plan = inst.plan;
console.log(plan.steps.map(s => `${s.key}:${s.code}`).join(' '));
const mk = (o) => { const r = applyPlan(plan, rows[1]); console.log(%HasFastProperties(r), Object.keys(r).length); };
mk();
for (let round = 0; round < 3; round++) {
  const c = process.cpuUsage(); let n = 0;
  for (let i = 1; i < rows.length; i++) { const r = applyPlan(plan, rows[i]); n += typeof r === 'string' ? 0 : 1; }
  const u = process.cpuUsage(c); console.log('applyPlan', ((u.user + u.system) / rows.length).toFixed(2), 'µs/row');
}
function applyB(plan, fields) {
  const out = {};
  for (const k in plan.constants) out[k] = plan.constants[k];
  const steps = plan.steps;
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s]; let v = fields[st.idx];
    if (v === '') continue;
    if (st.fallback && out[st.key] !== undefined) continue;
    let value = st.code === 3 || st.code === 4 ? Number(v) : v;
    if (st.lower && typeof value === 'string') value = value.toLowerCase();
    out[st.key] = value;
  }
  return out;
}
function applyC(plan, fields) {
  const out = new Map();
  const steps = plan.steps;
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s]; let v = fields[st.idx];
    if (v === '') continue;
    if (st.fallback && out.get(st.key) !== undefined) continue;
    let value = st.code === 3 || st.code === 4 ? Number(v) : v;
    if (st.lower && typeof value === 'string') value = value.toLowerCase();
    out.set(st.key, value);
  }
  return Object.fromEntries(out);
}
for (const [n, f] of [['B', applyB], ['C', applyC], ['B', applyB]]) {
  const c = process.cpuUsage();
  for (let i = 1; i < rows.length; i++) f(plan, rows[i]);
  const u = process.cpuUsage(c); console.log(n, ((u.user + u.system) / rows.length).toFixed(2), 'µs/row');
}
console.log(Object.keys(plan.constants));
function applyD(plan, fields) {
  const out = Object.assign({}, plan.constants);
  const steps = plan.steps;
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s]; let v = fields[st.idx];
    if (v === '') continue;
    if (st.fallback && out[st.key] !== undefined) continue;
    let value = st.code === 3 || st.code === 4 ? Number(v) : v;
    if (st.lower && typeof value === 'string') value = value.toLowerCase();
    out[st.key] = value;
  }
  return out;
}
for (const [n, f] of [['D assign', applyD]]) {
  const c = process.cpuUsage();
  for (let i = 1; i < rows.length; i++) f(plan, rows[i]);
  const u = process.cpuUsage(c); console.log(n, ((u.user + u.system) / rows.length).toFixed(2), 'µs/row');
}
