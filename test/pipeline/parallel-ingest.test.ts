/**
 * `ingest --workers`: a file read by several worker threads must leave the store exactly as one
 * thread does (observations with their counts, times, identities and facts; event records;
 * quarantine with its lines and reasons; the summary counts); only row order may differ.
 * The input has duplicates across the whole file, bad rows, invalid UTF-8, a stray quote and
 * quoted fields spanning lines, so split points must avoid open records.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnricherInstance, EnricherSpec } from '../../src/components/enrichers/contract.js';
import { enricherByName } from '../../src/components/enrichers/registry.js';
import { intelmqJsonl } from '../../src/components/parsers/intelmq-jsonl/index.js';
import { shadowserver } from '../../src/components/parsers/shadowserver/index.js';
import { fileSource } from '../../src/components/sources/file-source.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { planSplit } from '../../src/pipeline/parallel-ingest.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER =
  '"timestamp","protocol","src_ip","src_port","src_asn","src_geo","src_region","src_city","src_hostname","src_naics","src_sector","device_vendor","device_type","device_model","dst_ip","dst_port","dst_asn","dst_geo","dst_region","dst_city","dst_hostname","dst_naics","dst_sector","public_source","infection","family","tag","application","version","event_id"';

function row(i: number, tag = ''): string {
  const host = `198.51.100.${i % 200}`;
  const c2 = `203.0.113.${(i * 7) % 50}`;
  const day = 1 + (i % 3);
  const time = `2026-10-0${day} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07`;
  const family = ['mirai', 'emotet', 'qakbot'][i % 3] as string;
  return `"${time}","tcp","${host}",${40000 + (i % 1000)},64496,"CN",,,,,,,,,"${c2}",${443 + (i % 5)},64511,"PL",,,,,,,"${family}","${family}",${tag},,,`;
}

/** Rows with duplicates spread through the file, bad rows of several kinds, multi-line records. */
function writeCsv(path: string, rows: number): void {
  const parts: Buffer[] = [Buffer.from(`${HEADER}\n`)];
  const add = (s: string) => parts.push(Buffer.from(`${s}\n`));
  for (let i = 0; i < rows; i++) {
    if (i % 101 === 3) add(row(i - 3)); // an exact duplicate of an earlier row
    if (i % 509 === 7) add(row(Math.floor(i / 2))); // a duplicate from much earlier (other part)
    if (i % 397 === 11) add('"not","a","row"'); // wrong column count
    if (i % 613 === 13)
      add(
        row(i)
          .replace('"tcp"', '"tcp')
          .replace(/^"2026/, '"2026'),
      ); // stray quote
    if (i % 701 === 17) parts.push(Buffer.from([0x22, 0x41, 0xff, 0xfe, 0x22, 0x0a])); // invalid UTF-8
    if (i % 4 === 1) {
      // A quoted field over three lines: a record that must never be cut.
      add(row(i, '"line one\nline, two\n""three"" end"'));
      continue;
    }
    if (i % 89 === 9) add(row(i).replace('"2026-', '"not-a-date-2026-')); // invalid timestamp
    add(row(i));
  }
  writeFileSync(path, Buffer.concat(parts));
}

interface Snapshot {
  readonly summary: Record<string, unknown>;
  readonly observations: unknown[];
  readonly events: unknown[];
  readonly quarantine: unknown[];
}

interface RunExtra {
  readonly keepEvents?: boolean;
  readonly enrichers?: readonly EnricherInstance[];
  readonly enricherSpecs?: readonly EnricherSpec[];
}

async function run(path: string, workers: number, extra: RunExtra = {}): Promise<Snapshot> {
  const db = join(dir, `w${workers}-${Math.random().toString(36).slice(2)}.db`);
  const store = openSqliteStore(db);
  try {
    const s = await ingest({
      source: await fileSource(path),
      store,
      now: () => Date.UTC(2026, 9, 20),
      workers,
      splitMinBytes: 1,
      batchSize: 1000, // many flushes per part: the writer acks, the workers wait
      ...(extra.keepEvents ? { feed: { keepEvents: true } } : {}),
      ...(extra.enrichers ? { enrichers: extra.enrichers } : {}),
      ...(extra.enricherSpecs ? { enricherSpecs: extra.enricherSpecs } : {}),
    });
    expect(s.threads).toBe(workers === 1 || (extra.enrichers && !extra.enricherSpecs) ? 1 : workers);
    expect(s.read).toBe(s.new + s.folded + s.quarantined);
    const observations = (
      store.db
        .prepare(
          `SELECT hex(key) AS key, type, source, destination_ip, destination_port, malware, day, count, first_seen,
             last_seen, feed, src_cc, src_asn, src_org, src_scope, dst_cc, dst_asn, dst_org, dst_scope, warninglist,
             tlp, ids FROM observations ORDER BY key`,
        )
        .all() as Array<Record<string, unknown> & { ids: Buffer }>
    ).map(({ ids, ...o }) => {
      const set: string[] = [];
      for (let j = 0; j < ids.length; j += 8) set.push(ids.subarray(j, j + 8).toString('hex'));
      return { ...o, ids: set.sort() };
    });
    // With keepEvents every event record is kept: compare them all (by identity).
    const events = extra.keepEvents
      ? store.db.prepare('SELECT hex(id) AS id, obs_key, feed, seen_at, data FROM events ORDER BY id').all()
      : [];
    const quarantine = store.db
      .prepare('SELECT id, feed, source, format, line, reason, field, raw, bytes FROM quarantine ORDER BY id')
      .all();
    const { seconds, eventsPerSecond, threads: _threads, ...summary } = s;
    return {
      summary: { ...summary, events: (await store.counts()).events },
      observations,
      events,
      quarantine,
    };
  } finally {
    await store.close();
  }
}

describe('ingest with worker threads', () => {
  const csv = join(dir, 'event4_sinkhole.csv');
  writeCsv(csv, 12_000);

  it('splits the file only where no record can be open', async () => {
    // A quarter of the records span three lines: most byte targets fall inside or next to one.
    const text = readFileSync(csv);
    for (let parts = 2; parts <= 8; parts++) {
      const plan = await planSplit(csv, text.length, shadowserver, parts, 1);
      expect(typeof plan).not.toBe('string');
      if (typeof plan === 'string') return;
      expect(plan.splits.length).toBe(parts - 1);
      expect(plan.header).toEqual([{ no: 1, text: HEADER }]);
      for (const at of plan.splits) {
        expect(text[at - 1]).toBe(10);
        // Not the 2nd or 3rd line of a multi-line record, nor just after its 1st line.
        expect(text.toString('utf8', at, at + 9)).not.toMatch(/^(line, two|""three)/);
        const before = text.toString('utf8', text.lastIndexOf(10, at - 2) + 1, at - 1);
        expect(before.endsWith('"line one')).toBe(false);
      }
    }
  });

  it('stores exactly what one thread stores (shadowserver CSV, 2 and 3 workers)', async () => {
    const one = await run(csv, 1);
    expect(one.summary.quarantined).toBeGreaterThan(100);
    expect(one.summary.folded).toBeGreaterThan(100);
    expect(one.observations.length).toBeGreaterThan(500);
    const two = await run(csv, 2);
    expect(two).toEqual(one);
    const three = await run(csv, 3);
    expect(three).toEqual(one);
  }, 60_000);

  it('keeps every event record the same with keepEvents', async () => {
    const one = await run(csv, 1, { keepEvents: true });
    expect(one.events.length).toBe(one.summary.new);
    expect(await run(csv, 2, { keepEvents: true })).toEqual(one);
  }, 60_000);

  it('stores exactly what one thread stores (IntelMQ JSON lines)', async () => {
    const path = join(dir, 'feed.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 8000; i++) {
      if (i % 97 === 1) lines.push(`{"source.ip": "198.51.100.${i % 250}", broken ${i}`);
      const j = i % 211 === 2 ? i - 1 : i; // duplicates
      lines.push(
        JSON.stringify({
          'feed.name': 'partner',
          'classification.type': 'infected-system',
          'source.ip': `198.51.100.${j % 250}`,
          'destination.ip': `203.0.113.${j % 20}`,
          'malware.name': 'emotet',
          'time.source': `2026-10-01T${String(j % 24).padStart(2, '0')}:${String(j % 60).padStart(2, '0')}:00+00:00`,
        }),
      );
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    const plan = await planSplit(path, statSync(path).size, intelmqJsonl, 2, 1);
    expect(typeof plan).not.toBe('string');
    const one = await run(path, 1);
    expect(one.summary.quarantined).toBeGreaterThan(50);
    expect(await run(path, 2)).toEqual(one);
  }, 60_000);

  it('runs the enrichers in the workers, from the data the main thread loaded (same store as one thread)', async () => {
    // Geo from small range files (one disagrees with the feed's dst_geo, so extra records it),
    // the sample constituency, a warninglist and taxonomy: every kind of enricher.
    const country = join(dir, 'country.csv');
    writeFileSync(
      country,
      '198.51.100.0,198.51.100.255,CN\n203.0.113.0,203.0.113.24,DE\n2001:db8::,2001:db8::ffff,CN\n',
    );
    const asn = join(dir, 'asn.csv');
    writeFileSync(
      asn,
      '203.0.113.0,203.0.113.255,64511,EXAMPLE-NET\n2001:db8::,2001:db8::ffff,64496,EXAMPLE-TEL\n',
    );
    const wl = join(dir, 'wl');
    mkdirSync(wl, { recursive: true });
    writeFileSync(
      join(wl, 'list.json'),
      JSON.stringify({
        name: 'test list',
        version: 1,
        description: 'two C2 addresses',
        type: 'cidr',
        matching_attributes: ['ip-dst'],
        list: ['203.0.113.7/32', '203.0.113.14/32'],
      }),
    );
    const entries: Array<[string, Record<string, unknown>]> = [
      ['geo', { country_csv: country, asn_csv: asn }],
      ['constituency', { file: join(process.cwd(), 'samples/constituency/example.yaml') }],
      ['warninglist', { paths: [wl] }],
      ['taxonomy', {}],
    ];
    const instances: EnricherInstance[] = [];
    const specs: EnricherSpec[] = [];
    for (const [name, raw] of entries) {
      const def = enricherByName(name);
      const options = def?.parseOptions(raw);
      if (!def || !options?.ok) throw new Error(`${name}: ${JSON.stringify(options)}`);
      const load = await def.create(options.value, { baseDir: dir });
      expect(load.warnings).toEqual([]);
      instances.push(load.instance);
      const snapshot = load.instance.snapshot?.();
      specs.push({
        name,
        options: options.value,
        baseDir: dir,
        ...(snapshot !== undefined ? { snapshot } : {}),
      });
    }
    expect(specs[0]?.snapshot).toBeDefined(); // geo hands its tables over instead of loading again
    expect(specs[2]?.snapshot).toBeDefined(); // and the warninglists their parsed lists
    const one = await run(csv, 1, { keepEvents: true, enrichers: instances });
    const facts = one.observations as Array<Record<string, unknown>>;
    expect(facts.some((o) => o.src_org !== null)).toBe(true);
    expect(facts.some((o) => o.warninglist !== 0)).toBe(true);
    expect(JSON.stringify(one.events)).toContain('geo_disagreement');
    expect(await run(csv, 2, { keepEvents: true, enrichers: instances, enricherSpecs: specs })).toEqual(one);
    // Without specs, a run with enrichers stays on one thread (and still stores the same).
    expect(await run(csv, 2, { keepEvents: true, enrichers: instances })).toEqual(one);
  }, 60_000);
});
