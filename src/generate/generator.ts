/**
 * The synthetic national-scale data set: a Shadowserver `event4_sinkhole` report in which a
 * chosen country's infected hosts (src_*) contact C2 servers abroad (dst_*).
 *
 * Shape (see proportions.ts for the figures and their sources):
 * - C2 servers: as many as the published ratio of hosts per C2 asks for the number of hosts;
 *   country by the chosen profile (e.g. CNCERT 2018: US 14,752 of ~49,000), family by the C2
 *   lists' sizes, port by the family's real C2 ports, ASN by the C2 lists' ASN histogram.
 * - Hosts per C2: heavy-tailed (Pareto, alpha ~1.16: a few C2 servers control most hosts).
 * - Each infected host beacons several times a day to its C2, at spread-out times and from a
 *   fresh ephemeral port, so a day's events fold into one observation per host.
 *
 * Deterministic: every value is a hash of (seed, host or C2 index, day), so the same options give
 * byte-identical output, and memory is bounded by the C2 table (never by the row count).
 */
import { Readable } from 'node:stream';
import { formatV4, PUBLIC_V4_COUNT, permutePublic, publicV4At } from './addresses.js';
import {
  ACCESS_ASNS,
  C2_LIST_COUNTRIES,
  type C2Profile,
  FAMILIES,
  HOSTING_ASNS,
  PROFILES,
  type Weighted,
} from './proportions.js';
import { Alias, Draws, hash2, mix32 } from './random.js';

/** The exact header of Shadowserver's event4_sinkhole report. */
export const EVENT4_SINKHOLE_HEADER =
  '"timestamp","protocol","src_ip","src_port","src_asn","src_geo","src_region","src_city","src_hostname","src_naics","src_sector","device_vendor","device_type","device_model","dst_ip","dst_port","dst_asn","dst_geo","dst_region","dst_city","dst_hostname","dst_naics","dst_sector","public_source","infection","family","tag","application","version","event_id"';

export interface GenerateOptions {
  /** Data rows to write (the header is extra). */
  readonly rows: number;
  /** Same seed, same options: byte-identical output. Default 1. */
  readonly seed?: number;
  /** Domestic country (ISO 3166-1 alpha-2) whose infected hosts are reported. Default CN. */
  readonly country?: string;
  /** Which published figures shape C2 countries (see PROFILES). Default: cncert-2018 for CN, else c2-lists. */
  readonly profile?: string;
  /** First UTC day of the report, YYYY-MM-DD. Default 2021-03-04 (the day of Shadowserver's sample). */
  readonly date?: string;
  /** Days the report covers; rows are spread over them. Default 1. */
  readonly days?: number;
  /** Beacons per host per day, inclusive range. Default [2, 12]. */
  readonly beacons?: readonly [number, number];
  /** Pareto shape of hosts per C2 (smaller: heavier tail). Default 1.16 (the 80/20 rule). */
  readonly tailAlpha?: number;
  /** Rows per yielded chunk. Default 8192. */
  readonly chunkRows?: number;
}

export interface GeneratePlan {
  readonly rows: number;
  readonly seed: number;
  readonly country: string;
  readonly profile: C2Profile;
  readonly days: number;
  readonly firstDayMs: number;
  readonly beacons: readonly [number, number];
  /** Hosts the rows are planned for (more may appear if beacon draws fall short). */
  readonly hosts: number;
  readonly c2Servers: number;
  readonly tailAlpha: number;
}

export type PlanResult = { ok: true; plan: GeneratePlan } | { ok: false; error: string };

