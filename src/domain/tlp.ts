/**
 * TLP 2.0: the five levels, their standard STIX 2.1 marking-definition objects, and the release
 * policy of ARCHITECTURE.md as one pure function, `mayRelease`, that every egress path (TAXII,
 * export, notices, UI, API) asks before anything leaves.
 *
 * Marking-definition ids are fixed by OASIS: the TLP 2.0 objects are those of the TLP 2.0
 * extension, extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d, published in
 * https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/tlp-2.0
 * (extension-definition--60a3c5c5-...json and examples/tlp-*.json; the same ids are in the stix2
 * Python library's TLP 2.0 constants). The TLP 1.0 ids (WHITE, GREEN, AMBER, RED) are those of the
 * STIX 2.1 specification, section 7.2.1.4, and of the OASIS JSON schema
 * common/marking-definition.json; objects imported from older tools carry them, so they are read too.
 */
import type { Tlp } from './schema/field-types.js';

export type TlpLevel = Tlp;

/** Levels from the least to the most restrictive. */
export const TLP_ORDER: readonly TlpLevel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

export const tlpRank = (l: TlpLevel): number => TLP_ORDER.indexOf(l);

/** The id of the STIX extension-definition that defines TLP 2.0 marking definitions. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** TLP 2.0 marking-definition ids (OASIS, fixed; see the file comment for the source). */
export const TLP2_MARKING_IDS: Readonly<Record<TlpLevel, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** TLP 1.0 marking-definition ids (STIX 2.1 spec 7.2.1.4), read as their TLP 2.0 equivalents. */
export const TLP1_MARKING_IDS: Readonly<Record<string, TlpLevel>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR', // TLP:WHITE
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};

const LEVEL_BY_ID: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...TLP_ORDER.map((l) => [TLP2_MARKING_IDS[l], l] as const),
  ...Object.entries(TLP1_MARKING_IDS),
]);

/** The TLP level a marking-definition id stands for, or undefined for any other marking. */
export function tlpOfMarking(id: string): TlpLevel | undefined {
  return LEVEL_BY_ID.get(id);
}

/** The TLP 2.0 marking-definition object of a level, exactly as OASIS publishes it. */
export interface TlpMarkingDefinition {
  readonly type: 'marking-definition';
  readonly spec_version: '2.1';
  readonly id: string;
  readonly created: '2022-10-01T00:00:00.000Z';
  readonly name: string;
  readonly extensions: {
    readonly [TLP2_EXTENSION_ID]: { readonly extension_type: 'property-extension'; readonly tlp_2_0: string };
  };
}

export function tlpMarkingDefinition(level: TlpLevel): TlpMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[level],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${level}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level.toLowerCase() },
    },
  };
}

/** The highest (most restrictive) of some levels; undefined for none. */
export function highestTlp(levels: Iterable<TlpLevel | undefined | null>): TlpLevel | undefined {
  let best = -1;
  for (const l of levels) if (l != null) best = Math.max(best, tlpRank(l));
  return best < 0 ? undefined : TLP_ORDER[best];
}

/**
 * The TLP level an object's markings put it at: the highest TLP marking among them (other
 * markings, such as statements, say nothing about TLP). Undefined when none is a TLP marking.
 */
export function tlpOfMarkings(markings: readonly string[]): TlpLevel | undefined {
  return highestTlp(markings.map(tlpOfMarking));
}

/**
 * Every marking-definition id an object refers to: object_marking_refs and the marking_ref of each
 * granular marking. We release whole objects, so a TLP on any part of one applies to all of it.
 */
export function markingRefsOf(obj: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const refs = obj.object_marking_refs;
  if (Array.isArray(refs)) for (const r of refs) if (typeof r === 'string') out.push(r);
  const granular = obj.granular_markings;
  if (Array.isArray(granular))
    for (const g of granular) {
      const r = (g as { marking_ref?: unknown } | null)?.marking_ref;
      if (typeof r === 'string') out.push(r);
    }
  return out;
}

/** Whether the other side may pass what it receives to its own clients (its agreement says). */
export interface Agreement {
  /** The highest TLP this recipient may receive. */
  readonly maxTlp: TlpLevel;
  /** The recipient passes what it receives onward to its clients (a redistributor, a national feed). */
  readonly mayShareOnward: boolean;
}

