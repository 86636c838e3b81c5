/**
 * Pull indicators out of one line of prose: IPv4/IPv6 addresses (with :port, or a CIDR network),
 * domains, URLs and MD5/SHA-1/SHA-256 hashes, defanged or not.
 *
 * The line is refanged (refang.ts), cut into tokens at whitespace, quotes, angle brackets, commas
 * and the like (one linear regular expression of a negated character class), and each token is
 * classified by hand. No pattern can backtrack, so a megabyte of garbage costs time linear in its
 * length.
 *
 * False positives are kept down by rules a reader can check:
 * - a bare domain needs a TLD from a compact list (tlds.ts) written in lower case ("ASP.NET",
 *   "System.IO" are names in code, not domains), and a TLD that is also a file extension
 *   ("report.zip", "setup.py") only counts when the text defanged it ("report[.]zip");
 * - a URL needs a scheme (http, https, ftp, or hxxp/hxxps/fxp) or a host that passes the domain
 *   rule or is an IP ("evil.example.com/x.php");
 * - a dotted quad right after "version", "ver", "v", "build", "release" or "firmware" is a
 *   version number, not an address;
 * - a hash is a whole token of exactly 32, 40 or 64 hex digits mixing digits and letters;
 * - an IPv6 address needs at least two non-empty groups (so "::", "::1", "Foo::Bar" are not);
 * - e-mail addresses are skipped: Accord has no field for them, and the domain of a sender's
 *   address is as often the victim's provider as the attacker's.
 */
import { parseIp } from '../../../domain/ip.js';
import { classifyEntry, type Entry, schemeEnd } from '../ip-list/entry.js';
import { DEFANGED_DOT, refangMapped } from './refang.js';
import { FILE_EXTENSION_TLDS } from './tlds.js';

export type Indicator =
  | Extract<Entry, { kind: 'ip' | 'network' | 'fqdn' | 'url' }>
  | { readonly kind: 'hash'; readonly algorithm: 'md5' | 'sha1' | 'sha256'; readonly value: string };

export type IndicatorKind = 'ip' | 'network' | 'fqdn' | 'url' | 'hash';

/** Longest token looked at (the schema's longest URL). */
const MAX_TOKEN = 8192;
const TOKEN = /[^\s"'<>`{}|\\^,;]+/g;
const VERSION_WORDS = new Set(['version', 'ver', 'ver.', 'v', 'v.', 'build', 'release', 'firmware']);
const SCHEMES: ReadonlyArray<readonly [string, string]> = [
  ['hxxps', 'https'],
  ['https', 'https'],
  ['hxxp', 'http'],
  ['http', 'http'],
  ['ftps', 'ftps'],
  ['sftp', 'sftp'],
  ['fxp', 'ftp'],
  ['ftp', 'ftp'],
];

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function hashOf(t: string): Indicator | undefined {
  const n = t.length;
  if (n !== 32 && n !== 40 && n !== 64) return undefined;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (!isHex(c)) return undefined;
    if (c <= 57) digits++;
  }
  if (digits === 0 || digits === n) return undefined;
  const algorithm = n === 32 ? 'md5' : n === 40 ? 'sha1' : 'sha256';
  return { kind: 'hash', algorithm, value: t.toLowerCase() };
}

function isLabel(l: string): boolean {
  const n = l.length;
  if (n === 0 || n > 63) return false;
  for (let i = 0; i < n; i++) {
    const c = l.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95;
    if (!ok) return false;
  }
  return l.charCodeAt(0) !== 45 && l.charCodeAt(n - 1) !== 45;
}

function isAlpha(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return s.length > 0;
}

/** A word such as "IP" or "C2" before a colon. */
function isWord(s: string): boolean {
  return isAlpha(s[0] ?? '') && isLabel(s);
}

/** The bare-domain rule (see the file comment). */
export function acceptableDomain(name: string, defanged: boolean, tlds: ReadonlySet<string>): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) if (!isLabel(l)) return false;
  const tld = labels[labels.length - 1] as string;
  const lower = tld.toLowerCase();
  if (!defanged && tld !== lower) return false;
  if (!(tlds.has(lower) || (lower.startsWith('xn--') && lower.length > 4))) return false;
  if (!defanged && FILE_EXTENSION_TLDS.has(lower)) return false;
  return true;
}

/** A URL's host as written: a dotted name with an alphabetic TLD, or an IP. */
function plausibleUrlHost(host: string, hostIsIp: boolean): boolean {
  if (hostIsIp) return true;
  const dot = host.lastIndexOf('.');
  if (dot <= 0) return false;
  const tld = host.slice(dot + 1);
  return (isAlpha(tld) && tld.length >= 2 && tld.length <= 24) || tld.startsWith('xn--');
}

