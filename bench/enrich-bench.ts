/**
 * Micro-benchmark of the enrichers' data structures, on the bundled @ip-location-db data:
 * load time of the range tables, IPv4/IPv6 lookups per second on one core, and events per second
 * through the geo and constituency enrichers.
 *
 *   npx tsx bench/enrich-bench.ts            (or: node --import tsx bench/enrich-bench.ts)
 *   ENRICH_BENCH_LOOKUPS=20000000 npx tsx bench/enrich-bench.ts
 *
 * Exits non-zero when IPv4 lookups fall below 5,000,000/s (the target of issue 3).
 */
import { join } from 'node:path';
import { createConstituencyEnricher } from '../src/components/enrichers/constituency/constituency-enricher.js';
import { loadConstituency } from '../src/components/enrichers/constituency/index.js';
import { loadAsnCsv, loadCountryCsv } from '../src/components/enrichers/geo/csv-data.js';
import { defaultAsnFiles, defaultCountryFiles } from '../src/components/enrichers/geo/default-data.js';
import { createGeoEnricher } from '../src/components/enrichers/geo/geo-enricher.js';
import { formatIPv4 } from '../src/domain/ip.js';
import type { Event } from '../src/domain/schema/event.js';

const LOOKUPS = Number(process.env.ENRICH_BENCH_LOOKUPS ?? 10_000_000);
const TARGET_V4 = 5_000_000;

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
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

async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (t: { wallMs: number; cpuMs: number }) =>
  `${t.wallMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU`;

const warnings: string[] = [];
const warn = (m: string) => warnings.push(m);
const countryFiles = defaultCountryFiles();
const asnFiles = defaultAsnFiles();
if (countryFiles.missing || asnFiles.missing) {
  console.error('the @ip-location-db packages are not installed (npm install)');
  process.exit(2);
}
const country = await timed(() => loadCountryCsv(countryFiles.files, warn));
const asn = await timed(() => loadAsnCsv(asnFiles.files, warn));
const t = country.value.table;
console.log(
  `load country (@ip-location-db/geo-whois-asn-country, ${fmt(t.size4)} IPv4 + ${fmt(t.size6)} IPv6 ranges): ${ms(country)}`,
);
console.log(`load ASN (@ip-location-db/asn, IPv4 -num + IPv6 address files): ${ms(asn)}`);
console.log(`  (${warnings.length} load warnings: overlaps in the npm data, resolved narrower-wins)`);

// IPv4 lookups on one core: random addresses, a few rounds over a typed array of them.
const rand = rng(42);
const N = 1 << 20;
const ips = new Uint32Array(N);
for (let i = 0; i < N; i++) ips[i] = Math.floor(rand() * 4294967296) >>> 0;
let hits = 0;
for (let i = 0; i < N; i++) if (t.find4(ips[i]!) >= 0) hits++; // warm-up
const v4 = await timed(() => {
  let found = 0;
  for (let i = 0; i < LOOKUPS; i++) if (t.find4(ips[i & (N - 1)]!) >= 0) found++;
  return found;
});
const v4Rate = LOOKUPS / (v4.cpuMs / 1000);
console.log(
  `IPv4 lookups: ${fmt(LOOKUPS)} in ${ms(v4)} = ${fmt(v4Rate)}/s per core (CPU time; ${fmt(LOOKUPS / (v4.wallMs / 1000))}/s by wall clock), ${((hits / N) * 100).toFixed(0)}% of random addresses found`,
);

// IPv6 lookups: addresses inside the table's ranges (random ones would nearly all miss).
const M = 1 << 16;
const words = new Uint32Array(M * 4);
for (let i = 0; i < M; i++) {
  const r = Math.floor(rand() * t.size6);
  words.set(t.starts6.subarray(r * 4, r * 4 + 4), i * 4);
  words[i * 4 + 3] = (words[i * 4 + 3]! + Math.floor(rand() * 256)) >>> 0;
}
const V6_LOOKUPS = Math.floor(LOOKUPS / 4);
const v6 = await timed(() => {
  let found = 0;
  for (let i = 0; i < V6_LOOKUPS; i++) if (t.find6(words, (i & (M - 1)) * 4) >= 0) found++;
  return found;
});
console.log(
  `IPv6 lookups: ${fmt(V6_LOOKUPS)} in ${ms(v6)} = ${fmt(V6_LOOKUPS / (v6.cpuMs / 1000))}/s per core`,
);

// Whole events through the geo enricher (text address parsed, country + ASN + network filled).
const EVENTS = 1_000_000;
const events: Event[] = [];
for (let i = 0; i < 4096; i++)
  events.push({
    'source.ip': formatIPv4(ips[i]!),
    'destination.ip': formatIPv4(ips[i + 4096]!),
    'destination.port': 443,
  } as Event);
const geo = createGeoEnricher({ country: country.value, asn: asn.value }, ['source', 'destination']);
const g = await timed(() => {
  let n = 0;
  for (let i = 0; i < EVENTS; i++) if (geo.enrich(events[i & 4095]!) !== events[i & 4095]) n++;
  return n;
});
console.log(
  `geo enricher (2 endpoints): ${fmt(EVENTS)} events in ${ms(g)} = ${fmt(EVENTS / (g.cpuMs / 1000))} events/s`,
);

// Constituency on the shipped example, after geo.
const { constituency } = await loadConstituency(
  {
    file: join(import.meta.dirname, '../samples/constituency/example.yaml'),
    nationalCountries: ['NL'],
    endpoints: ['source', 'destination'],
  },
  '.',
);
const cons = createConstituencyEnricher(constituency, ['source', 'destination']);
const geoed = events.map((e) => geo.enrich(e));
const c = await timed(() => {
  let n = 0;
  for (let i = 0; i < EVENTS; i++) if (cons.enrich(geoed[i & 4095]!) !== geoed[i & 4095]) n++;
  return n;
});
console.log(
  `constituency enricher (2 endpoints): ${fmt(EVENTS)} events in ${ms(c)} = ${fmt(EVENTS / (c.cpuMs / 1000))} events/s`,
);

if (v4Rate < TARGET_V4) {
  console.error(`IPv4 lookup rate ${fmt(v4Rate)}/s is below the target of ${fmt(TARGET_V4)}/s`);
  process.exitCode = 1;
}
