/**
 * IP lists: FireHOL ipset/netset files and plain one-per-line lists of IPs, CIDRs, IP:port
 * ([v6]:port), domains (domain:port) or URLs, with comments ("#", ";", "//", whole-line or
 * trailing) and blank lines. Hosts-file lines ("0.0.0.0 bad.example.com") are read too.
 *
 * A list says nothing about what its entries are; the feed's configuration does. Each entry
 * becomes the *source* of an event (for a C2 list, the C2 server, as in IntelMQ): source.ip
 * (+ source.port), source.network, source.fqdn or source.url (+ its host). A /32 (/128) is an
 * address. Without `classification_type` here or `classification.type` in the feed's defaults,
 * the schema records the event as RSIT "other/undetermined": a list with no stated meaning is not
 * claimed to be C2 or anything else.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import { normaliseUrl } from '../../../domain/schema/field-types.js';
import type { RsitType } from '../../../domain/taxonomy.js';
import type { ParseOutcome, ParserDefinition, ParserInstance, RawLine } from '../contract.js';
import { commentText, isCommentOrBlank, splitLine } from './comments.js';
import { classifyEntry, putEntry } from './entry.js';
import { HeaderReader, type ListHeader, looksLikeFireholHeader } from './firehol-header.js';
import { booleanOption, optionalFamily, optionalRsitType, unknownOption } from './options.js';

export interface IpListOptions {
  /**
   * What every entry is, as an RSIT type (e.g. "c2-server", "scanner", "malware-distribution").
   * Unset: the feed's defaults decide, else the schema's "undetermined" (taxonomy "other").
   */
  readonly classificationType?: RsitType;
  /** Malware family of every entry (malware.name), e.g. "emotet". Unset: the feed's defaults decide. */
  readonly malwareName?: string;
  /**
   * Use a FireHOL header: its list name becomes the suggested feed.name, "Maintainer" feed.provider,
   * "List source URL" feed.url, "Source File Date" time.source and "Category" extra.category. The
   * feed's own settings win over all of these. Default true.
   */
  readonly useHeader: boolean;
}

/** Names in hosts files that are the machine itself, not a listed domain. */
const HOSTS_LOCAL = new Set([
  'localhost',
  'localhost.localdomain',
  'local',
  'broadcasthost',
  'ip6-localhost',
  'ip6-loopback',
  'ip6-localnet',
  'ip6-mcastprefix',
  'ip6-allnodes',
  'ip6-allrouters',
  'ip6-allhosts',
  '0.0.0.0',
]);
const HOSTS_SINK = new Set(['0.0.0.0', '127.0.0.1', '::', '::1', '0']);

function headerFields(h: ListHeader): RawFields {
  const f: RawFields = {};
  if (!h.firehol) return f;
  if (h.maintainer) f['feed.provider'] = h.maintainer;
  if (h.sourceUrl && typeof normaliseUrl(h.sourceUrl) !== 'string') f['feed.url'] = h.sourceUrl;
  if (h.date) f['time.source'] = h.date;
  if (h.category) f['extra.category'] = h.category;
  return f;
}

