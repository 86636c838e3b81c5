/**
 * Undo the usual defanging of indicators in reports and e-mails, so they can be read:
 * "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}" (with or without one space around) become a dot,
 * "[:]//", "[://]" become "://", "[:]" ":" and "[/]" "/". Schemes ("hxxp", "hxxps", "fxp") are
 * handled where URLs are recognised (extract.ts).
 *
 * A defanged dot becomes DEFANGED_DOT rather than "." so the extractor knows the author marked the
 * name as an indicator (see FILE_EXTENSION_TLDS). One pass of a regular expression made of fixed
 * alternatives, with single optional spaces only: linear in the line's length.
 */

/** A private-use character standing for a dot that was defanged in the text. */
export const DEFANGED_DOT = '\uE000';

const DEFANG = / ?(?:\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\}) ?|\[:\]\/\/|\[:\/\/\]|\[:\]|\[\/\]/gi;

function replacement(m: string): string {
  if (m.includes(':')) return m.includes('/') ? '://' : ':';
  if (m.includes('/')) return '/';
  return DEFANGED_DOT;
}

export interface Refanged {
  readonly text: string;
  /** Offset in the original line of offset `i` of `text` (for cutting what was written). */
  original(i: number): number;
}

export function refang(line: string): string {
  return refangMapped(line).text;
}

/** Refang, keeping a map from refanged offsets back to the original line. */
export function refangMapped(line: string): Refanged {
  if (line.indexOf('[') < 0 && line.indexOf('(') < 0 && line.indexOf('{') < 0)
    return { text: line, original: (i) => i };
  // Breakpoints: from refanged offset at[k] on, the original offset is larger by shift[k].
  const at: number[] = [];
  const shift: number[] = [];
  let delta = 0;
  let out = 0;
  let last = 0;
  const text = line.replace(DEFANG, (m: string, offset: number) => {
    const r = replacement(m);
    out += offset - last + r.length;
    last = offset + m.length;
    delta += m.length - r.length;
    at.push(out);
    shift.push(delta);
    return r;
  });
  if (at.length === 0) return { text, original: (i) => i };
  return {
    text,
    original(i: number): number {
      let lo = 0;
      let hi = at.length - 1;
      let k = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((at[mid] as number) <= i) {
          k = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return i + (k < 0 ? 0 : (shift[k] as number));
    },
  };
}
