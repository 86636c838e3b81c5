/**
 * One entry of a block list (FireHOL ipset/netset, plain lists, Maltrail trails): an IP address,
 * a network, IP:port ([v6]:port too), a domain (optionally with :port), a URL, or (Maltrail) a URL
 * path without a host. The entry is classified by hand, character checks and the domain's own IP
 * parsers, so a hostile line costs time linear in its length (no regular-expression backtracking).
 *
 * Values are only *placed* here; the schema (src/domain/harmonise.ts) validates them afterwards,
 * so e.g. a private source.ip is rejected there with the schema's own reason.
 */
import { nonPublicReason, parseCidr, parseIp } from '../../../domain/ip.js';
import type { RawFields } from '../../../domain/schema/event.js';

export type Entry =
  | { readonly kind: 'ip'; readonly ip: string; readonly port?: number }
  | { readonly kind: 'network'; readonly cidr: string }
  | { readonly kind: 'fqdn'; readonly fqdn: string; readonly port?: number }
  | {
      readonly kind: 'url';
      readonly url: string;
      /** Host as the URL parser read it: an IP literal or a name (punycode). */
      readonly host: string;
      readonly hostIsIp: boolean;
      readonly port?: number;
      /** True when the URL names more than a host: a path other than "/" or a query. */
      readonly hasPath: boolean;
    }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Longest entry considered (the schema's longest URL). */
export const MAX_ENTRY_LENGTH = 8192;

const show = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A port in decimal, 0..65535, or a reason. */
function portOf(s: string, entry: string): number | string {
  if (!isDigits(s) || s.length > 5) return `port "${show(s)}" in "${show(entry)}" is not a number`;
  const n = Number(s);
  return n > 65535 ? `port ${n} in "${show(entry)}" is over 65535` : n;
}

/** True when every dot-separated label is all digits (an IPv4 address gone wrong, not a name). */
function allNumericLabels(s: string): boolean {
  for (const l of s.split('.')) if (!isDigits(l)) return false;
  return true;
}

function isSchemeChar(c: number, first: boolean): boolean {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (first) return alpha;
  return alpha || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** Index of "://" when the entry starts with a URL scheme, else -1. */
export function schemeEnd(t: string): number {
  const i = t.indexOf('://');
  if (i <= 0 || i > 32) return -1;
  for (let k = 0; k < i; k++) if (!isSchemeChar(t.charCodeAt(k), k === 0)) return -1;
  return i;
}

/** Classify a URL (absolute, or host/path with "http://" assumed). */
export function classifyUrl(text: string, original = text): Entry {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { kind: 'invalid', reason: `"${show(original)}" is not a valid URL` };
  }
  let host = u.hostname;
  if (host === '') return { kind: 'invalid', reason: `URL "${show(original)}" has no host` };
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const hostIsIp = parseIp(host) !== undefined;
  const hasPath = (u.pathname !== '/' && u.pathname !== '') || u.search !== '';
  const base = { kind: 'url' as const, url: text, host, hostIsIp, hasPath };
  return u.port === '' ? base : { ...base, port: Number(u.port) };
}

/** A network entry: /32 (/128) is an address; a network wholly in non-public space is rejected. */
function classifyCidr(t: string): Entry {
  const r = parseCidr(t);
  if (typeof r === 'string') return { kind: 'invalid', reason: `"${show(t)}" is not a CIDR network: ${r}` };
  const slash = r.text.indexOf('/');
  const base = r.text.slice(0, slash);
  const len = Number(r.text.slice(slash + 1));
  if (len === (r.version === 4 ? 32 : 128)) return { kind: 'ip', ip: base };
  const first = parseIp(base);
  const last = parseIp(lastAddress(base, len, r.version));
  const a = first ? nonPublicReason(first) : 'unparsable';
  const b = last ? nonPublicReason(last) : 'unparsable';
  // A network whose first and last addresses are both non-public lies in non-public space (or
  // spans most of the address space, e.g. 0.0.0.0/0): neither is a reportable network.
  if (a && b)
    return {
      kind: 'invalid',
      reason:
        a === b
          ? `network ${r.text} is not public: ${a}`
          : `network ${r.text} is not public: it starts in ${a} and ends in ${b}`,
    };
  return { kind: 'network', cidr: r.text };
}

function lastAddress(base: string, len: number, version: 4 | 6): string {
  const ip = parseIp(base);
  if (!ip) return base;
  if (version === 4) {
    const host = len === 0 ? 0xffffffff : len === 32 ? 0 : (0xffffffff >>> len) >>> 0;
    const v = ((ip.v4 ?? 0) | host) >>> 0;
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups = (ip.v6 ?? []).map((g, i) => {
    const bitsHere = Math.max(0, Math.min(16, len - i * 16));
    const hostMask = bitsHere >= 16 ? 0 : 0xffff >> bitsHere;
    return (g | hostMask) & 0xffff;
  });
  return groups.map((g) => g.toString(16)).join(':');
}

/**
 * Classify one entry (already trimmed, comments removed). `allowPath` lets a leading "/" be a
 * host-less URL path (Maltrail); otherwise such an entry is invalid.
 */
export function classifyEntry(t: string, allowPath = false): Entry {
  if (t.length === 0) return { kind: 'invalid', reason: 'empty entry' };
  if (t.length > MAX_ENTRY_LENGTH)
    return {
      kind: 'invalid',
      reason: `entry is ${t.length.toLocaleString('en')} characters, over ${MAX_ENTRY_LENGTH}`,
    };
  if (t.charCodeAt(0) === 47 /* / */) {
    if (allowPath) return { kind: 'path', path: t };
    return { kind: 'invalid', reason: `"${show(t)}" is a path without a host` };
  }
  if (schemeEnd(t) > 0) return classifyUrl(t);

  // [v6] or [v6]:port
  if (t.charCodeAt(0) === 91 /* [ */) {
    const close = t.indexOf(']');
    const inner = close < 0 ? '' : t.slice(1, close);
    const ip = parseIp(inner);
    if (!ip) return { kind: 'invalid', reason: `"${show(t)}" is not a bracketed IPv6 address` };
    const rest = t.slice(close + 1);
    if (rest === '') return { kind: 'ip', ip: ip.text };
    if (rest.charCodeAt(0) !== 58 /* : */)
      return { kind: 'invalid', reason: `unexpected text after "]" in "${show(t)}"` };
    const port = portOf(rest.slice(1), t);
    return typeof port === 'string' ? { kind: 'invalid', reason: port } : { kind: 'ip', ip: ip.text, port };
  }

  const slash = t.indexOf('/');
  if (slash >= 0) {
    const head = t.slice(0, slash);
    const tail = t.slice(slash + 1);
    if (parseIp(head) && (isDigits(tail) || tail === '')) return classifyCidr(t);
    if (head === '' || head.includes(' '))
      return { kind: 'invalid', reason: `"${show(t)}" is not an IP address, network, domain or URL` };
    // host/path without a scheme: a URL, http assumed (as the schema's url type does).
    return classifyUrl(`http://${t}`, t);
  }

  const ip = parseIp(t);
  if (ip) return { kind: 'ip', ip: ip.text };

  const colon = t.indexOf(':');
  if (colon >= 0) {
    if (t.indexOf(':', colon + 1) >= 0)
      return {
        kind: 'invalid',
        reason: t.slice(0, colon).includes('.')
          ? `"${show(t)}" has more than one ":"; expected host:port`
          : `"${show(t)}" is not a valid IPv6 address`,
      };
    const host = t.slice(0, colon);
    const port = portOf(t.slice(colon + 1), t);
    if (typeof port === 'string') return { kind: 'invalid', reason: port };
    const hip = parseIp(host);
    if (hip) return { kind: 'ip', ip: hip.text, port };
    if (host.includes('.') && allNumericLabels(host))
      return { kind: 'invalid', reason: `"${show(host)}" is not a valid IPv4 address` };
    if (!host.includes('.'))
      return { kind: 'invalid', reason: `"${show(t)}" is not an IP address, network, domain or URL` };
    return { kind: 'fqdn', fqdn: host, port };
  }
  if (t.includes('.') && allNumericLabels(t))
    return { kind: 'invalid', reason: `"${show(t)}" is not a valid IPv4 address` };
  if (!t.includes('.'))
    return { kind: 'invalid', reason: `"${show(t)}" is not an IP address, network, domain or URL` };
  // Anything else with a dot is a domain; the schema's fqdn type checks its labels.
  return { kind: 'fqdn', fqdn: t };
}

/**
 * Put an entry into source.* fields: the listed thing is the source (for a C2 list, the C2 server,
 * as in IntelMQ). A URL also gives its host as source.ip or source.fqdn, as IntelMQ's url2fqdn
 * expert would, so constituency and country lookups by address work for URL entries too.
 */
export function putEntry(e: Entry, f: RawFields): void {
  switch (e.kind) {
    case 'ip':
      f['source.ip'] = e.ip;
      if (e.port !== undefined) f['source.port'] = e.port;
      return;
    case 'network':
      f['source.network'] = e.cidr;
      return;
    case 'fqdn':
      f['source.fqdn'] = e.fqdn;
      if (e.port !== undefined) f['source.port'] = e.port;
      return;
    case 'url':
      f['source.url'] = e.url;
      f[e.hostIsIp ? 'source.ip' : 'source.fqdn'] = e.host;
      if (e.port !== undefined) f['source.port'] = e.port;
      return;
    case 'path':
    case 'invalid':
      return;
  }
}
