/**
 * What a Maltrail static trail file says besides its trails: the family (from the file name, e.g.
 * trails/static/malware/emotet.txt, or maltrail_emotet.txt as mirrors name it), the family's
 * aliases ("# Aliases: Emotet, Heodo, Geodo") and the references that precede each block of
 * trails ("# Reference: https://..."; typos such as "# Referecne:" or a missing colon occur in the
 * real files and are read too).
 */

export interface Family {
  /** malware.name: the family, lower case, without a platform prefix ("elf_mirai" -> "mirai"). */
  readonly name: string;
  /** Platform prefix of Maltrail's file name, when there is one ("elf", "android", "osx", ...). */
  readonly platform?: string;
  /** The file's stem as Maltrail names it ("elf_mirai"), for the feed name. */
  readonly stem: string;
}

const PLATFORMS = ['android', 'elf', 'osx', 'macos', 'ios', 'linux', 'win'];
const STEM = /^[a-z0-9][a-z0-9_+-]{0,127}$/;

/** The family a trail file's name gives, or undefined (stdin, odd names). */
export function familyFromFileName(sourceName: string): Family | undefined {
  let s = sourceName;
  const q = s.search(/[?#]/);
  if (q >= 0) s = s.slice(0, q);
  s = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1).toLowerCase();
  // Maltrail's names have no dots: "emotet.txt", "elf_mirai.txt" (and "emotet.2026-11-01.txt" copies).
  const dot = s.indexOf('.');
  if (dot >= 0) s = s.slice(0, dot);
  s = s.replace(/^maltrail[_-]/, '');
  if (!STEM.test(s)) return undefined;
  const us = s.indexOf('_');
  const prefix = us > 0 ? s.slice(0, us) : '';
  if (PLATFORMS.includes(prefix) && us < s.length - 1)
    return { name: s.slice(us + 1), platform: prefix, stem: s };
  return { name: s, stem: s };
}

/** "Aliases: Emotet, Heodo, Geodo" -> ["emotet", "heodo", "geodo"]; undefined for other comments. */
export function aliasesOf(comment: string): string[] | undefined {
  if (!/^aliases?\s{0,8}:/i.test(comment)) return undefined;
  const list = comment.slice(comment.indexOf(':') + 1);
  const out: string[] = [];
  for (const a of list.split(',')) {
    const t = a.trim().toLowerCase();
    if (t !== '' && !out.includes(t)) out.push(t);
  }
  return out;
}

/** The URL of a reference comment ("Reference: https://..."), tolerant of typos; else undefined. */
export function referenceOf(comment: string): string | undefined {
  if (!/^ref/i.test(comment)) return undefined;
  const head = comment.slice(0, 24).toLowerCase();
  const at = head.indexOf('http');
  if (at < 0) return undefined;
  const rest = comment.slice(at);
  if (!/^https?:\/\//i.test(rest)) return undefined;
  const sp = rest.search(/\s/);
  return sp < 0 ? rest : rest.slice(0, sp);
}

/** "# Generic ..." starts trails that no reference covers. */
export function isGenericSection(comment: string): boolean {
  return /^generic\b/i.test(comment);
}
