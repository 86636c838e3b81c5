/**
 * The value types of the harmonised event. Each type validates and normalises one raw value
 * (usually text from a feed) into its canonical form, or explains why it cannot.
 */
import { nonPublicReason, parseCidr, parseIp } from '../ip.js';
import { normaliseTimestamp, type TimeBounds } from '../time.js';

export type FieldTypeName =
  | 'ip'
  | 'cidr'
  | 'fqdn'
  | 'url'
  | 'asn'
  | 'country-code'
  | 'port'
  | 'timestamp'
  | 'tlp'
  | 'enum'
  | 'string'
  | 'integer'
  | 'hash'
  | 'json';

/** What a field's type produces in TypeScript. */
export interface FieldTypeValues {
  ip: string;
  cidr: string;
  fqdn: string;
  url: string;
  asn: number;
  'country-code': string;
  port: number;
  timestamp: string;
  tlp: Tlp;
  enum: string;
  string: string;
  integer: number;
  hash: string;
  json: Readonly<Record<string, JsonValue>>;
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

/** Constraints a field may add to its type. */
export interface FieldConstraints {
  /** ip: reject private, loopback, link-local, multicast and reserved addresses. */
  readonly public?: boolean;
  /** enum: the allowed values. */
  readonly values?: readonly string[];
  /** string/hash: a pattern the value must match. */
  readonly pattern?: RegExp;
  /** string: longest allowed value, in characters. */
  readonly maxLength?: number;
  /** integer: inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
}

export interface ValidationContext {
  readonly time: TimeBounds;
}

export type Normalised = { readonly value: unknown } | string;

const FQDN_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const COUNTRY = /^[A-Z]{2}$/;

export function normaliseFqdn(raw: string): string | { value: string } {
  let s = raw.trim().toLowerCase();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s.length === 0) return 'empty domain name';
  if (s.length > 253) return `domain name is ${s.length} characters, over 253`;
  if (parseIp(s)) return `"${s}" is an IP address, not a domain name`;
  let ascii = s;
  if (!/^[\x00-\x7f]*$/.test(s)) {
    // The URL parser below would quietly drop a port, user or path ("ü.example:80" -> "xn--tda.example"):
    // only a bare name may go through it.
    if (/[\s/\\:@?#%[\]<>^|*]/.test(s)) return `"${s}" is not a valid internationalised domain name`;
    try {
      ascii = new URL(`http://${s}/`).hostname;
    } catch {
      return `"${s}" is not a valid internationalised domain name`;
    }
  }
  if (ascii.length > 253) return `domain name "${s}" is ${ascii.length} characters in punycode, over 253`;
  const labels = ascii.split('.');
  if (labels.length < 2) return `"${s}" has no dot; a fully qualified domain name is expected`;
  for (const l of labels) if (!FQDN_LABEL.test(l)) return `"${s}" has an invalid label "${l}"`;
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return `"${s}" ends in a numeric label`;
  return { value: ascii };
}

export function normaliseUrl(raw: string): string | { value: string } {
  const s = raw.trim();
  if (s.length === 0) return 'empty URL';
  if (s.length > 8192) return `URL is ${s.length} characters, over 8192`;
  if (/\s/.test(s)) return `URL "${s.slice(0, 60)}" contains whitespace`;
  const hasAuthority = /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
  // "mailto:x@example.com" must not become http://mailto:x@example.com/; "example.com:8080/x" is a host.
  if (!hasAuthority && /^[a-z][a-z0-9+.-]*:(?![0-9])/i.test(s))
    return `URL "${s.slice(0, 80)}" has no host (scheme without "//")`;
  let u: URL;
  try {
    u = new URL(hasAuthority ? s : `http://${s}`);
  } catch {
    return `"${s.slice(0, 80)}" is not a URL`;
  }
  if (!u.hostname) return `URL "${s.slice(0, 80)}" has no host`;
  return { value: u.href };
}

type Normaliser = (raw: unknown, c: FieldConstraints, ctx: ValidationContext) => Normalised;

function text(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return undefined;
}

function integerOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && /^[+-]?\d{1,15}$/.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

const show = (raw: unknown) => {
  const s = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return s === undefined ? String(raw) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

export const FIELD_TYPES: Readonly<Record<FieldTypeName, { description: string; normalise: Normaliser }>> = {
  ip: {
    description: 'IPv4 or IPv6 address, stored in canonical form (RFC 5952 for IPv6)',
    normalise(raw, c) {
      const s = text(raw);
      const ip = s === undefined ? undefined : parseIp(s);
      if (!ip) return `"${show(raw)}" is not an IP address`;
      if (c.public) {
        const why = nonPublicReason(ip);
        if (why) return `${ip.text} is not a public address: ${why}`;
      }
      return { value: ip.text };
    },
  },
  cidr: {
    description: 'IP network in CIDR notation, host bits cleared',
    normalise(raw) {
      const s = text(raw);
      if (s === undefined) return `${show(raw)} is not a network`;
      const r = parseCidr(s);
      return typeof r === 'string' ? `"${show(raw)}" is not a CIDR network: ${r}` : { value: r.text };
    },
  },
  fqdn: {
    description: 'fully qualified domain name, lower case, IDNs in punycode, no trailing dot',
    normalise(raw) {
      const s = text(raw);
      if (s === undefined) return `${show(raw)} is not a domain name`;
      const r = normaliseFqdn(s);
      return typeof r === 'string' ? r : r;
    },
  },
  url: {
    description: 'absolute URL (a missing scheme is read as http://), normalised by the WHATWG URL parser',
    normalise(raw) {
      const s = text(raw);
      if (s === undefined) return `${show(raw)} is not a URL`;
      return normaliseUrl(s);
    },
  },
  asn: {
    description: 'autonomous system number, 1 to 4294967295 ("AS" prefix accepted)',
    normalise(raw) {
      const s = typeof raw === 'string' ? raw.trim().replace(/^AS/i, '') : raw;
      const n = integerOf(s);
      if (n === undefined || n < 1 || n > 4294967295) return `"${show(raw)}" is not an AS number`;
      return { value: n };
    },
  },
  'country-code': {
    description: 'ISO 3166-1 alpha-2 country code, upper case',
    normalise(raw) {
      const s = text(raw)?.toUpperCase();
      if (!s || !COUNTRY.test(s)) return `"${show(raw)}" is not a two-letter country code`;
      return { value: s };
    },
  },
  port: {
    description: 'TCP/UDP port, 0 to 65535',
    normalise(raw) {
      const n = integerOf(raw);
      if (n === undefined || n < 0 || n > 65535) return `"${show(raw)}" is not a port number`;
      return { value: n };
    },
  },
  timestamp: {
    description:
      'UTC timestamp "YYYY-MM-DDTHH:MM:SS+00:00"; not before 1990, not more than a day in the future',
    normalise(raw, _c, ctx) {
      if (typeof raw !== 'string' && typeof raw !== 'number') return `${show(raw)} is not a timestamp`;
      const r = normaliseTimestamp(raw, ctx.time);
      return typeof r === 'string' ? r : { value: r.text };
    },
  },
  tlp: {
    description:
      'Traffic Light Protocol 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED ("WHITE" is read as CLEAR)',
    normalise(raw) {
      let s = text(raw)?.toUpperCase().replace(/^TLP:/, '');
      if (s === 'WHITE') s = 'CLEAR';
      if (!s || !(TLP_LEVELS as readonly string[]).includes(s))
        return `"${show(raw)}" is not a TLP 2.0 label`;
      return { value: s };
    },
  },
  enum: {
    description: 'one of a fixed list of values (lower case)',
    normalise(raw, c) {
      const s = text(raw)?.toLowerCase();
      if (!s || !c.values?.includes(s)) return `"${show(raw)}" is not one of: ${(c.values ?? []).join(', ')}`;
      return { value: s };
    },
  },
  string: {
    description: 'text',
    normalise(raw, c) {
      const s = text(raw);
      if (s === undefined) return `${show(raw)} is not text`;
      if (c.maxLength !== undefined && s.length > c.maxLength)
        return `text is ${s.length} characters, over ${c.maxLength}`;
      if (c.pattern && !c.pattern.test(s)) return `"${show(s)}" does not match ${c.pattern}`;
      return { value: s };
    },
  },
  integer: {
    description: 'whole number',
    normalise(raw, c) {
      const n = integerOf(raw);
      if (n === undefined) return `"${show(raw)}" is not a whole number`;
      if (c.min !== undefined && n < c.min) return `${n} is below ${c.min}`;
      if (c.max !== undefined && n > c.max) return `${n} is above ${c.max}`;
      return { value: n };
    },
  },
  hash: {
    description: 'hexadecimal digest, lower case',
    normalise(raw, c) {
      const s = text(raw)?.toLowerCase();
      if (!s || !(c.pattern ?? /^[0-9a-f]+$/).test(s)) return `"${show(raw)}" is not a valid digest`;
      return { value: s };
    },
  },
  json: {
    description: 'JSON object of further values the schema has no field for',
    normalise(raw) {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        return `${show(raw)} is not a JSON object`;
      return { value: raw };
    },
  },
};
