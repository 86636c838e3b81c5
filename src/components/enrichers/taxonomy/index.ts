/**
 * The taxonomy enricher: fills the RSIT classification of events the feed left 'undetermined',
 * from a feed table (what kind of list the feed is) and a family table (a malware family: a bot
 * when the event has a destination, a listed server when it has none). It never changes a
 * classification the feed or its config gave.
 *
 * Rule order, first match wins: the operator's feed rules, the built-in feed rules, the operator's
 * family rules, the built-in family rules (see tables.ts; `defaults: false` drops the built-ins).
 */
import type { Event } from '../../../domain/schema/event.js';
import { RSIT_TYPES, type RsitType, taxonomyOf } from '../../../domain/taxonomy.js';
import type { EnricherDefinition, EnricherInstance } from '../contract.js';
import { DEFAULT_FAMILY_RULES, DEFAULT_FEED_RULES, type FamilyRule, type FeedRule } from './tables.js';

export type { FamilyRule, FeedRule } from './tables.js';

export interface TaxonomyOptions {
  /** Feed rules, checked before the built-in ones. */
  readonly feeds: readonly FeedRule[];
  /** Family rules, checked before the built-in ones. */
  readonly families: readonly FamilyRule[];
  /** Use the built-in tables after the operator's rules (default true). */
  readonly defaults: boolean;
  /** When a family rule classifies an event without classification.identifier, use malware.name (IntelMQ's habit). */
  readonly identifierFromFamily: boolean;
}

/** Glob to an anchored, case-insensitive RegExp: `*` any run, `?` one character. */
function globRegex(glob: string): RegExp {
  const src = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${src}$`, 'i');
}

interface Compiled {
  readonly feeds: readonly { readonly feed: RegExp; readonly provider?: RegExp; readonly rule: FeedRule }[];
  readonly families: readonly { readonly family: RegExp; readonly rule: FamilyRule }[];
}

function compile(o: TaxonomyOptions): Compiled {
  const feeds = [...o.feeds, ...(o.defaults ? DEFAULT_FEED_RULES : [])];
  const families = [...o.families, ...(o.defaults ? DEFAULT_FAMILY_RULES : [])];
  return {
    feeds: feeds.map((rule) => ({
      feed: globRegex(rule.feed),
      ...(rule.provider !== undefined ? { provider: globRegex(rule.provider) } : {}),
      rule,
    })),
    families: families.map((rule) => ({ family: globRegex(rule.family), rule })),
  };
}

const hasDestination = (e: Event) =>
  e['destination.ip'] !== undefined ||
  e['destination.fqdn'] !== undefined ||
  e['destination.url'] !== undefined;

/** Classify with the given options (exported for tests and for callers without the registry). */
export function taxonomyInstance(options: TaxonomyOptions): EnricherInstance {
  const c = compile(options);
  // Feed names repeat for every event of a feed: remember each name's feed rule (or none).
  const byFeed = new Map<string, FeedRule | null>();
  const feedRule = (name: string, provider: string): FeedRule | null => {
    const key = `${name}\u001f${provider}`;
    let r = byFeed.get(key);
    if (r === undefined) {
      r = c.feeds.find((f) => f.feed.test(name) && (!f.provider || f.provider.test(provider)))?.rule ?? null;
      if (byFeed.size < 10_000) byFeed.set(key, r);
    }
    return r;
  };
  const fill = (e: Event, type: RsitType, identifier: string | undefined, owned: boolean): Event => {
    if (type === 'undetermined') return e;
    const out: Record<string, unknown> = owned ? (e as Record<string, unknown>) : { ...e };
    out['classification.type'] = type;
    out['classification.taxonomy'] = taxonomyOf(type);
    if (identifier !== undefined && e['classification.identifier'] === undefined)
      out['classification.identifier'] = identifier;
    return out as Event;
  };
  return {
    enrich(e: Event, owned = false): Event {
      const given = e['classification.type'];
      if (given !== undefined && given !== 'undetermined') return e;
      const fr = feedRule(e['feed.name'] ?? '', e['feed.provider'] ?? '');
      if (fr) return fill(e, fr.type, fr.identifier, owned);
      const family = e['malware.name'];
      if (family === undefined) return e;
      const rule = c.families.find((f) => f.family.test(family))?.rule;
      if (!rule) return e;
      const type = hasDestination(e) ? rule.withDestination : rule.withoutDestination;
      return fill(e, type, options.identifierFromFamily ? family : undefined, owned);
    },
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function rsitType(v: unknown, where: string): Parsed<RsitType> {
  if (typeof v === 'string' && (RSIT_TYPES as readonly string[]).includes(v))
    return { ok: true, value: v as RsitType };
  return {
    ok: false,
    error: `${where}: ${JSON.stringify(v)} is not an RSIT type (e.g. c2-server, infected-system)`,
  };
}

function glob(v: unknown, where: string): Parsed<string> {
  return typeof v === 'string' && v.trim() !== ''
    ? { ok: true, value: v.trim() }
    : { ok: false, error: `${where}: expected a non-empty name or glob` };
}

function rules<T>(
  raw: unknown,
  name: string,
  keys: readonly string[],
  one: (o: Record<string, unknown>, at: string) => Parsed<T>,
): Parsed<T[]> {
  if (raw === undefined) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return { ok: false, error: `${name}: expected a list of rules` };
  const out: T[] = [];
  for (const [i, r] of raw.entries()) {
    const at = `${name}[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      return { ok: false, error: `${at}: expected an object` };
    const unknown = Object.keys(r).find((k) => !keys.includes(k));
    if (unknown) return { ok: false, error: `${at}.${unknown}: unknown key (expected ${keys.join(', ')})` };
    const p = one(r as Record<string, unknown>, at);
    if (!p.ok) return p;
    out.push(p.value);
  }
  return { ok: true, value: out };
}

