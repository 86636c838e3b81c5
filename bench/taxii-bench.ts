// The TAXII benchmark (issue 4, "Speed"): store N STIX objects (indicators and the ipv4-addr
// objects they point at, TLP CLEAR/GREEN/AMBER/RED as a CERT's collection would hold them) in a
// fresh SQLite file, then time GET objects?limit=1000 pages at random offsets (added_after) as a
// partner with an AMBER agreement (so the TLP filter is part of every query), through the Fastify
// app (inject) and over real loopback HTTP. Target: a page of 1,000 in under 50 ms at the median.
//
//   npx tsx bench/taxii-bench.ts                        1,000,000 objects, 50 pages each way
//   npx tsx bench/taxii-bench.ts --objects 100000 --pages 20
//   npx tsx bench/taxii-bench.ts --db /tmp/t.db --keep  keep the store; reuse it with --db (no insert)
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TLP2_MARKING_IDS, type TlpLevel } from '../src/domain/tlp.js';
import { derivedId, scoId } from '../src/knowledge/ids.js';
import {
  KNOWLEDGE_COLLECTION,
  type PreparedObject,
  prepareObject,
} from '../src/knowledge/knowledge-store.js';
import { buildApp } from '../src/server/app.js';
import { SqliteKnowledgeStore } from '../src/storage/knowledge/sqlite-knowledge-store.js';
import { SqlitePartnerStore } from '../src/storage/partners/sqlite-partner-store.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { SqliteStatusStore } from '../src/storage/taxii/sqlite-status-store.js';
import { TAXII_MEDIA_TYPE } from '../src/taxii/server/media.js';
import { API_ROOT_PATH } from '../src/taxii/server/taxii-plugin.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '1000000' },
    pages: { type: 'string', default: '50' },
    limit: { type: 'string', default: '1000' },
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const N = Number(values.objects.replace(/_/g, ''));
const PAGES = Number(values.pages);
const LIMIT = Number(values.limit);
const deadline = Date.now() + Number(values['max-seconds']) * 1000;
if (!Number.isInteger(N) || N < 1 || N > 20_000_000) throw new Error('--objects: 1 .. 20,000,000');
if (!Number.isInteger(PAGES) || PAGES < 1 || PAGES > 10_000) throw new Error('--pages: 1 .. 10,000');

