import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  type Channel,
  effectiveTlp,
  highestTlp,
  markingRefsOf,
  mayRelease,
  parseTlp,
  type Recipient,
  releasableLevels,
  TLP_ORDER,
  TLP2_MARKING_IDS,
  type TlpLevel,
  tlpMarkingDefinition,
  tlpOfMarking,
} from './tlp.js';

/**
 * The oracle: ARCHITECTURE.md's table written as the list of releases it forbids, each rule one
 * sentence of the table, independent of how mayRelease is written. Levels are compared through this
 * literal table, not through the module's order.
 */
const RANK: Record<string, number> = { CLEAR: 0, GREEN: 1, AMBER: 2, 'AMBER+STRICT': 3, RED: 4 };
const FORBIDDEN: ReadonlyArray<{
  readonly rule: string;
  readonly applies: (level: string, r: Recipient, ch: Channel) => boolean;
}> = [
  {
    rule: 'only TLP:CLEAR goes to the public',
    applies: (l, r) => r.kind === 'public' && l !== 'CLEAR',
  },
  {
    rule: 'TLP:RED goes to named individuals only',
    applies: (l, r) => l === 'RED' && r.kind !== 'individual',
  },
  {
    rule: 'TLP:RED never through a feed, collection or export',
    applies: (l, _r, ch) => l === 'RED' && (ch === 'taxii' || ch === 'export'),
  },
  {
    rule: 'nothing above what the agreement allows',
    applies: (l, r) =>
      (r.kind === 'partner' || r.kind === 'constituency') && (RANK[l] ?? 9) > (RANK[r.maxTlp] ?? -1),
  },
  {
    rule: 'TLP:AMBER+STRICT never to an organisation that shares onward with its clients',
    applies: (l, r) =>
      l === 'AMBER+STRICT' && (r.kind === 'partner' || r.kind === 'constituency') && r.mayShareOnward,
  },
];
const forbiddenBy = (level: string, r: Recipient, ch: Channel) =>
  FORBIDDEN.filter((f) => f.applies(level, r, ch)).map((f) => f.rule);

/** Highest marking of a set, by the oracle's own table; undefined without a TLP marking. */
const ID_LEVEL: Record<string, string> = {
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'CLEAR',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'GREEN',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'AMBER',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'AMBER+STRICT',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'RED',
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};
function oracleLevel(markings: readonly string[], dflt: string): string {
  const ranks = markings.map((m) => ID_LEVEL[m]).filter((l): l is string => l !== undefined);
  if (ranks.length === 0) return dflt;
  return ranks.reduce((a, b) => ((RANK[a] ?? 0) >= (RANK[b] ?? 0) ? a : b));
}

const level = fc.constantFrom<TlpLevel>('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED');
const statement = 'marking-definition--4e7c1d7c-0d1a-4b9e-8f2e-6a3b2c1d0e9f';
const markingId = fc.constantFrom(...Object.keys(ID_LEVEL), statement);
const recipient: fc.Arbitrary<Recipient> = fc.oneof(
  fc.record({ kind: fc.constant('partner' as const), maxTlp: level, mayShareOnward: fc.boolean() }),
  fc.record({ kind: fc.constant('constituency' as const), maxTlp: level, mayShareOnward: fc.boolean() }),
  fc.constant({ kind: 'individual' as const }),
  fc.constant({ kind: 'public' as const }),
);
const channel = fc.constantFrom<Channel>(...CHANNELS);
/** A random STIX-ish object: object-level and granular markings, any mix. */
const object = fc.record({
  object_marking_refs: fc.option(fc.array(markingId, { maxLength: 4 }), { nil: undefined }),
  granular_markings: fc.option(
    fc.array(fc.record({ marking_ref: markingId, selectors: fc.constant(['description']) }), {
      maxLength: 2,
    }),
    { nil: undefined },
  ),
});

describe('TLP 2.0 marking definitions', () => {
  it('use the fixed OASIS ids and the TLP 2.0 extension', () => {
    expect(tlpMarkingDefinition('AMBER+STRICT')).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:AMBER+STRICT',
      extensions: {
        'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
          extension_type: 'property-extension',
          tlp_2_0: 'amber+strict',
        },
      },
    });
    expect(TLP_ORDER.map((l) => tlpMarkingDefinition(l).name)).toEqual([
      'TLP:CLEAR',
      'TLP:GREEN',
      'TLP:AMBER',
      'TLP:AMBER+STRICT',
      'TLP:RED',
    ]);
    for (const l of TLP_ORDER) expect(tlpOfMarking(TLP2_MARKING_IDS[l])).toBe(l);
    expect(tlpOfMarking('marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9')).toBe('CLEAR');
    expect(tlpOfMarking(statement)).toBeUndefined();
  });

  it('parse labels as users write them', () => {
    expect(parseTlp('amber+strict')).toBe('AMBER+STRICT');
    expect(parseTlp('TLP:RED')).toBe('RED');
    expect(parseTlp('white')).toBe('CLEAR');
    expect(parseTlp('purple')).toBeUndefined();
  });

  it('highest marking wins; granular markings count; no TLP marking means the default', () => {
    expect(highestTlp(['GREEN', undefined, 'AMBER+STRICT', 'AMBER'])).toBe('AMBER+STRICT');
    expect(highestTlp([])).toBeUndefined();
    const obj = {
      object_marking_refs: [TLP2_MARKING_IDS.GREEN],
      granular_markings: [{ marking_ref: TLP2_MARKING_IDS.RED, selectors: ['description'] }],
    };
    expect(effectiveTlp(markingRefsOf(obj))).toBe('RED');
    expect(effectiveTlp([statement])).toBe('AMBER');
    expect(effectiveTlp([], { defaultTlp: 'GREEN' })).toBe('GREEN');
  });
});

