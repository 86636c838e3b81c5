/**
 * Measures warninglist enrichment on one core with the given lists loaded (default: every list in
 * ../shared/data/misp/warninglists). Events are synthetic but shaped like real feeds: bots with a
 * C2 destination, C2 lists with domains, URL lists, some IPv6, and a share of values that are on
 * the lists (tranco domains, public resolvers, cloud ranges).
 *
 *   npx tsx bench/warninglist-bench.ts [path-or-glob ...]
 */
import { join } from 'node:path';
import { loadWarninglists, warninglistInstance } from '../src/components/enrichers/warninglist/index.js';
import type { Event } from '../src/domain/schema/event.js';

const paths = process.argv.slice(2);
const DEFAULT = join(import.meta.dirname, '../../shared/data/misp/warninglists');
const t0 = performance.now();
const { matcher, warnings } = await loadWarninglists(
  { paths: paths.length > 0 ? paths : [DEFAULT], exclude: [], matchingAttributes: true },
  process.cwd(),
);
const loadMs = performance.now() - t0;
for (const w of warnings) console.warn(w);
const entries = matcher.lists.reduce((n, l) => n + l.size, 0);
console.log(`loaded ${matcher.lists.length} lists, ${entries} entries in ${loadMs.toFixed(0)} ms`);

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const ip4 = () =>
  `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
const ip6 = () =>
  `2a0${Math.floor(rnd() * 9)}:${Math.floor(rnd() * 65536).toString(16)}::${Math.floor(rnd() * 65536).toString(16)}`;
const hostList = matcher.lists.find((l) => l.type === 'hostname');
const known = hostList && hostList.entries.type === 'hostname' ? hostList.entries.values : ['example.com'];
const domain = () =>
  rnd() < 0.2
    ? `www.${known[Math.floor(rnd() * known.length)]}`
    : `h${Math.floor(rnd() * 1e6)}.example${Math.floor(rnd() * 100)}.net`;
const resolvers = ['8.8.8.8', '1.1.1.1', '9.9.9.9', '3.5.140.2', '104.16.1.1'];
const dst = () => (rnd() < 0.1 ? (resolvers[Math.floor(rnd() * resolvers.length)] as string) : ip4());

const N = 200_000;
const events: Event[] = [];
for (let i = 0; i < N; i++) {
  const r = rnd();
  if (r < 0.55) events.push({ 'source.ip': ip4(), 'destination.ip': dst(), 'destination.port': 443 });
  else if (r < 0.75) events.push({ 'source.ip': ip4(), 'source.fqdn': domain() });
  else if (r < 0.9)
    events.push({ 'source.url': `http://${domain()}/path/${i}.php?id=${i}`, 'source.ip': ip4() });
  else events.push({ 'source.ip': ip6(), 'destination.ip': dst() });
}

const inst = warninglistInstance(matcher);
let flagged = 0;
for (const e of events.slice(0, 20_000)) inst.enrich(e); // warm-up
const ROUNDS = 5;
const cpu0 = process.cpuUsage();
const t1 = performance.now();
for (let r = 0; r < ROUNDS; r++) for (const e of events) if (inst.enrich(e) !== e && r === 0) flagged++;
const secs = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
console.log(
  `${(N * ROUNDS).toLocaleString('en')} events in ${secs.toFixed(2)} s: ` +
    `${Math.round((N * ROUNDS) / secs).toLocaleString('en')} events/s wall, ` +
    `${Math.round((N * ROUNDS) / cpuSecs).toLocaleString('en')} events/s per CPU second; ` +
    `${((100 * flagged) / N).toFixed(1)}% flagged`,
);
