import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA } from '../components/parsers/test-support/golden.js';
import { nonPublicReason, parseIp } from '../domain/ip.js';
import { parseTimestampMs } from '../domain/time.js';
import { PUBLIC_V4_COUNT, permutePublic, publicV4At } from './addresses.js';
import {
  EVENT4_SINKHOLE_HEADER,
  generate,
  generateChunks,
  generateStream,
  planGeneration,
} from './generator.js';
import { FAMILIES, PROFILES } from './proportions.js';

function text(opts: Parameters<typeof generateChunks>[0]): string {
  let s = '';
  for (const c of generateChunks(opts)) s += c;
  return s;
}

/** Split a generated row (no quoted commas are generated) into its 30 columns, quotes removed. */
function cols(line: string): string[] {
  return line.split(',').map((c) => c.replace(/^"|"$/g, ''));
}

describe('generate: event4_sinkhole data set', () => {
  it('writes the exact header of the Shadowserver report', () => {
    const first = text({ rows: 0 }).split('\n')[0];
    expect(first).toBe(EVENT4_SINKHOLE_HEADER);
    if (!hasSharedData) {
      console.warn(`skipped header comparison: ${SHARED_DATA} is absent`);
      return;
    }
    const real = readFileSync(join(SHARED_DATA, 'shadowserver/event4_sinkhole.csv'), 'utf8').split('\n')[0];
    expect(first).toBe(real?.replace(/\r$/, ''));
  });

  it('writes exactly the rows asked for, 30 columns each', () => {
    for (const rows of [0, 1, 7, 12, 13, 5000]) {
      const lines = text({ rows, seed: 3 }).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.length).toBe(rows + 1);
      for (const l of lines) expect(l.split(',').length).toBe(30);
    }
  });

  it('is deterministic: same seed, byte-identical output; another seed, other output', () => {
    const digest = (seed: number) =>
      createHash('sha256')
        .update(text({ rows: 20_000, seed }))
        .digest('hex');
    expect(digest(42)).toBe(digest(42));
    expect(digest(42)).not.toBe(digest(43));
    // Chunking does not change the bytes.
    expect(text({ rows: 3000, seed: 5, chunkRows: 1 })).toBe(
      text({ rows: 3000, seed: 5, chunkRows: 100_000 }),
    );
  });

  it('reports public addresses, the domestic country as source and C2 abroad as destination', () => {
    const lines = text({ rows: 6000, seed: 9, country: 'cn' }).trimEnd().split('\n').slice(1);
    const families = new Set(FAMILIES.map((f) => f.name));
    const day = Date.UTC(2021, 2, 4);
    for (const l of lines) {
      const c = cols(l);
      for (const ipText of [c[2], c[14]]) {
        const ip = parseIp(ipText as string);
        expect(ip, ipText).toBeDefined();
        expect(nonPublicReason(ip as NonNullable<typeof ip>), ipText).toBeUndefined();
      }
      expect(c[1]).toBe('tcp');
      expect(c[5]).toBe('CN');
      expect(['4134', '4837', '9808']).toContain(c[4]);
      expect(c[17]).toMatch(/^[A-Z]{2}$/);
      expect(c[17]).not.toBe('CN');
      expect(families.has(c[24] as string)).toBe(true);
      expect(c[25]).toBe(c[24]);
      const port = Number(c[3]);
      expect(port).toBeGreaterThanOrEqual(32768);
      expect(port).toBeLessThanOrEqual(65535);
      expect(Number(c[15])).toBeGreaterThan(0);
      const t = parseTimestampMs(c[0] as string) as number;
      expect(t).toBeGreaterThanOrEqual(day);
      expect(t).toBeLessThan(day + 86_400_000);
    }
  });

  it('makes each host beacon several times a day, so events fold into fewer observations', () => {
    const lines = text({ rows: 30_000, seed: 1 }).trimEnd().split('\n').slice(1);
    const observations = new Set<string>();
    const hosts = new Set<string>();
    for (const l of lines) {
      const c = cols(l);
      observations.add(`${c[2]}|${c[14]}|${c[15]}|${c[24]}|${c[0]?.slice(0, 10)}`);
      hosts.add(c[2] as string);
    }
    // Beacons per host-day are 2..12 (mean 7): observations are about a seventh of the events.
    expect(lines.length / observations.size).toBeGreaterThan(5);
    expect(lines.length / observations.size).toBeLessThan(9);
    expect(observations.size).toBe(hosts.size);
  });

  it('spreads rows over several days and keeps each host on its C2', () => {
    const lines = text({ rows: 10_000, seed: 2, days: 3, date: '2024-02-28' }).trimEnd().split('\n').slice(1);
    const daysSeen = new Set(lines.map((l) => l.slice(1, 11)));
    expect([...daysSeen].sort()).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    const c2Of = new Map<string, string>();
    for (const l of lines) {
      const c = cols(l);
      const prev = c2Of.get(c[2] as string);
      if (prev !== undefined) expect(c[14]).toBe(prev);
      c2Of.set(c[2] as string, c[14] as string);
    }
  });

  it('gives C2 servers heavy-tailed numbers of hosts and the profile country shares', () => {
    const plan = planGeneration({ rows: 800_000 });
    expect(plan.ok && plan.plan.c2Servers).toBeGreaterThan(1000);
    const hostsPerC2 = new Map<string, Set<string>>();
    const c2Country = new Map<string, string>();
    for (const chunk of generateChunks({ rows: 800_000, seed: 11 })) {
      for (const l of chunk.split('\n')) {
        if (!l.startsWith('"2')) continue;
        const c = cols(l);
        const dst = c[14] as string;
        let s = hostsPerC2.get(dst);
        if (!s) hostsPerC2.set(dst, (s = new Set()));
        s.add(c[2] as string);
        c2Country.set(dst, c[17] as string);
      }
    }
    const sizes = [...hostsPerC2.values()].map((s) => s.size).sort((a, b) => b - a);
    const total = sizes.reduce((a, b) => a + b, 0);
    const top10 = sizes.slice(0, Math.ceil(sizes.length / 10)).reduce((a, b) => a + b, 0);
    // Heavy tail: the top tenth of C2 servers control over half the hosts; the median one few.
    expect(top10 / total).toBeGreaterThan(0.5);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeLessThan(total / sizes.length);
    // Country of C2 servers: CNCERT 2018, US 14,752 of ~49,000 (30%), Japan 6,551 (13%).
    const all = [...c2Country.values()];
    const share = (cc: string) => all.filter((x) => x === cc).length / all.length;
    expect(share('US')).toBeGreaterThan(0.25);
    expect(share('US')).toBeLessThan(0.36);
    expect(share('JP')).toBeGreaterThan(0.1);
    expect(share('JP')).toBeLessThan(0.17);
  });

  it('uses another domestic country and profile when asked', () => {
    const lines = text({ rows: 2000, seed: 4, country: 'US', profile: 'cncert-2021h1' })
      .trimEnd()
      .split('\n')
      .slice(1);
    for (const l of lines) {
      const c = cols(l);
      expect(c[5]).toBe('US');
      expect(c[17]).not.toBe('US');
    }
    expect(Object.keys(PROFILES)).toContain('c2-lists');
  });

  it('rejects bad options with a message naming the option', () => {
    expect(planGeneration({ rows: -1 })).toMatchObject({ ok: false, error: expect.stringContaining('rows') });
    expect(planGeneration({ rows: 1, country: 'China' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('country'),
    });
    expect(planGeneration({ rows: 1, profile: 'x' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('profile'),
    });
    expect(planGeneration({ rows: 1, date: '2021-02-30' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('date'),
    });
    expect(planGeneration({ rows: 1, beacons: [3, 2] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('beacons'),
    });
    expect(() => generateChunks({ rows: 1.5 }).next()).toThrow(/rows/);
  });

  it('streams: the first chunk of a 50-million-row data set comes at once', () => {
    const t = performance.now();
    const it = generateChunks({ rows: 50_000_000, seed: 1 });
    it.next();
    const second = it.next();
    expect(second.done).toBe(false);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('writes through a callback and a Readable stream with the same bytes', async () => {
    const opts = { rows: 5000, seed: 8 };
    const parts: string[] = [];
    const r = await generate(opts, (c) => {
      parts.push(c);
    });
    const viaStream: Buffer[] = [];
    for await (const b of generateStream(opts)) viaStream.push(b as Buffer);
    expect(Buffer.concat(viaStream).toString()).toBe(parts.join(''));
    expect(r.bytes).toBe(Buffer.byteLength(parts.join('')));
  });
});

describe('public address index', () => {
  it('maps indexes to distinct public addresses', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50_000; i++) {
      const v = publicV4At(permutePublic(i, 1234));
      seen.add(v);
      const ip = parseIp(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
      expect(ip && nonPublicReason(ip)).toBeUndefined();
    }
    expect(seen.size).toBe(50_000);
    expect(publicV4At(0)).toBe(0x01000000);
    expect(publicV4At(PUBLIC_V4_COUNT - 1)).toBe(0xdfffffff);
  });
});