function feedRuleOf(o: Record<string, unknown>, at: string): Parsed<FeedRule> {
  const feed = glob(o.feed, `${at}.feed`);
  if (!feed.ok) return feed;
  const type = rsitType(o.type, `${at}.type`);
  if (!type.ok) return type;
  let provider: string | undefined;
  if (o.provider !== undefined) {
    const p = glob(o.provider, `${at}.provider`);
    if (!p.ok) return p;
    provider = p.value;
  }
  if (o.identifier !== undefined && typeof o.identifier !== 'string')
    return { ok: false, error: `${at}.identifier: expected a string` };
  return {
    ok: true,
    value: {
      feed: feed.value,
      type: type.value,
      ...(provider !== undefined ? { provider } : {}),
      ...(typeof o.identifier === 'string' ? { identifier: o.identifier } : {}),
    },
  };
}

function familyRuleOf(o: Record<string, unknown>, at: string): Parsed<FamilyRule> {
  const family = glob(o.family, `${at}.family`);
  if (!family.ok) return family;
  const w = rsitType(o.with_destination, `${at}.with_destination`);
  if (!w.ok) return w;
  const wo = rsitType(o.without_destination, `${at}.without_destination`);
  if (!wo.ok) return wo;
  return {
    ok: true,
    value: { family: family.value.toLowerCase(), withDestination: w.value, withoutDestination: wo.value },
  };
}

const OPTION_KEYS = ['feeds', 'families', 'defaults', 'identifier_from_family'];

export const taxonomy: EnricherDefinition<TaxonomyOptions> = {
  name: 'taxonomy',
  description: "Fills the RSIT classification of 'undetermined' events from feed and malware-family tables",
  options: [
    {
      name: 'feeds',
      type: '{ feed: glob, provider?: glob, type: RsitType, identifier?: string }[]',
      description:
        "rules on feed.name (and feed.provider), before the built-in ones; type 'undetermined' stops",
      default: [],
    },
    {
      name: 'families',
      type: '{ family: glob, with_destination: RsitType, without_destination: RsitType }[]',
      description: 'rules on malware.name, before the built-in ones',
      default: [],
    },
    {
      name: 'defaults',
      type: 'boolean',
      description: 'use the built-in feed and family tables',
      default: true,
    },
    {
      name: 'identifier_from_family',
      type: 'boolean',
      description: 'fill classification.identifier from malware.name when a family rule classified the event',
      default: true,
    },
  ],
  parseOptions(raw) {
    const unknown = Object.keys(raw).find((k) => !OPTION_KEYS.includes(k));
    if (unknown) return { ok: false, error: `unknown option "${unknown}"` };
    const feeds = rules(raw.feeds, 'feeds', ['feed', 'provider', 'type', 'identifier'], feedRuleOf);
    if (!feeds.ok) return feeds;
    const families = rules(
      raw.families,
      'families',
      ['family', 'with_destination', 'without_destination'],
      familyRuleOf,
    );
    if (!families.ok) return families;
    for (const k of ['defaults', 'identifier_from_family'])
      if (raw[k] !== undefined && typeof raw[k] !== 'boolean')
        return { ok: false, error: `option "${k}" must be true or false` };
    return {
      ok: true,
      value: {
        feeds: feeds.value,
        families: families.value,
        defaults: (raw.defaults as boolean | undefined) ?? true,
        identifierFromFamily: (raw.identifier_from_family as boolean | undefined) ?? true,
      },
    };
  },
  async create(options) {
    return { instance: taxonomyInstance(options), warnings: [] };
  },
};