export const ipList: ParserDefinition<IpListOptions> = {
  name: 'ip-list',
  description:
    'FireHOL ipset/netset files and plain lists of IPs, CIDRs, IP:port, domains or URLs, one per line, with comments',
  options: [
    {
      name: 'classification_type',
      type: 'RSIT type',
      description:
        'what every entry is (e.g. "c2-server"); unset: the feed defaults decide, else "undetermined" (taxonomy "other"): a list with no stated meaning is not claimed to be anything',
    },
    {
      name: 'malware_name',
      type: 'string',
      description: 'malware family of every entry (malware.name, lower case), e.g. "emotet"',
    },
    {
      name: 'use_header',
      type: 'boolean',
      description:
        'read a FireHOL header: list name -> suggested feed.name, Maintainer -> feed.provider, List source URL -> feed.url, Source File Date -> time.source, Category -> extra.category (feed settings win)',
      default: true,
    },
  ],
  parseOptions(raw) {
    const unknown = unknownOption(raw, ['classification_type', 'malware_name', 'use_header']);
    if (unknown) return { ok: false, error: unknown };
    const type = optionalRsitType('classification_type', raw.classification_type);
    if (!type.ok) return type;
    const family = optionalFamily('malware_name', raw.malware_name);
    if (!family.ok) return family;
    const useHeader = booleanOption('use_header', raw.use_header, true);
    if (!useHeader.ok) return useHeader;
    return {
      ok: true,
      value: {
        ...(type.value !== undefined ? { classificationType: type.value } : {}),
        ...(family.value !== undefined ? { malwareName: family.value } : {}),
        useHeader: useHeader.value,
      },
    };
  },
  sniff({ lines }) {
    if (looksLikeFireholHeader(lines)) return 0.95;
    let entries = 0;
    let addresses = 0;
    let others = 0;
    for (const l of lines) {
      if (isCommentOrBlank(l)) continue;
      if (++entries > 200) break;
      const s = splitLine(l);
      // Quotes, commas and braces belong to CSV or JSON, never to a list entry.
      if (!s || /["',{}()<>\s]/.test(s.entry)) continue;
      const e = classifyEntry(s.entry);
      if (e.kind === 'ip' || e.kind === 'network') addresses++;
      else if (e.kind === 'fqdn' || e.kind === 'url') others++;
    }
    if (entries === 0) return 0;
    const n = Math.min(entries, 200);
    if (addresses / n >= 0.8) return 0.8;
    if ((addresses + others) / n >= 0.9) return 0.5;
    return 0;
  },
  create(options): ParserInstance {
    const header = new HeaderReader();
    let inHeader = true;
    let base: RawFields | undefined;
    let headerName: string | undefined;

    const baseFields = (): RawFields => {
      if (base) return base;
      const h = header.result();
      base = options.useHeader ? headerFields(h) : {};
      if (options.useHeader && h.firehol && h.name) headerName = h.name;
      if (options.classificationType) base['classification.type'] = options.classificationType;
      if (options.malwareName) base['malware.name'] = options.malwareName;
      return base;
    };

    const emit = (
      no: number,
      text: string,
      entry: string,
      comment: string | undefined,
      out: ParseOutcome[],
    ) => {
      const e = classifyEntry(entry);
      if (e.kind === 'invalid' || e.kind === 'path') {
        const reason = e.kind === 'invalid' ? e.reason : `"${e.path}" is a path without a host`;
        out.push({ kind: 'reject', line: no, reason, raw: text });
        return;
      }
      const fields: RawFields = { ...baseFields() };
      putEntry(e, fields);
      if (comment !== undefined) fields.comment = comment;
      out.push({ kind: 'record', line: no, fields, raw: text });
    };

    return {
      push(lines: readonly RawLine[], out: ParseOutcome[]) {
        for (const { no, text } of lines) {
          const split = splitLine(text);
          if (!split) {
            if (inHeader) {
              const c = commentText(text);
              if (c !== undefined) header.add(c);
            }
            continue;
          }
          if (inHeader) {
            inHeader = false;
            baseFields();
          }
          const { entry, comment } = split;
          const words = entry.split(/[ \t]+/);
          if (words.length === 1) {
            emit(no, text, entry, comment, out);
            continue;
          }
          if (HOSTS_SINK.has(words[0] as string)) {
            // hosts-file line: "0.0.0.0 name [name ...]"
            for (let i = 1; i < words.length; i++) {
              const name = words[i] as string;
              // Several names on one line: each record's raw text is its own hosts line, so
              // two bad names stay two quarantine entries.
              const raw = words.length > 2 ? `${words[0]} ${name}` : text;
              if (!HOSTS_LOCAL.has(name.toLowerCase())) emit(no, raw, name, comment, out);
            }
            continue;
          }
          out.push({
            kind: 'reject',
            line: no,
            reason: `expected one entry per line, found ${words.length} words in "${
              entry.length > 60 ? `${entry.slice(0, 57)}...` : entry
            }" (text after an entry needs a comment marker: #, ; or //)`,
            raw: text,
          });
        }
      },
      end() {},
      suggestedFeedName() {
        if (inHeader && options.useHeader) {
          const h = header.result();
          return h.firehol ? h.name : undefined;
        }
        return headerName;
      },
    };
  },
};
