import { describe, expect, it } from 'vitest';
import { harmonise } from '../../../domain/harmonise.js';
import type { Event } from '../../../domain/schema/event.js';
import { RSIT_TYPES, taxonomyOf } from '../../../domain/taxonomy.js';
import { taxonomy, taxonomyInstance } from './index.js';
import { DEFAULT_FAMILY_RULES, DEFAULT_FEED_RULES } from './tables.js';

const parse = (raw: Record<string, unknown>) => {
  const p = taxonomy.parseOptions(raw);
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const defaults = taxonomyInstance(parse({}));
const und = { 'classification.type': 'undetermined', 'classification.taxonomy': 'other' } as const;
const cls = (e: Event) => {
  const out = defaults.enrich(e);
  return [out['classification.taxonomy'], out['classification.type'], out['classification.identifier']];
};

describe('taxonomy enricher, built-in tables', () => {
  it('a family with a destination is a bot; without one, a listed C2 server', () => {
    const bot: Event = {
      ...und,
      'feed.name': 'partner-list',
      'malware.name': 'emotet',
      'source.ip': '192.0.2.1',
      'destination.ip': '198.51.100.2',
    };
    expect(cls(bot)).toEqual(['malicious-code', 'infected-system', 'emotet']);
    const server: Event = {
      ...und,
      'feed.name': 'partner-list',
      'malware.name': 'emotet',
      'source.ip': '192.0.2.1',
    };
    expect(cls(server)).toEqual(['malicious-code', 'c2-server', 'emotet']);
    expect(cls({ ...server, 'destination.fqdn': 'c2.example.com' })[1]).toBe('infected-system');
  });

  it('families that have no controller: P2P botnets and miners are infected systems either way', () => {
    expect(cls({ ...und, 'malware.name': 'mozi', 'source.ip': '192.0.2.1' })[1]).toBe('infected-system');
    expect(cls({ ...und, 'malware.name': 'xmrig', 'source.ip': '192.0.2.1' })[1]).toBe('infected-system');
    expect(cls({ ...und, 'malware.name': 'ssh-bruteforce', 'source.ip': '192.0.2.1' })[1]).toBe(
      'brute-force',
    );
  });

  it('the feed table comes before the family table', () => {
    expect(
      cls({
        ...und,
        'feed.name': 'abusech-urlhaus',
        'malware.name': 'emotet',
        'source.url': 'http://example.com/x',
      }),
    ).toEqual(['malicious-code', 'malware-distribution', undefined]);
    expect(cls({ ...und, 'feed.name': 'Feodo-Tracker-IPs', 'source.ip': '192.0.2.1' })[1]).toBe('c2-server');
    expect(cls({ ...und, 'feed.name': 'openphish', 'source.url': 'http://example.com/' })[0]).toBe('fraud');
    expect(cls({ ...und, 'feed.name': 'amazon-ec2-ranges', 'source.ip': '192.0.2.1' })[1]).toBe(
      'undetermined',
    ); // "ec2" is not "c2"
  });

  it('never overrides a classification the feed gave, and leaves what no rule covers', () => {
    const given: Event = {
      'feed.name': 'feodo',
      'classification.type': 'scanner',
      'classification.taxonomy': 'information-gathering',
      'malware.name': 'emotet',
      'source.ip': '192.0.2.1',
    };
    expect(defaults.enrich(given)).toBe(given);
    const nothing: Event = { ...und, 'feed.name': 'misc', 'source.ip': '192.0.2.1' };
    expect(defaults.enrich(nothing)).toBe(nothing);
    const withId: Event = {
      ...und,
      'feed.name': 'misc',
      'malware.name': 'qakbot',
      'classification.identifier': 'qbot-epoch5',
    };
    expect(cls(withId)).toEqual(['malicious-code', 'c2-server', 'qbot-epoch5']);
  });

  it('fills classification.type when the event has none at all', () => {
    expect(cls({ 'feed.name': 'x', 'malware.name': 'mirai', 'destination.ip': '198.51.100.2' })[1]).toBe(
      'infected-system',
    );
  });

  it('every built-in rule names a real RSIT type', () => {
    for (const r of DEFAULT_FEED_RULES) expect(RSIT_TYPES).toContain(r.type);
    for (const r of DEFAULT_FAMILY_RULES) {
      expect(RSIT_TYPES).toContain(r.withDestination);
      expect(RSIT_TYPES).toContain(r.withoutDestination);
    }
  });

  it('the filled event passes the schema (type and taxonomy agree)', () => {
    const out = defaults.enrich({
      ...und,
      'feed.name': 'x',
      'malware.name': 'emotet',
      'source.ip': '192.0.2.1',
    });
    const h = harmonise(out, { time: { notBefore: 0, notAfter: Date.UTC(2100, 0, 1) } });
    expect(h).toMatchObject({ ok: true, event: { 'classification.taxonomy': taxonomyOf('c2-server') } });
  });
});

describe('taxonomy enricher, configured', () => {
  it("operator rules come first; 'undetermined' stops; defaults can be turned off", () => {
    const inst = taxonomyInstance(
      parse({
        feeds: [
          { feed: 'our-honeypot*', provider: 'CERT-XX', type: 'brute-force', identifier: 'ssh' },
          { feed: '*urlhaus*', type: 'undetermined' },
        ],
        families: [
          {
            family: 'Emotet',
            with_destination: 'infected-system',
            without_destination: 'malware-distribution',
          },
        ],
      }),
    );
    const hp = inst.enrich({ ...und, 'feed.name': 'our-honeypot-2', 'feed.provider': 'cert-xx' });
    expect([hp['classification.type'], hp['classification.identifier']]).toEqual(['brute-force', 'ssh']);
    expect(
      inst.enrich({ ...und, 'feed.name': 'our-honeypot-2', 'feed.provider': 'other' })['classification.type'],
    ).toBe('undetermined');
    expect(
      inst.enrich({ ...und, 'feed.name': 'urlhaus', 'malware.name': 'emotet' })['classification.type'],
    ).toBe('undetermined');
    expect(inst.enrich({ ...und, 'feed.name': 'x', 'malware.name': 'emotet' })['classification.type']).toBe(
      'malware-distribution',
    );
    const bare = taxonomyInstance(parse({ defaults: false, identifier_from_family: false }));
    const e: Event = { ...und, 'feed.name': 'feodo', 'malware.name': 'emotet' };
    expect(bare.enrich(e)).toBe(e);
  });

  it('bad options name the rule and key at fault', () => {
    const err = (raw: Record<string, unknown>) => {
      const p = taxonomy.parseOptions(raw);
      return p.ok ? 'ok' : p.error;
    };
    expect(err({ feeds: [{ feed: 'x', type: 'c2' }] })).toBe(
      'feeds[0].type: "c2" is not an RSIT type (e.g. c2-server, infected-system)',
    );
    expect(err({ families: [{ family: 'x', with_destination: 'infected-system' }] })).toMatch(
      /^families\[0\]\.without_destination: undefined is not an RSIT type/,
    );
    expect(err({ feeds: [{ feed: 'x', type: 'scanner', colour: 1 }] })).toMatch(
      /^feeds\[0\]\.colour: unknown key/,
    );
    expect(err({ feeds: {} })).toBe('feeds: expected a list of rules');
    expect(err({ defaults: 'no' })).toBe('option "defaults" must be true or false');
    expect(err({ tables: [] })).toBe('unknown option "tables"');
  });
});