log(
  `machine: ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const dir = values.db ? undefined : mkdtempSync(join(tmpdir(), 'accord-taxii-bench-'));
const dbPath = values.db ?? join(dir as string, 'taxii.db');
const reuse = values.db !== undefined && existsSync(values.db);
const store = openSqliteStore(dbPath);
const knowledge = new SqliteKnowledgeStore(store.db);
const partners = new SqlitePartnerStore(store.db);
const result: Record<string, unknown> = { objects: N, limit: LIMIT, pages: PAGES };

/** A small deterministic generator, so runs are comparable. */
let seed = 0x2f6e2b1;
const rand = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const TLPS: readonly [TlpLevel, number][] = [
  ['CLEAR', 0.4],
  ['GREEN', 0.3],
  ['AMBER', 0.25],
  ['RED', 0.05],
];
function tlp(): TlpLevel {
  let x = rand();
  for (const [l, p] of TLPS) if ((x -= p) < 0) return l;
  return 'CLEAR';
}
const FAMILIES = ['emotet', 'qakbot', 'icedid', 'cobaltstrike', 'mirai', 'gafgyt', 'trickbot', 'asyncrat'];
const ORG = derivedId('identity', 'organisation\u001fCERT Bench');

function objectPair(i: number): PreparedObject[] {
  const ip = `${11 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
  const level = tlp();
  const marking = [TLP2_MARKING_IDS[level]];
  const day = new Date(Date.UTC(2026, 9, 1) + Math.floor(rand() * 30) * 86_400_000).toISOString();
  const family = FAMILIES[Math.floor(rand() * FAMILIES.length)] as string;
  const addr = {
    type: 'ipv4-addr',
    spec_version: '2.1',
    id: scoId('ipv4-addr', { value: ip }),
    value: ip,
    object_marking_refs: marking,
  };
  const ind = {
    type: 'indicator',
    spec_version: '2.1',
    id: derivedId('indicator', `c2\u001f${ip}`),
    created: day,
    modified: day,
    created_by_ref: ORG,
    name: `${family} C2 ${ip}`,
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '${ip}']`,
    pattern_type: 'stix',
    valid_from: day,
    valid_until: new Date(Date.parse(day) + 30 * 86_400_000).toISOString(),
    labels: [family],
    object_marking_refs: marking,
  };
  return [prepareObject(addr), prepareObject(ind)];
}

try {
  if (!reuse) {
    const t0 = performance.now();
    const c0 = cpu();
    const BATCH = 10_000;
    let stored = 0;
    for (let i = 0; stored < N; i++) {
      if (Date.now() > deadline)
        throw new Error(`--max-seconds reached while inserting (${fmt(stored)} stored)`);
      const batch: PreparedObject[] = [];
      for (; batch.length < BATCH && stored + batch.length < N; i++)
        batch.push(...objectPair(i).slice(0, N - stored - batch.length));
      i--;
      await knowledge.put(KNOWLEDGE_COLLECTION, batch);
      stored += batch.length;
      if (stored % 200_000 === 0) log(`  stored ${fmt(stored)}`);
    }
    const secs = (performance.now() - t0) / 1000;
    result.insert = {
      seconds: Number(secs.toFixed(1)),
      objectsPerSecond: Math.round(N / secs),
      cpuSeconds: Number((cpu() - c0).toFixed(1)),
    };
    log(
      `stored ${fmt(N)} objects in ${secs.toFixed(1)} s (${fmt(N / secs)}/s, ${(cpu() - c0).toFixed(1)} CPU s)`,
    );
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  result.dbBytes = statSync(dbPath).size;
  log(`database ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MiB at ${dbPath}`);

  const existing = await partners.get('bench-partner');
  if (!existing) {
    const p = await partners.add({
      name: 'bench-partner',
      country: 'XX',
      agreement: { read: [KNOWLEDGE_COLLECTION], write: [], maxTlp: 'AMBER', mayShareOnward: false },
    });
    if (!p.ok) throw new Error(p.error);
  }
  const cred = await partners.addCredential({ kind: 'basic', partner: 'bench-partner' });
  if (!cred.ok) throw new Error(cred.error);
  const password = cred.value.secret;
  const authorization = `Basic ${Buffer.from(`bench-partner:${password}`).toString('base64')}`;

  const range = store.db
    .prepare(
      'SELECT min(date_added) AS lo, max(date_added) AS hi FROM knowledge_objects WHERE collection = ?',
    )
    .get(KNOWLEDGE_COLLECTION) as { lo: number; hi: number };
  const app = await buildApp({
    taxii: { knowledge, quarantine: store, partners, statuses: new SqliteStatusStore(store.db) },
  });
  const url = (after: number) =>
    `${API_ROOT_PATH}collections/${KNOWLEDGE_COLLECTION}/objects/?limit=${LIMIT}&added_after=${new Date(after).toISOString()}`;
  const offsets = Array.from(
    { length: PAGES },
    () => range.lo + Math.floor(rand() * Math.max(1, range.hi - range.lo - LIMIT * 3)),
  );

  const summarise = (name: string, times: number[], sizes: number[], cpuSecs: number) => {
    const sorted = [...times].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
    const s = {
      pages: times.length,
      medianMs: Number(q(0.5).toFixed(1)),
      p95Ms: Number(q(0.95).toFixed(1)),
      maxMs: Number((sorted[sorted.length - 1] as number).toFixed(1)),
      meanObjects: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
      cpuMsPerPage: Number(((cpuSecs * 1000) / times.length).toFixed(1)),
    };
    log(
      `${name}: ${s.pages} pages of ${LIMIT}: median ${s.medianMs} ms, p95 ${s.p95Ms} ms, max ${s.maxMs} ms, ${s.meanObjects} objects/page, ${s.cpuMsPerPage} CPU ms/page`,
    );
    result[name] = s;
  };

  // warm-up (the first request verifies the password with scrypt; later ones use the cache)
  for (let i = 0; i < 3; i++)
    await app.inject({
      url: url(offsets[i] as number),
      headers: { accept: TAXII_MEDIA_TYPE, authorization },
    });

  {
    const times: number[] = [];
    const sizes: number[] = [];
    const c0 = cpu();
    for (const off of offsets) {
      if (Date.now() > deadline) break;
      const t = performance.now();
      const r = await app.inject({ url: url(off), headers: { accept: TAXII_MEDIA_TYPE, authorization } });
      const body = JSON.parse(r.body) as { objects?: unknown[] };
      times.push(performance.now() - t);
      if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}: ${r.body.slice(0, 300)}`);
      sizes.push(body.objects?.length ?? 0);
    }
    summarise('inject', times, sizes, cpu() - c0);
  }

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const times: number[] = [];
    const sizes: number[] = [];
    const c0 = cpu();
    for (const off of offsets) {
      if (Date.now() > deadline) break;
      const t = performance.now();
      const r = await fetch(`${address}${url(off)}`, {
        headers: { accept: TAXII_MEDIA_TYPE, authorization },
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      times.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${text.slice(0, 300)}`);
      sizes.push(((JSON.parse(text) as { objects?: unknown[] }).objects ?? []).length);
    }
    summarise('http', times, sizes, cpu() - c0);
  } finally {
    await app.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await store.close();
  if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dbPath}`);
}
