/**
 * The built-in classification tables. They only ever fill an event whose classification is
 * 'undetermined' (the feed and the feed config said nothing); an operator's own rules come first,
 * and `defaults: false` turns these off.
 *
 * Feed rules come before family rules: what kind of list a feed is (a C2 tracker, a URL list of
 * payloads) says more than a family name does.
 */
import type { RsitType } from '../../../domain/taxonomy.js';

export interface FeedRule {
  /** Glob over `feed.name`, case-insensitive: `*` any run of characters, `?` one character. */
  readonly feed: string;
  /** Optional glob over `feed.provider`. */
  readonly provider?: string;
  /** The RSIT type to fill; 'undetermined' stops the search and leaves the event as it is. */
  readonly type: RsitType;
  /** classification.identifier to fill when the event has none. */
  readonly identifier?: string;
}

export interface FamilyRule {
  /** Glob over `malware.name` (lower case). */
  readonly family: string;
  /** The event has a destination: a bot reported talking to its controller (or a sinkhole). */
  readonly withDestination: RsitType;
  /** No destination: the event lists the host itself (for most families, a C2 server). */
  readonly withoutDestination: RsitType;
}

export const DEFAULT_FEED_RULES: readonly FeedRule[] = [
  { feed: '*feodo*', type: 'c2-server' },
  { feed: '*sslbl*', type: 'c2-server' },
  { feed: '*ssl?blacklist*', type: 'c2-server' },
  { feed: '*c2?tracker*', type: 'c2-server' },
  { feed: '*c2?intel*', type: 'c2-server' },
  { feed: 'c2-*', type: 'c2-server' },
  { feed: '*-c2', type: 'c2-server' },
  { feed: '*-c2-*', type: 'c2-server' },
  { feed: '*botnet?c*c*', type: 'c2-server' },
  { feed: '*urlhaus*', type: 'malware-distribution' },
  { feed: '*malware?distribution*', type: 'malware-distribution' },
  { feed: '*payload*', type: 'malware-distribution' },
  { feed: '*phish*', type: 'phishing' },
  { feed: '*brute?force*', type: 'brute-force' },
  { feed: '*bruteforce*', type: 'brute-force' },
  { feed: '*scanner*', type: 'scanner' },
  { feed: '*spamtrap*', type: 'spam' },
  { feed: '*sinkhole*', type: 'infected-system' },
  { feed: '*drone*', type: 'infected-system' },
  { feed: '*infected*', type: 'infected-system' },
  { feed: '*compromised?website*', type: 'application-compromise' },
  { feed: '*defacement*', type: 'unauthorised-information-modification' },
];

/** Peer-to-peer botnets have no controller to list: any host reported is a bot. */
const P2P = ['mozi', 'hajime', 'zeroaccess', 'sality', 'kelihos', 'nugache', 'storm', 'ddg', 'fritzfrog'];
/** Miners use pools, not controllers: a reported host is one running the miner. */
const MINERS = ['xmrig', '*miner'];
/** Not families but kinds of activity, as some feeds put them in the malware column. */
const NOT_FAMILIES: readonly (readonly [string, RsitType])[] = [
  ['phishing', 'phishing'],
  ['phish', 'phishing'],
  ['spam', 'spam'],
  ['scanner', 'scanner'],
  ['scan', 'scanner'],
  ['bruteforce', 'brute-force'],
  ['brute-force', 'brute-force'],
  ['*-bruteforce', 'brute-force'],
  ['webshell', 'system-compromise'],
];

export const DEFAULT_FAMILY_RULES: readonly FamilyRule[] = [
  ...NOT_FAMILIES.map(([family, t]) => ({ family, withDestination: t, withoutDestination: t })),
  ...P2P.map((family) => ({
    family,
    withDestination: 'infected-system' as const,
    withoutDestination: 'infected-system' as const,
  })),
  ...MINERS.map((family) => ({
    family,
    withDestination: 'infected-system' as const,
    withoutDestination: 'infected-system' as const,
  })),
  // Every other family: a bot talking to its C2, or a listed C2 server.
  { family: '*', withDestination: 'infected-system', withoutDestination: 'c2-server' },
];
