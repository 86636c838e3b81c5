/**
 * The statistics part of the Store contract (store.contract.ts runs it over every adapter): a
 * small hand-made national data set whose every figure is worked out by hand below, so both
 * adapters must give exactly these answers.
 */
import { describe, expect, it } from 'vitest';
import type { RawFields } from '../domain/schema/event.js';
import type { PeriodFigures, PreparedEvent, Store } from './store.js';

type Prepare = (raw: RawFields) => PreparedEvent;

const AT = { 'source.geolocation.cc': 'AT', 'source.asn': 64496 };

/**
 * Country AT. Current period 2026-10-27..2026-10-30, previous 2026-10-23..2026-10-26.
 * Hosts H1..H9 are 198.51.100.x; C2 servers are 203.0.113.x.
 */
export function statsDataSet(prepare: Prepare): PreparedEvent[] {
  const inf = (day: string, host: string, c2: string | undefined, more: RawFields = {}) =>
    prepare({
      'time.source': `${day}T12:00:00Z`,
      'classification.type': 'infected-system',
      'source.ip': `198.51.100.${host}`,
      ...AT,
      ...(c2 !== undefined ? { 'destination.ip': `203.0.113.${c2}` } : {}),
      ...more,
    });
  const us = { 'destination.geolocation.cc': 'US', 'destination.asn': 64500, 'malware.name': 'emotet' };
  const de = { 'destination.geolocation.cc': 'DE', 'destination.asn': 64501, 'malware.name': 'qakbot' };
  const web = (host: string, more: RawFields = {}) =>
    prepare({
      'time.source': '2026-10-28T08:00:00Z',
      'classification.type': 'system-compromise',
      'source.ip': `198.51.100.${host}`,
      'source.url': `http://www${host}.example.com/x`,
      ...AT,
      ...more,
    });
  return [
    // Current period.
    inf('2026-10-28', '1', '10', us), // H1 -> US C2, two days: one host
    inf('2026-10-29', '1', '10', us),
    inf('2026-10-28', '2', '10', us), // H2 -> US C2 and DE C2
    inf('2026-10-30', '2', '20', de),
    inf('2026-10-28', '3', '20', {
      ...de,
      'source.asn': 64497,
      'source.constituency.scope': 'domestic',
      'source.constituency.org': 'isp-a',
    }), // H3: constituency org isp-a
    inf('2026-10-28', '4', '30', { ...us, 'source.asn': 64497, 'destination.geolocation.cc': 'AT' }), // C2 at home
    inf('2026-10-28', '5', '10', { ...us, 'source.constituency.scope': 'foreign' }), // scope beats country
    inf('2026-10-28', '6', '10', { ...us, 'source.geolocation.cc': 'DE' }), // a host abroad
    inf('2026-10-28', '7', '40', {
      ...us,
      'destination.geolocation.cc': 'NL',
      'destination.warninglist': 'sinkholes',
    }), // H7: infected, but its "C2" is on a warninglist
    inf('2026-10-28', '8', '50', { 'malware.name': 'emotet' }), // C2 of unknown country: not abroad
    inf('2026-10-28', '13', undefined), // H13: no destination at all
    web('9'),
    web('10', { 'source.constituency.scope': 'domestic', 'source.constituency.org': 'hoster-b' }),
    web('11', { 'source.geolocation.cc': 'FR' }),
    // Previous period.
    inf('2026-10-25', '1', '10', us),
    inf('2026-10-24', '12', '20', de),
    web('9', { 'time.source': '2026-10-24T08:00:00Z' }),
    // After both periods.
    inf('2026-10-31', '14', '60', us),
  ];
}

export const CURRENT = { since: '2026-10-27', until: '2026-10-30', country: 'AT' } as const;
export const PREVIOUS = { since: '2026-10-23', until: '2026-10-26', country: 'AT' } as const;

export const EXPECTED_CURRENT: PeriodFigures = {
  infectedHosts: 7, // H1 H2 H3 H4 H7 H8 H13
  hostsTalkingToC2Abroad: 3, // H1 H2 H3
  c2ServersAbroad: 2, // .10 (US) .20 (DE)
  warninglistedExcluded: 1, // H7's observation
  c2ByCountry: [
    { key: 'DE', servers: 1, hosts: 2 }, // H2 H3
    { key: 'US', servers: 1, hosts: 2 }, // H1 H2
  ],
  c2ByFamily: [
    { key: 'emotet', servers: 1, hosts: 2 },
    { key: 'qakbot', servers: 1, hosts: 2 },
  ],
  c2ByAsn: [
    { key: '64500', servers: 1, hosts: 2 },
    { key: '64501', servers: 1, hosts: 2 },
  ],
  infectedByOwner: [
    { kind: 'asn', key: 'AS64496', count: 5 }, // H1 H2 H7 H8 H13
    { kind: 'asn', key: 'AS64497', count: 1 }, // H4
    { kind: 'org', key: 'isp-a', count: 1 }, // H3
  ],
  compromisedWebsites: 2,
  websitesByOwner: [
    { kind: 'asn', key: 'AS64496', count: 1 },
    { kind: 'org', key: 'hoster-b', count: 1 },
  ],
};

