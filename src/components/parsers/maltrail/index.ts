/**
 * Maltrail static trail files (github.com/stamparm/maltrail, trails/static/malware/*.txt; MIT):
 * one trail per line (IP, IP:port, domain, URL, or a URL path), comments with "#".
 *
 * - Family: malware.name from the file name ("emotet.txt", "maltrail_emotet.txt"; a platform
 *   prefix such as "elf_" goes to extra.platform), or the `family` option. The "# Aliases:" line
 *   goes to extra.aliases (lower case, the family itself left out).
 * - References: a run of "# Reference: URL" lines covers the trails that follow it, up to the next
 *   run (or a "# Generic" section). The first reference of the run becomes event_description.url
 *   (IntelMQ's field for "link to more about the event"); the run's first `max_references` URLs are
 *   kept in extra.references, and extra.references_total says how many the run had when it had more.
 * - Classification: Maltrail's malware trails are mostly the family's command-and-control
 *   infrastructure, so an IP, IP:port, domain or bare-host URL ("http://203.0.113.5") is
 *   "c2-server". A URL with a path or query ("evil.example/wp-content/x.doc") is where the malware
 *   is fetched from: "malware-distribution". Feed overrides can replace either.
 * - A path-only trail ("/izuku.arm") names no host: Maltrail matches it in any HTTP request. It is
 *   kept as an indicator in source.urlpath, classified "malware-distribution" (these are mostly
 *   download paths of the family's payloads), or quarantined with `path_trails: "quarantine"`.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import { normaliseUrl } from '../../../domain/schema/field-types.js';
import type { ParseOutcome, ParserDefinition, ParserInstance, RawLine } from '../contract.js';
import { commentText, splitLine } from '../ip-list/comments.js';
import { classifyEntry, putEntry } from '../ip-list/entry.js';
import { optionalFamily, unknownOption } from '../ip-list/options.js';
import { aliasesOf, type Family, familyFromFileName, isGenericSection, referenceOf } from './trail-header.js';

export interface MaltrailOptions {
  /** malware.name for every trail; default: from the file name. */
  readonly family?: string;
  /** What to do with path-only trails ("/x.arm"), which name no host. Default "keep". */
  readonly pathTrails: 'keep' | 'quarantine';
  /** How many of a block's reference URLs to keep in extra.references. Default 5; 0 keeps none. */
  readonly maxReferences: number;
}

const show = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);