/** Check the options and derive the sizes; errors name the option. */
export function planGeneration(o: GenerateOptions): PlanResult {
  const rows = o.rows;
  if (!Number.isSafeInteger(rows) || rows < 0)
    return { ok: false, error: `rows must be a whole number >= 0, got ${rows}` };
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) return { ok: false, error: `seed must be a whole number, got ${seed}` };
  const country = (o.country ?? 'CN').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    return { ok: false, error: `country must be a two-letter code, got "${o.country}"` };
  const profileName = o.profile ?? (country === 'CN' ? 'cncert-2018' : 'c2-lists');
  const profile = PROFILES[profileName];
  if (!profile)
    return {
      ok: false,
      error: `unknown profile "${profileName}"; known: ${Object.keys(PROFILES).join(', ')}`,
    };
  const date = o.date ?? '2021-03-04';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const firstDayMs = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(firstDayMs) || new Date(firstDayMs).toISOString().slice(0, 10) !== date)
    return { ok: false, error: `date must be a day as YYYY-MM-DD, got "${date}"` };
  const days = o.days ?? 1;
  if (!Number.isSafeInteger(days) || days < 1 || days > 3660)
    return { ok: false, error: `days must be a whole number from 1 to 3660, got ${days}` };
  const beacons = o.beacons ?? [2, 12];
  if (
    !Number.isSafeInteger(beacons[0]) ||
    !Number.isSafeInteger(beacons[1]) ||
    beacons[0] < 1 ||
    beacons[1] < beacons[0] ||
    beacons[1] > 86_400
  )
    return {
      ok: false,
      error: `beacons must be a range [min, max] with 1 <= min <= max <= 86400, got [${beacons.join(', ')}]`,
    };
  const tailAlpha = o.tailAlpha ?? 1.16;
  if (!(tailAlpha > 0.5 && tailAlpha < 10))
    return { ok: false, error: `tailAlpha must be in (0.5, 10), got ${tailAlpha}` };
  const meanBeacons = (beacons[0] + beacons[1]) / 2;
  const hosts = Math.max(1, Math.ceil(rows / (days * meanBeacons)));
  const c2Servers = Math.max(1, Math.min(Math.round(hosts / profile.hostsPerC2), 10_000_000));
  if (hosts + c2Servers >= PUBLIC_V4_COUNT)
    return { ok: false, error: `rows ${rows} is too many for distinct IPv4 hosts` };
  return {
    ok: true,
    plan: { rows, seed, country, profile, days, firstDayMs, beacons, hosts, c2Servers, tailAlpha },
  };
}

function aliasOf<T>(table: readonly Weighted<T>[]): { values: T[]; alias: Alias } {
  return { values: table.map((t) => t[0]), alias: new Alias(table.map((t) => t[1])) };
}

/** The C2 country table of a profile, with the domestic country taken out (C2 servers are abroad). */
export function c2Countries(profile: C2Profile, domestic: string): Weighted<string>[] {
  const named = profile.countries.filter(([c]) => c !== domestic);
  const skip = new Set([domestic, ...profile.countries.map(([c]) => c)]);
  const restTable = C2_LIST_COUNTRIES.filter(([c]) => !skip.has(c));
  const restTotal = restTable.reduce((s, [, w]) => s + w, 0);
  const spread = restTable.map(([c, w]) => [c, (profile.rest * w) / restTotal] as const);
  return [...named, ...spread];
}

/** Salts that keep the hash streams of different purposes apart. */
const SALT_C2 = 0x6332;
const SALT_HOST = 0x686f;
const SALT_DAY = 0x6461;
const SALT_ADDR = 0x6164;

const TWO = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * The rows as text chunks (header first), lazily: the caller pulls, so a slow consumer holds
 * memory at one chunk.
 */