export const EXPECTED_PREVIOUS: PeriodFigures = {
  infectedHosts: 2,
  hostsTalkingToC2Abroad: 2,
  c2ServersAbroad: 2,
  warninglistedExcluded: 0,
  c2ByCountry: [
    { key: 'DE', servers: 1, hosts: 1 },
    { key: 'US', servers: 1, hosts: 1 },
  ],
  c2ByFamily: [
    { key: 'emotet', servers: 1, hosts: 1 },
    { key: 'qakbot', servers: 1, hosts: 1 },
  ],
  c2ByAsn: [
    { key: '64500', servers: 1, hosts: 1 },
    { key: '64501', servers: 1, hosts: 1 },
  ],
  infectedByOwner: [{ kind: 'asn', key: 'AS64496', count: 2 }],
  compromisedWebsites: 1,
  websitesByOwner: [{ kind: 'asn', key: 'AS64496', count: 1 }],
};

export const EMPTY_FIGURES: PeriodFigures = {
  infectedHosts: 0,
  hostsTalkingToC2Abroad: 0,
  c2ServersAbroad: 0,
  warninglistedExcluded: 0,
  c2ByCountry: [],
  c2ByFamily: [],
  c2ByAsn: [],
  infectedByOwner: [],
  compromisedWebsites: 0,
  websitesByOwner: [],
};

export function statsContract(fresh: () => Promise<Store>, prepare: Prepare): void {
  describe('statistics', () => {
    it('computes every figure of a period and of the previous one', async () => {
      const s = await fresh();
      const events = statsDataSet(prepare);
      // In two batches, the second out of order: figures do not depend on how data arrived.
      await s.writeBatch({ events: events.slice(0, 7), quarantine: [] });
      await s.writeBatch({ events: events.slice(7).reverse(), quarantine: [] });
      expect(await s.statsFigures(CURRENT)).toEqual(EXPECTED_CURRENT);
      expect(await s.statsFigures(PREVIOUS)).toEqual(EXPECTED_PREVIOUS);
      expect(await s.latestDay(['infected-system', 'system-compromise'])).toBe('2026-10-31');
      expect(await s.latestDay(['system-compromise'])).toBe('2026-10-28');
      expect(await s.latestDay(['scanner'])).toBeUndefined();
    });

    it('without a country only constituency scopes say what is domestic or abroad', async () => {
      const s = await fresh();
      await s.writeBatch({ events: statsDataSet(prepare), quarantine: [] });
      const f = await s.statsFigures({ since: CURRENT.since, until: CURRENT.until });
      expect(f).toMatchObject({
        infectedHosts: 1, // H3, the one with constituency scope domestic
        hostsTalkingToC2Abroad: 0, // its C2 has no constituency scope
        c2ServersAbroad: 0,
        compromisedWebsites: 1,
        infectedByOwner: [{ kind: 'org', key: 'isp-a', count: 1 }],
      });
    });

    it('the first event stored for an observation sets its facts', async () => {
      const s = await fresh();
      const mk = (cc: string, port: number) =>
        prepare({
          'time.source': '2026-10-28T10:00:00Z',
          'classification.type': 'infected-system',
          'source.ip': '198.51.100.1',
          'source.port': port,
          'source.geolocation.cc': 'AT',
          'destination.ip': '203.0.113.10',
          'destination.geolocation.cc': cc,
        });
      await s.writeBatch({ events: [mk('US', 1000), mk('AT', 1001)], quarantine: [] });
      await s.writeBatch({ events: [mk('AT', 1002)], quarantine: [] });
      expect((await s.listObservations())[0]?.count).toBe(3);
      const f = await s.statsFigures(CURRENT);
      expect(f.c2ByCountry).toEqual([{ key: 'US', servers: 1, hosts: 1 }]);
    });

    it('an empty store, or a period with nothing in it, gives zeros', async () => {
      const s = await fresh();
      expect(await s.statsFigures(CURRENT)).toEqual(EMPTY_FIGURES);
      expect(await s.latestDay(['infected-system'])).toBeUndefined();
      await s.writeBatch({ events: statsDataSet(prepare), quarantine: [] });
      expect(await s.statsFigures({ ...CURRENT, since: '2025-01-01', until: '2025-01-31' })).toEqual(
        EMPTY_FIGURES,
      );
    });
  });
}
