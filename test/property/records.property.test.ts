/**
 * Random records, not just random bytes: JSON objects whose keys are schema fields (and a few that
 * are not) and whose values are any JSON, or strings shaped like the values those fields take.
 * Through the real pipeline (IntelMQ JSON lines -> harmonise -> identity -> store), nothing throws,
 * every record is either stored or quarantined naming the field at fault, the identity holds, and
 * ingesting the same records again adds nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBytes } from '../../src/components/parsers/test-support/golden.js';
import { FIELD_NAMES } from '../../src/domain/schema/fields.js';
import { expectIdentity, ingestChunks, internalErrors, memoryStore } from './support.js';

const KEYS = [
  ...FIELD_NAMES,
  'extra.note',
  'extra',
  'extra.',
  'not.a.field',
  '__proto__',
  'constructor',
  'raw',
];

/** Strings shaped like field values: addresses, times, ports, codes, and broken versions of them. */
const VALUE_STRINGS = [
  '198.51.100.7',
  '10.0.0.1',
  '2001:db8::1',
  '::1',
  '198.51.100.0/24',
  '256.1.1.1',
  'example.com',
  'xn--bcher-kva.example',
  '-bad-.example',
  'http://example.com/a',
  'hxxp://example[.]com',
  '2026-10-30T12:00:00Z',
  '2099-01-01',
  '1985-01-01',
  'not a time',
  '443',
  '70000',
  '-1',
  'AS64500',
  '4294967296',
  'DE',
  'XX',
  'c2-server',
  'infected-system',
  'malicious-code',
  'TLP:AMBER',
  'tlp:amber+strict',
  'd41d8cd98f00b204e9800998ecf8427e',
  '',
  ' ',
  '\u0000',
  'é🦊',
];

const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VALUE_STRINGS) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
);

const record = fc.array(fc.tuple(fc.constantFrom(...KEYS), value), { maxLength: 8 }).map((pairs) => {
  const o: Record<string, unknown> = { 'feed.name': 'prop' };
  for (const [k, v] of pairs) {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
  }
  return o;
});

describe('random records through harmonise (property)', () => {
  it('no exception, every record stored or quarantined, re-ingest adds nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 12 }), async (records) => {
        const input = Buffer.from(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
        const where = `input ${input.toString('utf8').slice(0, 2000)}`;
        const store = memoryStore();
        const run = await ingestChunks([input], 'records.jsonl', 'intelmq-jsonl', {}, store);
        const s = run.summary;
        expectIdentity(s);
        expect(s.read, where).toBe(records.length);
        expect(internalErrors(run.reported), where).toEqual([]);
        for (const q of run.reported) expect(q.reason.length, where).toBeGreaterThan(0);
        const again = await ingestChunks([input], 'records.jsonl', 'intelmq-jsonl', {}, store);
        expect(again.summary.new, where).toBe(0);
        expect(again.summary.folded, where).toBe(s.new + s.folded);
        expect(again.summary.quarantined, where).toBe(s.quarantined);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
  });
});

describe('bugs found by the property above', () => {
  // A numeric time.source outside JavaScript's Date range (|ms| > 8.64e15) once made
  // formatTimestamp throw "RangeError: Invalid time value" out of ingest(); it is now a reason.
  it('time.source -8640000000000.001 is rejected with a reason, not an internal error', async () => {
    const line = JSON.stringify({
      'feed.name': 'prop',
      'source.ip': '198.51.100.7',
      'time.source': -8640000000000.001,
    });
    const { summary, store } = await runBytes(`${line}\n`, 'far.jsonl', 'intelmq-jsonl');
    expectIdentity(summary);
    expect(summary).toMatchObject({ read: 1, quarantined: 1 });
    const [q] = await store.listQuarantine();
    expect(q?.field).toBe('time.source');
    expect(q?.reason).not.toMatch(/^internal error/);
  });

  it('an absurd numeric time.source is quarantined, counted and named; the next record goes on', async () => {
    const line = JSON.stringify({ 'feed.name': 'prop', 'source.ip': '198.51.100.7', 'time.source': 1e300 });
    const good = JSON.stringify({ 'feed.name': 'prop', 'source.ip': '198.51.100.8' });
    const { summary, store } = await runBytes(`${line}\n${good}\n`, 'far.jsonl', 'intelmq-jsonl');
    expectIdentity(summary);
    expect(summary).toMatchObject({ read: 2, new: 1, quarantined: 1 });
    const [q] = await store.listQuarantine();
    expect(q).toMatchObject({ line: 1, source: 'far.jsonl' });
    expect(q?.reason.length).toBeGreaterThan(0);
  });
});
