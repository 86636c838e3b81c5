/**
 * Derive STIX 2.1 knowledge from C2 activity (c2-activity.ts).
 *
 * For each C2 address:
 *   ipv4-addr / ipv6-addr          the address (deterministic SCO id, STIX 2.1 section 2.9)
 *   infrastructure                 "C2 <address>", command-and-control (+ botnet when bots were seen
 *                                  calling it), first_seen / last_seen
 *   indicator                      [ipv4-addr:value = '<address>'], valid_from = first seen,
 *                                  valid_until = last seen + the decay policy
 *   sighting                       of the indicator, where sighted: us; count, first/last seen
 *   relationships                  indicator indicates infrastructure; infrastructure consists-of
 *                                  the address; and per family: indicator indicates malware,
 *                                  infrastructure controls malware (all in the STIX 2.1
 *                                  relationship tables: indicator 4.7, infrastructure 4.8)
 * per family: malware, is_family true;
 * once: our identity (organization, with its country) that every created_by_ref names.
 *
 * Ids are deterministic (ids.ts), so deriving again names the same objects: an object whose content
 * changed gets a new version (same created, later modified); an unchanged one is not re-versioned.
 *
 * Markings: the objects about an address carry the highest TLP of its events (events without one
 * count as the deployment default, AMBER unless set). A malware family object says nothing but the
 * family's name, which any one source naming it justifies: it carries the lowest TLP among them.
 * Our identity is TLP:CLEAR.
 */
import { highestTlp, TLP2_MARKING_IDS, type TlpLevel, tlpRank } from '../domain/tlp.js';
import type { C2Activity } from './c2-activity.js';
import { canonicalJson, derivedId, scoId } from './ids.js';
import {
  KNOWLEDGE_COLLECTION,
  type KnowledgeStore,
  type PreparedObject,
  prepareObject,
} from './knowledge-store.js';
import { type StixObject, stixTime, timestampMicros } from './stix.js';

export interface Organisation {
  readonly name: string;
  /** ISO 3166-1 alpha-2 country code, e.g. "NL". */
  readonly country?: string;
  /** Overrides the identity id (default: derived from name and country). */
  readonly identityId?: string;
}

export interface DecayPolicy {
  /** An indicator stays valid this many days after the address was last seen (default 30). */
  readonly daysAfterLastSeen: number;
}

export interface DeriveConfig {
  readonly organisation: Organisation;
  readonly decay?: DecayPolicy;
  /** TLP of events without one (the deployment default; AMBER unless set). */
  readonly defaultTlp?: TlpLevel;
}

const DAY = 86_400_000;
/** STIX 2.1 caps sighting count at 999,999,999. */
const MAX_COUNT = 999_999_999;

/** An object as derive computes it: everything but created and modified. */
export interface DerivedContent {
  readonly type: string;
  readonly spec_version: string;
  readonly id: string;
  readonly [property: string]: unknown;
}

export function identityId(org: Organisation): string {
  return org.identityId ?? derivedId('identity', `organisation|${org.country ?? ''}|${org.name}`);
}

/** The objects the activity implies (pure; deterministic order: what is referred to comes first). */
export function deriveContent(activity: readonly C2Activity[], config: DeriveConfig): DerivedContent[] {
  const dflt = config.defaultTlp ?? 'AMBER';
  const decay = (config.decay?.daysAfterLastSeen ?? 30) * DAY;
  const me = identityId(config.organisation);
  const clear = [TLP2_MARKING_IDS.CLEAR];
  const sdo = (type: string, id: string, tlp: TlpLevel, props: Record<string, unknown>): DerivedContent => ({
    type,
    spec_version: '2.1',
    id,
    created_by_ref: me,
    ...props,
    object_marking_refs: [TLP2_MARKING_IDS[tlp]],
  });
  const rel = (source: string, kind: string, target: string, tlp: TlpLevel): DerivedContent =>
    sdo('relationship', derivedId('relationship', `${source}|${kind}|${target}`), tlp, {
      relationship_type: kind,
      source_ref: source,
      target_ref: target,
    });

  const out: DerivedContent[] = [];
  // STIX's own way to say where we are is a location object and a located-at relationship, but the
  // OASIS bundle schema does not list location among the object types of a bundle (a bundle holding
  // one fails it), so the country travels on the identity as a custom property.
  const country = config.organisation.country?.toUpperCase();
  out.push({
    type: 'identity',
    spec_version: '2.1',
    id: me,
    name: config.organisation.name,
    identity_class: 'organization',
    ...(country ? { x_accord_country: country } : {}),
    object_marking_refs: clear,
  });

  // Families first (lowest TLP of the sources naming each).
  const familyTlp = new Map<string, TlpLevel>();
  for (const a of activity)
    for (const f of a.families) {
      const t = a.familyTlp[f];
      const level = t === undefined || t === 'unmarked' ? dflt : t;
      const had = familyTlp.get(f);
      familyTlp.set(f, had === undefined || tlpRank(level) < tlpRank(had) ? level : had);
    }
  const malwareId = (f: string) => derivedId('malware', `family|${f}`);
  for (const [f, tlp] of [...familyTlp.entries()].sort(([x], [y]) => (x < y ? -1 : 1)))
    out.push(sdo('malware', malwareId(f), tlp, { name: f, is_family: true }));

  for (const a of activity) {
    const tlp = highestTlp([a.tlp, a.unmarked ? dflt : undefined]) ?? dflt;
    const v6 = a.address.includes(':');
    const scoType = v6 ? 'ipv6-addr' : 'ipv4-addr';
    const addr = scoId(scoType, { value: a.address });
    const infra = derivedId('infrastructure', `c2|${a.address}`);
    const ind = derivedId('indicator', `c2|${a.address}`);
    out.push({
      type: scoType,
      spec_version: '2.1',
      id: addr,
      value: a.address,
      object_marking_refs: [TLP2_MARKING_IDS[tlp]],
    });
    out.push(
      sdo('infrastructure', infra, tlp, {
        name: `C2 ${a.address}`,
        infrastructure_types: a.botEvents > 0 ? ['command-and-control', 'botnet'] : ['command-and-control'],
        first_seen: stixTime(a.firstSeen),
        last_seen: stixTime(a.lastSeen),
      }),
    );
    out.push(
      sdo('indicator', ind, tlp, {
        name: `C2 ${a.address}${a.families.length > 0 ? ` (${a.families.join(', ')})` : ''}`,
        indicator_types: ['malicious-activity'],
        pattern: `[${scoType}:value = '${a.address}']`,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: stixTime(a.firstSeen),
        valid_until: stixTime(a.lastSeen + decay),
      }),
    );
    out.push(rel(ind, 'indicates', infra, tlp));
    out.push(rel(infra, 'consists-of', addr, tlp));
    for (const f of a.families) {
      out.push(rel(ind, 'indicates', malwareId(f), tlp));
      out.push(rel(infra, 'controls', malwareId(f), tlp));
    }
    out.push(
      sdo('sighting', derivedId('sighting', `${ind}|${me}`), tlp, {
        sighting_of_ref: ind,
        where_sighted_refs: [me],
        count: Math.min(a.count, MAX_COUNT),
        first_seen: stixTime(a.firstSeen),
        last_seen: stixTime(a.lastSeen),
      }),
    );
  }
  return out;
}

