/**
 * Comments in list files. A line starting with "#", ";" or "//" is a comment. A trailing comment
 * starts at "#", ";" or "//" preceded by whitespace ("1.2.3.4  # seen 2026-10-01"), so the "//" of
 * a URL and a URL's "#fragment" are not comments. An entry that is not a URL may also carry the
 * marker without whitespace ("198.51.100.7#c2").
 */

export interface ListLine {
  /** The entry text, trimmed, without its comment. */
  readonly entry: string;
  /** Trailing comment text, trimmed, when there is one and it is not empty. */
  readonly comment?: string;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 0xa0 || c === 0xfeff;
}

/** True for a blank line or a whole-line comment. */
export function isCommentOrBlank(text: string): boolean {
  const t = text.trim();
  return t === '' || t.startsWith('#') || t.startsWith(';') || t.startsWith('//');
}

/** Comment text of a whole-line comment ("# Maintainer : x" -> "Maintainer : x"), else undefined. */
export function commentText(text: string): string | undefined {
  const t = text.trim();
  if (t.startsWith('#') || t.startsWith(';')) return t.slice(1).trim();
  if (t.startsWith('//')) return t.slice(2).trim();
  return undefined;
}

/** Split a line into entry and trailing comment; undefined for blank and comment lines. */
export function splitLine(text: string): ListLine | undefined {
  if (isCommentOrBlank(text)) return undefined;
  const t = text.trim();
  let cut = -1;
  let markerLen = 1;
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!isSpace(t.charCodeAt(i - 1))) continue;
    if (c === 35 /* # */ || c === 59 /* ; */) {
      cut = i;
      break;
    }
    if (c === 47 /* / */ && t.charCodeAt(i + 1) === 47) {
      cut = i;
      markerLen = 2;
      break;
    }
  }
  let entry = cut < 0 ? t : t.slice(0, cut).trim();
  let comment = cut < 0 ? '' : t.slice(cut + markerLen).trim();
  if (!entry.includes('://')) {
    // Not a URL: "#" or ";" glued to the entry also starts a comment.
    const hash = entry.indexOf('#');
    const semi = entry.indexOf(';');
    const at = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
    if (at > 0) {
      const glued = entry.slice(at + 1).trim();
      comment = comment === '' ? glued : `${glued} ${comment}`;
      entry = entry.slice(0, at).trim();
    }
  }
  return comment === '' ? { entry } : { entry, comment };
}