/**
 * Who would receive the object. `partner`: another CERT under a sharing agreement; `constituency`:
 * a network owner we are responsible for, under the terms it accepted (same shape); `individual`:
 * a named person, reached directly; `public`: anyone (a published page, an unauthenticated reader).
 */
export type Recipient =
  | ({ readonly kind: 'partner' } & Agreement)
  | ({ readonly kind: 'constituency' } & Agreement)
  | { readonly kind: 'individual' }
  | { readonly kind: 'public' };

/** The egress path. taxii (collections, feeds) and export (files, bundles) are bulk channels. */
export type Channel = 'taxii' | 'export' | 'notice' | 'ui' | 'api';

export const CHANNELS: readonly Channel[] = ['taxii', 'export', 'notice', 'ui', 'api'];

export interface ReleaseOptions {
  /** What an object with no TLP marking is treated as: the deployment's default (AMBER unless set). */
  readonly defaultTlp?: TlpLevel;
}

export const DEFAULT_TLP: TlpLevel = 'AMBER';

/** The level the policy applies to an object with these markings. */
export function effectiveTlp(markings: readonly string[], options: ReleaseOptions = {}): TlpLevel {
  return tlpOfMarkings(markings) ?? options.defaultTlp ?? DEFAULT_TLP;
}

/**
 * The release policy (ARCHITECTURE.md, "TLP 2.0 release policy"):
 *
 * | level        | may go to                                                                       |
 * |--------------|---------------------------------------------------------------------------------|
 * | CLEAR        | anyone, any channel                                                             |
 * | GREEN        | partners and constituency members whose terms allow GREEN; named individuals    |
 * | AMBER        | an organisation (and its clients) whose terms allow AMBER; named individuals    |
 * | AMBER+STRICT | as AMBER, and only to an organisation that does not pass things on to clients   |
 * | RED          | named individuals only, and never through a feed, collection or export          |
 *
 * The highest marking wins; an object without a TLP marking is at `defaultTlp` (AMBER).
 * AMBER+STRICT is strictly more restrictive than AMBER: whoever may receive it may receive AMBER,
 * and a redistributor (mayShareOnward) with an AMBER+STRICT agreement still receives AMBER only.
 */
export function mayRelease(
  markings: readonly string[],
  recipient: Recipient,
  channel: Channel,
  options: ReleaseOptions = {},
): boolean {
  const level = effectiveTlp(markings, options);
  if (level === 'CLEAR') return true;
  switch (recipient.kind) {
    case 'public':
      return false;
    case 'individual':
      return level !== 'RED' || (channel !== 'taxii' && channel !== 'export');
    case 'partner':
    case 'constituency':
      if (level === 'RED') return false;
      if (tlpRank(level) > tlpRank(recipient.maxTlp)) return false;
      if (level === 'AMBER+STRICT') return !recipient.mayShareOnward;
      return true;
  }
}

/**
 * Which levels a recipient may receive on a channel, and whether unmarked objects go too: the
 * policy's answer in a form a query can use (a store filters by level, so that pages, counts and
 * headers only ever see releasable objects). Derived from `mayRelease` itself, never restated.
 */
export interface TlpVisibility {
  readonly levels: readonly TlpLevel[];
  readonly unmarked: boolean;
}

export function releasableLevels(
  recipient: Recipient,
  channel: Channel,
  options: ReleaseOptions = {},
): TlpVisibility {
  return {
    levels: TLP_ORDER.filter((l) => mayRelease([TLP2_MARKING_IDS[l]], recipient, channel, options)),
    unmarked: mayRelease([], recipient, channel, options),
  };
}

/** Parse a TLP label as users write it: "amber+strict", "TLP:RED", "white" (read as CLEAR). */
export function parseTlp(text: string): TlpLevel | undefined {
  let s = text.trim().toUpperCase().replace(/^TLP:/, '');
  if (s === 'WHITE') s = 'CLEAR';
  return (TLP_ORDER as readonly string[]).includes(s) ? (s as TlpLevel) : undefined;
}