describe('mayRelease', () => {
  const amberPartner: Recipient = { kind: 'partner', maxTlp: 'AMBER+STRICT', mayShareOnward: false };
  const redistributor: Recipient = { kind: 'partner', maxTlp: 'AMBER+STRICT', mayShareOnward: true };

  it('follows the table on chosen cases', () => {
    const m = (l: TlpLevel) => [TLP2_MARKING_IDS[l]];
    expect(mayRelease(m('CLEAR'), { kind: 'public' }, 'export')).toBe(true);
    expect(mayRelease(m('GREEN'), { kind: 'public' }, 'ui')).toBe(false);
    expect(
      mayRelease(m('GREEN'), { kind: 'constituency', maxTlp: 'GREEN', mayShareOnward: true }, 'notice'),
    ).toBe(true);
    expect(mayRelease(m('AMBER'), { kind: 'partner', maxTlp: 'GREEN', mayShareOnward: false }, 'taxii')).toBe(
      false,
    );
    expect(mayRelease(m('AMBER'), amberPartner, 'taxii')).toBe(true);
    expect(mayRelease(m('AMBER+STRICT'), amberPartner, 'taxii')).toBe(true);
    expect(mayRelease(m('RED'), { kind: 'partner', maxTlp: 'RED', mayShareOnward: false }, 'taxii')).toBe(
      false,
    );
    expect(mayRelease(m('RED'), { kind: 'individual' }, 'notice')).toBe(true);
    expect(mayRelease(m('RED'), { kind: 'individual' }, 'export')).toBe(false);
    expect(mayRelease(m('RED'), { kind: 'individual' }, 'taxii')).toBe(false);
    // unmarked: AMBER unless the deployment says otherwise
    expect(mayRelease([], { kind: 'partner', maxTlp: 'GREEN', mayShareOnward: false }, 'taxii')).toBe(false);
    expect(
      mayRelease([], { kind: 'partner', maxTlp: 'GREEN', mayShareOnward: false }, 'taxii', {
        defaultTlp: 'GREEN',
      }),
    ).toBe(true);
  });

  it('AMBER+STRICT is strictly more restrictive than AMBER', () => {
    fc.assert(
      fc.property(recipient, channel, (r, ch) => {
        if (mayRelease([TLP2_MARKING_IDS['AMBER+STRICT']], r, ch))
          expect(mayRelease([TLP2_MARKING_IDS.AMBER], r, ch)).toBe(true);
      }),
      { numRuns: 500 },
    );
    // ... and never equal to it: a redistributor with the same agreement gets AMBER only.
    expect(mayRelease([TLP2_MARKING_IDS.AMBER], redistributor, 'taxii')).toBe(true);
    expect(mayRelease([TLP2_MARKING_IDS['AMBER+STRICT']], redistributor, 'taxii')).toBe(false);
  });

  it('property: over random objects, markings, recipients and agreements, no release the policy forbids', () => {
    let released = 0;
    let refused = 0;
    fc.assert(
      fc.property(object, recipient, channel, fc.option(level, { nil: undefined }), (obj, r, ch, dflt) => {
        const marks = markingRefsOf(obj);
        const opts = dflt === undefined ? {} : { defaultTlp: dflt };
        const got = mayRelease(marks, r, ch, opts);
        const why = forbiddenBy(oracleLevel(marks, dflt ?? 'AMBER'), r, ch);
        if (got) {
          released++;
          expect(why, `released although: ${why.join('; ')}`).toEqual([]);
        } else {
          refused++;
          // and nothing is withheld that the table allows (the policy is not simply "never")
          expect(
            why.length,
            `refused although the table allows it: ${JSON.stringify({ marks, r, ch })}`,
          ).toBeGreaterThan(0);
        }
      }),
      { numRuns: 5000 },
    );
    expect(released).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });

  it('adding a TLP marking never makes an already marked object more releasable', () => {
    fc.assert(
      fc.property(
        fc.array(level, { minLength: 1, maxLength: 3 }),
        level,
        recipient,
        channel,
        (ls, extra, r, ch) => {
          const marks = ls.map((l) => TLP2_MARKING_IDS[l]);
          if (mayRelease([...marks, TLP2_MARKING_IDS[extra]], r, ch))
            expect(mayRelease(marks, r, ch)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('releasableLevels is the policy, level by level', () => {
    fc.assert(
      fc.property(recipient, channel, fc.option(level, { nil: undefined }), (r, ch, dflt) => {
        const opts = dflt === undefined ? {} : { defaultTlp: dflt };
        const v = releasableLevels(r, ch, opts);
        for (const l of TLP_ORDER)
          expect(v.levels.includes(l)).toBe(mayRelease([TLP2_MARKING_IDS[l]], r, ch, opts));
        expect(v.unmarked).toBe(mayRelease([], r, ch, opts));
      }),
      { numRuns: 300 },
    );
  });
});