const VERSIONLESS = new Set(['ipv4-addr', 'ipv6-addr']);

/** The content with created and modified after its id (the key order of every derived object). */
function stamp(c: DerivedContent, created: string, modified: string): StixObject {
  const { type, spec_version, id, ...rest } = c;
  return { type, spec_version, id, created, modified, ...rest } as StixObject;
}

function withoutVersion(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { created: _c, modified: _m, ...rest } = o;
  return rest;
}

/**
 * Give each derived object its version against what the store holds: new objects are created now;
 * changed ones get a new version (same created, modified now, or 1 ms after the stored one if the
 * clock has not moved past it); unchanged ones are left out.
 */
export async function versionAgainst(
  knowledge: KnowledgeStore,
  collection: string,
  contents: readonly DerivedContent[],
  now: number,
): Promise<{
  readonly objects: PreparedObject[];
  readonly created: number;
  readonly versioned: number;
  readonly unchanged: number;
}> {
  const objects: PreparedObject[] = [];
  let created = 0;
  let versioned = 0;
  let unchanged = 0;
  for (const c of contents) {
    const stored = await knowledge.latest(collection, c.id);
    const prev = stored ? (JSON.parse(stored.json) as Record<string, unknown>) : undefined;
    if (prev && canonicalJson(withoutVersion(prev)) === canonicalJson(c)) {
      unchanged++;
      continue;
    }
    if (VERSIONLESS.has(c.type)) {
      objects.push(prepareObject(c as StixObject));
    } else if (!prev) {
      const t = stixTime(now);
      objects.push(prepareObject(stamp(c, t, t)));
    } else {
      const prevUs = typeof prev.modified === 'string' ? (timestampMicros(prev.modified) ?? 0) : 0;
      const modified = stixTime(Math.max(now, Math.floor(prevUs / 1000) + 1));
      objects.push(
        prepareObject(stamp(c, typeof prev.created === 'string' ? prev.created : modified, modified)),
      );
    }
    if (prev) versioned++;
    else created++;
  }
  return { objects, created, versioned, unchanged };
}

export interface DeriveSummary {
  readonly addresses: number;
  /** Objects derived in all (stored or not). */
  readonly derived: number;
  /** New objects stored. */
  readonly created: number;
  /** New versions of objects already stored. */
  readonly versioned: number;
  readonly unchanged: number;
}

/** Derive from activity and store what is new or changed, in one transaction. */
export async function deriveAndStore(
  knowledge: KnowledgeStore,
  activity: readonly C2Activity[],
  config: DeriveConfig,
  options: { readonly collection?: string; readonly now?: number } = {},
): Promise<DeriveSummary> {
  const collection = options.collection ?? KNOWLEDGE_COLLECTION;
  const contents = deriveContent(activity, config);
  const v = await versionAgainst(knowledge, collection, contents, options.now ?? Date.now());
  if (v.objects.length > 0) await knowledge.put(collection, v.objects);
  return {
    addresses: activity.length,
    derived: contents.length,
    created: v.created,
    versioned: v.versioned,
    unchanged: v.unchanged,
  };
}
