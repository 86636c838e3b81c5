/**
 * EnricherInstance.enrich's `owned` flag, for every registered enricher: with it the enricher may
 * add to the event in place (the pipeline's own events; it saves a copy per enricher per event),
 * and the result must be exactly what the copying path gives; without it the event given is never
 * changed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Event } from '../../domain/schema/event.js';
import type { EnricherInstance } from './contract.js';
import { ENRICHERS } from './registry.js';

const OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  geo: {},
  constituency: { file: join(process.cwd(), 'samples/constituency/example.yaml') },
  warninglist: { paths: [join(import.meta.dirname, 'warninglist/fixtures/lists')] },
  taxonomy: {},
};

/** Events each enricher has something to add to (documentation addresses, the sample constituency). */
const EVENTS: readonly Event[] = [
  {
    'feed.name': 'sinkhole',
    'classification.type': 'infected-system',
    'source.ip': '198.51.100.23',
    'destination.ip': '192.0.2.10',
    'malware.name': 'mirai',
  },
  { 'feed.name': 'c2 list', 'source.ip': '198.51.100.200', 'malware.name': 'emotet' },
  { 'feed.name': 'scan', 'source.ip': '8.8.8.8', 'destination.ip': '2001:db8::1', extra: { a: 1 } },
  { 'feed.name': 'web', 'source.fqdn': 'www.example.net', 'source.url': 'http://www.example.net/x' },
] as Event[];

describe('enrich(event, owned)', () => {
  for (const def of ENRICHERS) {
    it(`${def.name}: in place gives what the copy gives, and a copy leaves its input alone`, async () => {
      const raw = OPTIONS[def.name];
      expect(raw, `no test options for enricher ${def.name}`).toBeDefined();
      const parsed = def.parseOptions(raw ?? {});
      if (!parsed.ok) throw new Error(parsed.error);
      const instance: EnricherInstance = (await def.create(parsed.value, { baseDir: process.cwd() }))
        .instance;
      let changed = 0;
      for (const e of EVENTS) {
        const input = structuredClone(e);
        const copied = instance.enrich(input);
        expect(input).toEqual(e); // not owned: untouched
        const mine = structuredClone(e);
        const inPlace = instance.enrich(mine, true);
        expect(inPlace).toEqual(copied);
        if (copied !== input) {
          changed++;
          expect(inPlace).toBe(mine); // owned: added to in place, no copy
        }
      }
      expect(changed, `${def.name} enriched none of the test events`).toBeGreaterThan(0);
    });
  }
});