export const maltrail: ParserDefinition<MaltrailOptions> = {
  name: 'maltrail',
  description:
    'Maltrail static trail files: one IP[:port], domain or URL per line; family from the file name, "# Aliases" and "# Reference" kept',
  options: [
    {
      name: 'family',
      type: 'string',
      description:
        'malware.name for every trail (lower case); default the file name without "maltrail_" and platform prefix',
    },
    {
      name: 'path_trails',
      type: '"keep" | "quarantine"',
      description:
        'path-only trails ("/x.arm") name no host: keep them as source.urlpath indicators (malware-distribution), or quarantine them',
      default: 'keep',
    },
    {
      name: 'max_references',
      type: 'integer',
      description:
        "how many of a block's reference URLs to keep in extra.references (the first is also event_description.url)",
      default: 5,
    },
  ],
  parseOptions(raw) {
    const unknown = unknownOption(raw, ['family', 'path_trails', 'max_references']);
    if (unknown) return { ok: false, error: unknown };
    const family = optionalFamily('family', raw.family);
    if (!family.ok) return family;
    const pt = raw.path_trails ?? 'keep';
    if (pt !== 'keep' && pt !== 'quarantine')
      return { ok: false, error: 'path_trails: expected "keep" or "quarantine"' };
    const mr = raw.max_references ?? 5;
    if (typeof mr !== 'number' || !Number.isInteger(mr) || mr < 0 || mr > 1000)
      return { ok: false, error: 'max_references: expected a whole number from 0 to 1000' };
    return {
      ok: true,
      value: {
        ...(family.value !== undefined ? { family: family.value } : {}),
        pathTrails: pt,
        maxReferences: mr,
      },
    };
  },
  sniff({ lines }) {
    let n = 0;
    for (const l of lines) {
      if (++n > 200) break;
      if (/^#\s*(Reference|Aliases)\s?:/i.test(l) || /^#.*Maltrail developers/i.test(l)) return 0.85;
    }
    return 0;
  },
  create(options, ctx): ParserInstance {
    const fromName: Family | undefined = familyFromFileName(ctx.sourceName);
    const familyName = options.family ?? fromName?.name;
    const platform = options.family === undefined ? fromName?.platform : undefined;
    let aliases: string[] | undefined;
    let refs: string[] = [];
    let refsClosed = false;
    /** Fields shared by the trails of the current block; rebuilt when the block changes. */
    let blockFields: RawFields | undefined;

    const block = (): RawFields => {
      if (blockFields) return blockFields;
      const f: RawFields = {};
      if (familyName) f['malware.name'] = familyName;
      if (platform) f['extra.platform'] = platform;
      if (aliases && aliases.length > 0) f['extra.aliases'] = aliases;
      if (refs.length > 0) {
        f['event_description.url'] = refs[0];
        if (options.maxReferences > 0) {
          f['extra.references'] = refs.slice(0, options.maxReferences);
          if (refs.length > options.maxReferences) f['extra.references_total'] = refs.length;
        }
      }
      blockFields = f;
      return f;
    };

    const comment = (c: string) => {
      const ref = referenceOf(c);
      if (ref !== undefined) {
        if (typeof normaliseUrl(ref) === 'string') return; // not a usable URL: not kept
        if (refsClosed) {
          refs = [];
          refsClosed = false;
        }
        if (!refs.includes(ref)) refs.push(ref);
        blockFields = undefined;
        return;
      }
      const a = aliasesOf(c);
      if (a !== undefined) {
        aliases = a.filter((x) => x !== familyName);
        blockFields = undefined;
        return;
      }
      if (isGenericSection(c)) {
        refs = [];
        refsClosed = false;
        blockFields = undefined;
      }
    };

    return {
      push(lines: readonly RawLine[], out: ParseOutcome[]) {
        for (const { no, text } of lines) {
          const split = splitLine(text);
          if (!split) {
            const c = commentText(text);
            if (c !== undefined && c !== '') comment(c);
            continue;
          }
          refsClosed = true;
          const { entry, comment: trailing } = split;
          if (/\s/.test(entry)) {
            out.push({
              kind: 'reject',
              line: no,
              reason: `expected one trail per line, found "${show(entry)}"`,
              raw: text,
            });
            continue;
          }
          const e = classifyEntry(entry, true);
          if (e.kind === 'invalid') {
            out.push({ kind: 'reject', line: no, reason: e.reason, raw: text });
            continue;
          }
          if (e.kind === 'path') {
            if (options.pathTrails === 'quarantine') {
              out.push({
                kind: 'reject',
                line: no,
                reason: `path-only trail "${show(e.path)}": Maltrail matches it in any HTTP request, so there is no host to report`,
                raw: text,
              });
            } else {
              const fields: RawFields = { ...block(), 'source.urlpath': e.path };
              if (trailing !== undefined) fields.comment = trailing;
              fields['classification.type'] = 'malware-distribution';
              out.push({ kind: 'record', line: no, fields, raw: text });
            }
            continue;
          }
          const fields: RawFields = { ...block() };
          putEntry(e, fields);
          if (trailing !== undefined) fields.comment = trailing;
          fields['classification.type'] =
            e.kind === 'url' && e.hasPath ? 'malware-distribution' : 'c2-server';
          out.push({ kind: 'record', line: no, fields, raw: text });
        }
      },
      end() {},
      suggestedFeedName() {
        if (options.family !== undefined) return `maltrail-${options.family}`;
        return fromName ? `maltrail-${fromName.stem}` : undefined;
      },
    };
  },
};
