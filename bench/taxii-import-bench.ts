// The STIX import benchmark (issue 4, "Speed"): generate a realistic STIX 2.1 bundle of N objects
// (per C2 address: ipv4-addr, infrastructure, indicator, an "indicates" relationship and a
// sighting, with TLP 2.0 markings CLEAR to RED, created by one identity, plus the malware
// families) to a temporary file, then import it exactly as `accord knowledge import` does (read
// the file, importStix: parse, validate every object, store every version) into a fresh SQLite
// store. Reports objects/s, CPU seconds and peak RSS. Target: > 20,000 objects/s for 100,000.
//
//   npx tsx bench/taxii-import-bench.ts                 100,000 objects, 3 runs
//   npx tsx bench/taxii-import-bench.ts --objects 500000 --runs 1 --keep
//   npx tsx bench/taxii-import-bench.ts --cli           also time the built CLI (npm run build first)
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TLP_ORDER, TLP2_MARKING_IDS, type TlpLevel, tlpMarkingDefinition } from '../src/domain/tlp.js';
import { derivedId, scoId } from '../src/knowledge/ids.js';
import { importStix } from '../src/knowledge/import.js';
import { KNOWLEDGE_COLLECTION } from '../src/knowledge/knowledge-store.js';
import { SqliteKnowledgeStore } from '../src/storage/knowledge/sqlite-knowledge-store.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    cli: { type: 'boolean', default: false },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
log(
  `machine: ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const FAMILIES = ['emotet', 'qakbot', 'icedid', 'cobaltstrike', 'sliver', 'mirai', 'njrat', 'asyncrat'];
/** Shares of CLEAR, GREEN, AMBER, AMBER+STRICT, RED among the groups (a CERT's typical mix). */
const TLP_WEIGHTS: ReadonlyArray<readonly [TlpLevel, number]> = [
  ['CLEAR', 0.15],
  ['GREEN', 0.4],
  ['AMBER', 0.3],
  ['AMBER+STRICT', 0.1],
  ['RED', 0.05],
];

/** A small seeded PRNG (mulberry32), so every run writes the same bundle. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeBundle(path: string, total: number): Promise<number> {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  const random = rng(1);
  const identity = derivedId('identity', 'bench-org');
  const t0 = Date.UTC(2026, 9, 1);
  const iso = (ms: number) => new Date(ms).toISOString();
  let n = 0;
  await write('{"type":"bundle","id":"bundle--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","objects":[\n');
  const emit = async (o: unknown) => {
    await write(`${n === 0 ? '' : ',\n'}${JSON.stringify(o)}`);
    n++;
  };
  for (const l of TLP_ORDER) await emit(tlpMarkingDefinition(l));
  const created = iso(t0);
  await emit({
    type: 'identity',
    spec_version: '2.1',
    id: identity,
    created,
    modified: created,
    name: 'CERT Bench',
    identity_class: 'organization',
    sectors: ['government-national'],
  });
  const malware = FAMILIES.map((f) => derivedId('malware', f));
  for (const [i, f] of FAMILIES.entries())
    await emit({
      type: 'malware',
      spec_version: '2.1',
      id: malware[i],
      created,
      modified: created,
      created_by_ref: identity,
      name: f,
      is_family: true,
      malware_types: ['bot'],
      object_marking_refs: [TLP2_MARKING_IDS.CLEAR],
    });
  for (let g = 0; n < total; g++) {
    const ip = `${11 + (g >> 16)}.${(g >> 8) & 255}.${g & 255}.${1 + (g % 250)}`;
    let u = random();
    let tlp: TlpLevel = 'GREEN';
    for (const [l, w] of TLP_WEIGHTS) {
      if (u < w) {
        tlp = l;
        break;
      }
      u -= w;
    }
    const marking = [TLP2_MARKING_IDS[tlp]];
    const fam = Math.floor(random() * FAMILIES.length);
    const first = t0 + Math.floor(random() * 30) * 86_400_000;
    const last = first + Math.floor(random() * 20) * 86_400_000 + 3_600_000;
    const mod = iso(last);
    const addr = scoId('ipv4-addr', { value: ip });
    const infra = derivedId('infrastructure', `c2/${ip}`);
    const ind = derivedId('indicator', `c2/${ip}`);
    const group: unknown[] = [
      { type: 'ipv4-addr', spec_version: '2.1', id: addr, value: ip, object_marking_refs: marking },
      {
        type: 'infrastructure',
        spec_version: '2.1',
        id: infra,
        created: iso(first),
        modified: mod,
        created_by_ref: identity,
        name: `${FAMILIES[fam]} C2 ${ip}`,
        infrastructure_types: ['command-and-control', 'botnet'],
        first_seen: iso(first),
        last_seen: mod,
        object_marking_refs: marking,
      },
      {
        type: 'indicator',
        spec_version: '2.1',
        id: ind,
        created: iso(first),
        modified: mod,
        created_by_ref: identity,
        name: `${FAMILIES[fam]} C2 ${ip}`,
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '${ip}']`,
        pattern_type: 'stix',
        valid_from: iso(first),
        valid_until: iso(last + 30 * 86_400_000),
        confidence: 60 + Math.floor(random() * 40),
        object_marking_refs: marking,
      },
      {
        type: 'relationship',
        spec_version: '2.1',
        id: derivedId('relationship', `indicates/${ip}`),
        created: iso(first),
        modified: mod,
        created_by_ref: identity,
        relationship_type: 'indicates',
        source_ref: ind,
        target_ref: infra,
        object_marking_refs: marking,
      },
      {
        type: 'sighting',
        spec_version: '2.1',
        id: derivedId('sighting', `c2/${ip}`),
        created: iso(first),
        modified: mod,
        created_by_ref: identity,
        sighting_of_ref: ind,
        where_sighted_refs: [identity],
        first_seen: iso(first),
        last_seen: mod,
        count: 1 + Math.floor(random() * 5000),
        object_marking_refs: marking,
      },
    ];
    for (const o of group) if (n < total) await emit(o);
  }
  await write('\n]}\n');
  await new Promise<void>((r) => out.end(r));
  return n;
}