export function* generateChunks(options: GenerateOptions): Generator<string, void, undefined> {
  const r = planGeneration(options);
  if (!r.ok) throw new RangeError(r.error);
  const p = r.plan;
  const seed = mix32(p.seed >>> 0) ^ mix32(Math.floor(p.seed / 4294967296) + 0x51ed);
  const addrKey = hash2(seed, SALT_ADDR);
  const chunkRows = Math.max(1, options.chunkRows ?? 8192);

  // C2 servers: one precomputed tail of the row each ("dst_ip",port,asn,"cc",...,"family","family",...).
  const countries = aliasOf(c2Countries(p.profile, p.country));
  const families = aliasOf(FAMILIES.map((f) => [f, f.c2Servers] as const));
  const ports = FAMILIES.map((f) => aliasOf(f.ports));
  const hostingAsns = new Map<string, { values: number[]; alias: Alias }>();
  for (const [cc, t] of Object.entries(HOSTING_ASNS)) hostingAsns.set(cc, aliasOf(t));
  const c2Tail: string[] = new Array(p.c2Servers);
  const c2Linux: boolean[] = new Array(p.c2Servers);
  const c2Weight = new Float64Array(p.c2Servers);
  for (let j = 0; j < p.c2Servers; j++) {
    const d = new Draws(hash2(hash2(seed, SALT_C2), j));
    const cc = countries.values[countries.alias.pick(d.unit(), d.unit())] as string;
    const fi = families.alias.pick(d.unit(), d.unit());
    const fam = FAMILIES[fi] as (typeof FAMILIES)[number];
    const pt = ports[fi] as { values: number[]; alias: Alias };
    const port = pt.values[pt.alias.pick(d.unit(), d.unit())] as number;
    const asns = hostingAsns.get(cc);
    const asn = asns ? String(asns.values[asns.alias.pick(d.unit(), d.unit())]) : '';
    // Pareto weight: hosts per C2 are heavy-tailed.
    c2Weight[j] = (1 - d.unit()) ** (-1 / p.tailAlpha);
    const ip = formatV4(publicV4At(permutePublic(PUBLIC_V4_COUNT - 1 - j, addrKey)));
    c2Tail[j] = `"${ip}",${port},${asn},"${cc}",,,,,,,"${fam.name}","${fam.name}",,,,\n`;
    c2Linux[j] = fam.name === 'mirai';
  }
  const c2Pick = new Alias(c2Weight);

  const access = ACCESS_ASNS[p.country] ?? HOSTING_ASNS[p.country];
  const accessAsns = access ? aliasOf(access) : undefined;
  const srcGeo = `,"${p.country}",,,,,,,,,`;
  const [bMin, bMax] = p.beacons;
  const bSpan = bMax - bMin + 1;

  yield `${EVENT4_SINKHOLE_HEADER}\n`;
  let emitted = 0;
  let buf = '';
  let inBuf = 0;
  const hostSalt = hash2(seed, SALT_HOST);
  const daySalt = hash2(seed, SALT_DAY);
  for (let day = 0; emitted < p.rows; day++) {
    const lastDay = day >= p.days - 1;
    const dayIndex = Math.min(day, p.days - 1);
    const datePrefix = `"${new Date(p.firstDayMs + dayIndex * 86_400_000).toISOString().slice(0, 10)} `;
    // On the last day, hosts go on past the plan until the row count is reached.
    for (let h = 0; emitted < p.rows && (lastDay || h < p.hosts); h++) {
      // Host constants: address, network, C2 (same every day).
      const hd = new Draws(hash2(hostSalt, h));
      const c2 = c2Pick.pick(hd.unit(), hd.unit());
      const asn = accessAsns ? String(accessAsns.values[accessAsns.alias.pick(hd.unit(), hd.unit())]) : '';
      const ip = formatV4(publicV4At(permutePublic(h, addrKey)));
      const head = `","tcp","${ip}",`;
      const mid = `,${asn}${srcGeo}`;
      const tail = c2Tail[c2] as string;
      // Linux bots (mirai) use Linux's ephemeral range, the others Windows' (RFC 6335 dynamic).
      const portBase = c2Linux[c2] ? 32768 : 49152;
      const portSpan = c2Linux[c2] ? 28232 : 16384;
      // This day's beacons: k of them, one in each of k equal slots of the day (ordered times).
      const dd = new Draws(hash2(hash2(daySalt, day), h));
      let k = bMin + dd.below(bSpan);
      if (k > p.rows - emitted) k = p.rows - emitted;
      const slot = 86_400 / k;
      for (let b = 0; b < k; b++) {
        const t = Math.floor(b * slot + dd.unit() * slot);
        const hh = Math.floor(t / 3600);
        const mm = Math.floor(t / 60) % 60;
        const ss = t % 60;
        buf += `${datePrefix}${TWO[hh]}:${TWO[mm]}:${TWO[ss]}${head}${portBase + dd.below(portSpan)}${mid}${tail}`;
      }
      emitted += k;
      inBuf += k;
      if (inBuf >= chunkRows) {
        yield buf;
        buf = '';
        inBuf = 0;
      }
    }
  }
  if (buf.length > 0) yield buf;
}

/** Write the data set through `write` (awaited when it returns a promise, for back-pressure). */
export async function generate(
  options: GenerateOptions,
  write: (chunk: string) => void | Promise<void>,
): Promise<{ rows: number; bytes: number }> {
  let bytes = 0;
  for (const chunk of generateChunks(options)) {
    bytes += Buffer.byteLength(chunk);
    const w = write(chunk);
    if (w) await w;
  }
  return { rows: options.rows, bytes };
}

/** The data set as a Readable stream of UTF-8 Buffers (honours back-pressure). */
export function generateStream(options: GenerateOptions): Readable {
  const r = planGeneration(options);
  if (!r.ok) throw new RangeError(r.error);
  const chunks = generateChunks(options);
  return Readable.from(
    (function* () {
      for (const c of chunks) yield Buffer.from(c, 'latin1');
    })(),
    { objectMode: false },
  );
}
