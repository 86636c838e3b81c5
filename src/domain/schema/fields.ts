/**
 * THE schema of the harmonised event: every field Accord knows, its type, constraints and
 * meaning. Names follow IntelMQ's harmonisation so CERT staff meet the names they know.
 * The TypeScript `Event` type, the validator (`harmonise`) and docs/fields.md are all derived
 * from this one table; `npm run docs` regenerates the docs and a test fails when they are stale.
 */
import { RSIT_TAXONOMIES, RSIT_TYPES } from '../taxonomy.js';
import type { FieldConstraints, FieldTypeName } from './field-types.js';

export interface FieldDef {
  readonly type: FieldTypeName;
  readonly description: string;
  readonly constraints?: FieldConstraints;
  /** Part of an event's identity (used to fold duplicates); time.observation and raw are not. */
  readonly identity?: false;
}

interface TypedFieldDef<T extends FieldTypeName> extends FieldDef {
  readonly type: T;
}

function f<T extends FieldTypeName>(
  type: T,
  description: string,
  constraints?: FieldConstraints,
): TypedFieldDef<T> {
  return constraints ? { type, description, constraints } : { type, description };
}

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'sctp', 'gre', 'esp', 'ipv6-icmp'] as const;

const ENDPOINT = {
  ip: ['ip', 'IP address of the {who}', { public: true }],
  port: ['port', 'port of the {who}'],
  network: ['cidr', 'routed network (CIDR) that contains {p}.ip'],
  asn: ['asn', 'autonomous system that announces {p}.ip'],
  as_name: ['string', 'name of {p}.asn', { maxLength: 512 }],
  'geolocation.cc': ['country-code', 'country of {p}.ip'],
  'geolocation.region': ['string', 'region or province of {p}.ip', { maxLength: 256 }],
  'geolocation.city': ['string', 'city of {p}.ip', { maxLength: 256 }],
  fqdn: ['fqdn', 'domain name of the {who}'],
  reverse_dns: ['fqdn', 'reverse DNS name (PTR) of {p}.ip'],
  url: ['url', 'URL at the {who}'],
  urlpath: [
    'string',
    'path part of a URL at the {who}, when the feed gives no full URL',
    { maxLength: 8192 },
  ],
  local_ip: ['ip', 'private address of the {who} behind NAT'],
  local_hostname: ['string', 'host name of the {who} inside its network', { maxLength: 256 }],
  warninglist: [
    'string',
    'MISP warninglists that {p}.ip, {p}.fqdn or {p}.url is on (list ids, comma-separated; set by the warninglist enricher)',
    { maxLength: 1024, pattern: /^[a-z0-9][a-z0-9._-]*(,[a-z0-9][a-z0-9._-]*)*$/ },
  ],
  'constituency.scope': [
    'enum',
    'whether the {who} is in our constituency (domestic) or not (foreign); set by the constituency enricher',
    { values: ['domestic', 'foreign'] },
  ],
  'constituency.org': [
    'string',
    'id of the constituency organisation that owns {p} (from the constituency file)',
    { maxLength: 128, pattern: /^[a-z0-9][a-z0-9._-]*$/ },
  ],
  'constituency.matched_by': [
    'enum',
    'what placed {p} in the constituency: its network (cidr), its AS (asn), its domain, or its country (national mode)',
    { values: ['cidr', 'asn', 'domain', 'country'] },
  ],
} as const satisfies Record<string, readonly [FieldTypeName, string, FieldConstraints?]>;

type EndpointFields<P extends string> = {
  readonly [K in keyof typeof ENDPOINT as `${P}.${K}`]: TypedFieldDef<(typeof ENDPOINT)[K][0]>;
};

function endpoint<P extends 'source' | 'destination'>(p: P, who: string): EndpointFields<P> {
  const out: Record<string, FieldDef> = {};
  for (const [suffix, spec] of Object.entries(ENDPOINT)) {
    const [type, template, constraints] = spec as readonly [FieldTypeName, string, FieldConstraints?];
    out[`${p}.${suffix}`] = f(type, template.replaceAll('{who}', who).replaceAll('{p}', p), constraints);
  }
  return out as EndpointFields<P>;
}

export const FIELDS = {
  'feed.name': f('string', 'name of the feed the event came from', { maxLength: 256 }),
  'feed.provider': f('string', 'organisation that publishes the feed', { maxLength: 256 }),
  'feed.code': f('string', 'short code of the feed, e.g. the Shadowserver report type', { maxLength: 128 }),
  'feed.url': f('url', 'where the feed was fetched from'),
  'feed.documentation': f('url', 'documentation of the feed format'),
  'time.source': f('timestamp', 'when the event happened, as the feed reports it'),
  'time.observation': { ...f('timestamp', 'when Accord ingested the event'), identity: false },
  'classification.taxonomy': f('enum', 'RSIT incident class (derived from classification.type when absent)', {
    values: RSIT_TAXONOMIES,
  }),
  'classification.type': f('enum', 'RSIT incident type', { values: RSIT_TYPES }),
  'classification.identifier': f('string', 'feed- or family-specific identifier, lower case by convention', {
    maxLength: 256,
  }),
  ...endpoint('source', 'reported host (for an infected host: the victim; for a C2 list: the C2 server)'),
  ...endpoint('destination', 'host the source talked to (for an infected host: its C2 server or sinkhole)'),
  'malware.name': f('string', 'malware family, lower case', { maxLength: 256, pattern: /^[^A-Z]*$/ }),
  'malware.version': f('string', 'malware version', { maxLength: 128 }),
  'malware.hash.md5': f('hash', 'MD5 of a sample', { pattern: /^[0-9a-f]{32}$/ }),
  'malware.hash.sha1': f('hash', 'SHA-1 of a sample', { pattern: /^[0-9a-f]{40}$/ }),
  'malware.hash.sha256': f('hash', 'SHA-256 of a sample', { pattern: /^[0-9a-f]{64}$/ }),
  'protocol.transport': f('enum', 'transport protocol', { values: PROTOCOLS }),
  'protocol.application': f('string', 'application protocol, lower case (http, dns, ...)', { maxLength: 64 }),
  'event_description.text': f('string', 'human-readable description', { maxLength: 4096 }),
  'event_description.url': f('url', 'link to more about the event'),
  status: f('enum', 'whether the reported resource is still up', { values: ['online', 'offline'] }),
  comment: f('string', 'free-text comment', { maxLength: 4096 }),
  tlp: f('tlp', 'TLP 2.0 label the event was received under'),
  raw: { ...f('string', 'the original record as read (kept when the feed sets keep_raw)'), identity: false },
  extra: f('json', 'values the feed carries that have no field of their own ("extra.<name>" in flat form)'),
} as const;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

export function isFieldName(name: string): name is FieldName {
  return Object.hasOwn(FIELDS, name);
}

const ORDER = new Map<string, number>(FIELD_NAMES.map((n, i) => [n, i]));

/** The same object with its keys in schema order (for readable, stable output). */
export function inSchemaOrder<T extends Record<string, unknown>>(e: T): T {
  const keys = Object.keys(e).sort((a, b) => (ORDER.get(a) ?? 1e9) - (ORDER.get(b) ?? 1e9));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = e[k];
  return out as T;
}