const total = Number(values.objects.replace(/_/g, ''));
const dir = mkdtempSync(join(tmpdir(), 'accord-stix-bench-'));
const bundle = join(dir, 'bundle.json');
try {
  const g0 = performance.now();
  const written = await writeBundle(bundle, total);
  log(
    `generated ${fmt(written)} objects (${(statSync(bundle).size / 2 ** 20).toFixed(1)} MiB) in ${((performance.now() - g0) / 1000).toFixed(1)} s: ${bundle}`,
  );
  const runs: Array<Record<string, number>> = [];
  for (let r = 0; r < Number(values.runs); r++) {
    const db = join(dir, `import-${r}.db`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // Exactly what `accord knowledge import FILE` does (src/cli/knowledge-command.ts).
    const text = readFileSync(bundle, 'utf8');
    const store = openSqliteStore(db);
    const s = await importStix(
      text,
      { knowledge: new SqliteKnowledgeStore(store.db), store },
      { source: bundle, collection: KNOWLEDGE_COLLECTION },
    );
    await store.close();
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (s.added !== written || s.quarantined !== 0)
      throw new Error(`import stored ${s.added} of ${written} objects, quarantined ${s.quarantined}`);
    const row = {
      objects: s.read,
      seconds: Number(secs.toFixed(2)),
      objectsPerSecond: Math.round(s.read / secs),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      peakRssKiB: process.resourceUsage().maxRSS,
    };
    runs.push(row);
    log(
      `run ${r + 1}: ${fmt(row.objects)} objects in ${row.seconds} s = ${fmt(row.objectsPerSecond)} objects/s, CPU ${row.cpuSeconds} s, peak RSS so far ${mib(row.peakRssKiB)}`,
    );
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
  }
  const result: Record<string, unknown> = { objects: written, runs };
  if (values.cli) {
    const db = join(dir, 'cli.db');
    const t0 = performance.now();
    const child = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../bin/accord.js'), 'knowledge', 'import', bundle, '--json', '--db', db],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`accord knowledge import failed: ${child.stderr}`);
    const out = JSON.parse(child.stdout) as { objectsPerSecond: number; seconds: number };
    result.cli = { ...out, processSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)) };
    log(
      `accord knowledge import (CLI): ${fmt(out.objectsPerSecond)} objects/s (${out.seconds} s inside, ${((performance.now() - t0) / 1000).toFixed(2)} s with start-up)`,
    );
  }
  const best = Math.max(...runs.map((r) => r.objectsPerSecond as number));
  log(`best ${fmt(best)} objects/s (target > 20,000): ${best > 20_000 ? 'MET' : 'NOT MET'}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  if (values.keep) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