/** Drop trailing punctuation, and closing brackets that close nothing in the token. Linear. */
function balancedTrim(s: string): string {
  let parens = 0;
  let brackets = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40) parens++;
    else if (c === 41) parens--;
    else if (c === 91) brackets++;
    else if (c === 93) brackets--;
  }
  let end = s.length;
  while (end > 0) {
    const c = s[end - 1] as string;
    if ('.,:;!?*'.includes(c)) end--;
    else if (c === ')' && parens < 0) {
      parens++;
      end--;
    } else if (c === ']' && brackets < 0) {
      brackets++;
      end--;
    } else break;
  }
  return s.slice(0, end);
}

function urlIn(tok: string): Indicator | undefined {
  const sep = tok.indexOf('://');
  let k = sep;
  while (k > 0 && sep - k < 8 && isAlpha(tok[k - 1] as string)) k--;
  const written = tok.slice(k, sep).toLowerCase();
  const scheme = SCHEMES.find(([s]) => written.endsWith(s));
  if (!scheme) return undefined;
  const rest = balancedTrim(tok.slice(sep).replaceAll(DEFANGED_DOT, '.'));
  return classifyEntryUrl(`${scheme[1]}${rest}`);
}

function classifyEntryUrl(text: string): Indicator | undefined {
  if (schemeEnd(text) < 0) return undefined;
  const e = classifyEntry(text);
  if (e.kind !== 'url' || !plausibleUrlHost(e.host, e.hostIsIp)) return undefined;
  return e;
}

function stripWrapping(tok: string): string {
  let start = 0;
  while (start < tok.length && (tok[start] === '(' || tok[start] === '*')) start++;
  let t = tok.slice(start);
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    // "[2001:db8::1]:443" keeps its brackets; "[198.51.100.7]" loses them.
    if (!(close > 0 && t[close + 1] === ':')) t = t.slice(1);
  }
  return balancedTrim(t);
}

/** A bare token (no scheme): hash, address, network, domain or host/path URL. */
function bareIndicator(tok: string, previousWord: string, tlds: ReadonlySet<string>): Indicator | undefined {
  let t = stripWrapping(tok);
  if (t.length < 3 || t.includes('@')) return undefined;
  const eq = t.lastIndexOf('=');
  if (eq >= 0) t = t.slice(eq + 1);
  const defanged = t.includes(DEFANGED_DOT);
  if (defanged) t = t.replaceAll(DEFANGED_DOT, '.');
  const hash = hashOf(t);
  if (hash) return hash;
  // "IP:198.51.100.7", "C2:evil.example.com": a word and a colon before the indicator.
  const colon = t.indexOf(':');
  if (colon > 0 && colon <= 20 && isWord(t.slice(0, colon)) && !parseIp(t)) t = t.slice(colon + 1);
  if (t.length < 3) return undefined;
  const e = classifyEntry(t);
  switch (e.kind) {
    case 'ip': {
      if (e.ip.includes(':')) {
        if (e.ip.split(':').filter((g) => g !== '').length < 2) return undefined;
      } else if (e.port === undefined && VERSION_WORDS.has(previousWord)) return undefined;
      return e;
    }
    case 'network':
      return e;
    case 'fqdn':
      return acceptableDomain(e.fqdn, defanged, tlds) ? e : undefined;
    case 'url': {
      if (e.hostIsIp) return e;
      // The host as written (the URL parser lower-cases it), without a port.
      const host = t.slice(0, t.indexOf('/'));
      const colonAt = host.indexOf(':');
      return acceptableDomain(colonAt < 0 ? host : host.slice(0, colonAt), defanged, tlds) ? e : undefined;
    }
    default:
      return undefined;
  }
}

/** The token as written, without sentence punctuation around it (linear, no regex). */
function trimWritten(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === '(') a++;
  while (b > a && '.,:;!?'.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/**
 * Call `found` for each indicator in `line`, with the indicator's token as written in the line
 * (defanged form and surrounding punctuation included).
 */
export function extractIndicators(
  line: string,
  tlds: ReadonlySet<string>,
  found: (indicator: Indicator, written: string) => void,
): void {
  const r = refangMapped(line);
  const text = r.text;
  TOKEN.lastIndex = 0;
  let previousWord = '';
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const tok = m[0];
    if (tok.length <= MAX_TOKEN && tok.length >= 3) {
      const ind = tok.includes('://') ? urlIn(tok) : bareIndicator(tok, previousWord, tlds);
      if (ind) {
        // The end maps from the token's last character, so a defanged dot at the end stays whole.
        const start = r.original(m.index);
        const end = r.original(m.index + tok.length - 1) + 1;
        found(ind, trimWritten(line.slice(start, end)));
      }
    }
    previousWord = tok.length <= 16 ? tok.toLowerCase() : '';
  }
}
