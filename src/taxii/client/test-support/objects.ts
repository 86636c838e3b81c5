/** STIX 2.1 objects for TAXII client tests: indicators with a given TLP (or none). */
import { TLP2_MARKING_IDS, type TlpLevel } from '../../../domain/tlp.js';
import { uuidv5 } from '../../../knowledge/ids.js';
import type { StixObject } from '../../../knowledge/stix.js';

const NS = '6f1c1a52-2f0e-4b7e-8d55-0b8f5d3c2a11';

/** A valid indicator; the same (tag, i) always gives the same id. */
export function indicator(
  tag: string,
  i: number,
  tlp?: TlpLevel,
  modified = '2026-03-01T10:00:00.000Z',
  type = 'indicator',
): StixObject {
  const o: Record<string, unknown> = {
    type,
    spec_version: '2.1',
    id: `${type}--${uuidv5(NS, `${tag}/${i}`)}`,
    created: '2026-03-01T10:00:00.000Z',
    modified,
    name: `${tag} ${i}`,
  };
  if (type === 'indicator') {
    o.pattern = `[ipv4-addr:value = '203.0.113.${i % 250}']`;
    o.pattern_type = 'stix';
    o.valid_from = '2026-03-01T10:00:00.000Z';
  }
  if (type === 'malware') o.is_family = true;
  if (tlp) o.object_marking_refs = [TLP2_MARKING_IDS[tlp]];
  return o as StixObject;
}
