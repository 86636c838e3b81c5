/**
 * Free text: indicators pulled out of prose (advisories, reports, e-mails): IPv4/IPv6 addresses
 * (source.ip, with source.port for ip:port), CIDR networks (source.network), domains
 * (source.fqdn), URLs (source.url and its host) and hashes (malware.hash.md5/sha1/sha256), in
 * plain or defanged form (hxxp://, hxxps://, fxp://, [.], (.), {.}, [dot], (dot), {dot}, [:]//,
 * [://], [:], [/]). What counts as an indicator, and why, is in extract.ts.
 *
 * Each distinct indicator of a document is one record, at the line it first appears on; later
 * mentions are not records again. Its raw text is the indicator as written there (defanged form
 * kept, e.g. "hxxp://evil[.]example[.]com/x"): a record is one indicator, the line number gives the
 * context, and two indicators of one line stay two distinct quarantine entries.
 *
 * Prose does not say what its indicators are: classification comes from the feed's defaults
 * (e.g. classification.type "c2-server" for a C2 advisory), else the schema's "undetermined".
 * Private and reserved addresses are extracted like any other and rejected by the schema, so they
 * show in quarantine with the reason.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import { normaliseUrl } from '../../../domain/schema/field-types.js';
import type { ParseOutcome, ParserDefinition, ParserInstance, RawLine } from '../contract.js';
import { putEntry } from '../ip-list/entry.js';
import { unknownOption } from '../ip-list/options.js';
import { extractIndicators, type Indicator, type IndicatorKind } from './extract.js';
import { KNOWN_TLDS } from './tlds.js';

export interface FreeTextOptions {
  /** Which kinds of indicator to extract. Default all: ip, network, fqdn, url, hash. */
  readonly kinds: ReadonlySet<IndicatorKind>;
  /** TLDs accepted for bare domains: the compact list of tlds.ts plus `extra_tlds`. */
  readonly tlds: ReadonlySet<string>;
}

const ALL_KINDS: readonly IndicatorKind[] = ['ip', 'network', 'fqdn', 'url', 'hash'];

function keyOf(i: Indicator): string {
  switch (i.kind) {
    case 'ip':
      return `ip|${i.ip}|${i.port ?? ''}`;
    case 'network':
      return `net|${i.cidr}`;
    case 'fqdn':
      return `fqdn|${i.fqdn.toLowerCase()}|${i.port ?? ''}`;
    case 'url': {
      const n = normaliseUrl(i.url);
      return `url|${typeof n === 'string' ? i.url : n.value}`;
    }
    case 'hash':
      return `hash|${i.value}`;
  }
}

function fieldsOf(i: Indicator): RawFields {
  const f: RawFields = {};
  if (i.kind === 'hash') f[`malware.hash.${i.algorithm}`] = i.value;
  else putEntry(i, f);
  return f;
}

export const freeText: ParserDefinition<FreeTextOptions> = {
  name: 'free-text',
  description:
    'indicators (IPs, domains, URLs, md5/sha1/sha256 hashes) pulled out of prose, defanged forms included',
  options: [
    {
      name: 'kinds',
      type: 'array of "ip" | "network" | "fqdn" | "url" | "hash"',
      description: 'which kinds of indicator to extract',
      default: ALL_KINDS,
    },
    {
      name: 'extra_tlds',
      type: 'array of string',
      description:
        'more top-level domains to accept for bare domain names (a compact list of all country codes, legacy and commonly abused generic TLDs is built in)',
      default: [],
    },
  ],
  parseOptions(raw) {
    const unknown = unknownOption(raw, ['kinds', 'extra_tlds']);
    if (unknown) return { ok: false, error: unknown };
    const kinds = raw.kinds ?? ALL_KINDS;
    if (
      !Array.isArray(kinds) ||
      kinds.length === 0 ||
      !kinds.every((k) => (ALL_KINDS as readonly unknown[]).includes(k))
    )
      return { ok: false, error: `kinds: expected a non-empty list of ${ALL_KINDS.join(', ')}` };
    const extra = raw.extra_tlds ?? [];
    if (!Array.isArray(extra) || !extra.every((t) => typeof t === 'string' && /^[a-z0-9-]{2,63}$/i.test(t)))
      return { ok: false, error: 'extra_tlds: expected a list of top-level domains such as ["example"]' };
    const tlds = new Set(KNOWN_TLDS);
    for (const t of extra as string[]) tlds.add(t.toLowerCase().replace(/^\./, ''));
    return { ok: true, value: { kinds: new Set(kinds as IndicatorKind[]), tlds } };
  },
  sniff({ lines }) {
    return lines.some((l) => l.trim() !== '') ? 0.1 : 0;
  },
  create(options): ParserInstance {
    const seen = new Set<string>();
    return {
      push(lines: readonly RawLine[], out: ParseOutcome[]) {
        for (const { no, text } of lines) {
          if (text.length < 3) continue;
          extractIndicators(text, options.tlds, (ind, written) => {
            if (!options.kinds.has(ind.kind)) return;
            const key = keyOf(ind);
            if (seen.has(key)) return;
            seen.add(key);
            out.push({ kind: 'record', line: no, fields: fieldsOf(ind), raw: written });
          });
        }
      },
      end() {},
    };
  },
};
