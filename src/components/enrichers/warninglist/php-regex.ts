/**
 * MISP evaluates regex warninglists with PHP's preg_match, so entries are written with delimiters
 * and trailing flags ("/^foo\.example$/i"). This turns one entry into a JavaScript RegExp, or says
 * why it cannot (a flag JavaScript lacks, a syntax error). A bare pattern without delimiters is
 * taken as it is, so hand-written lists work too.
 */

const PAIRS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' };
/** PHP flags JavaScript has (i, m, s, u), ignores safely (D: JS `$` already means end of input without m; S, X, J, n). */
const SAME = new Set(['i', 'm', 's', 'u']);
const IGNORED = new Set(['D', 'S', 'X', 'J', 'n']);

export interface JsRegex {
  readonly source: string;
  readonly flags: string;
}

/** Split a PHP-style entry into a JavaScript source and flags, or an error text. */
export function fromPhpRegex(entry: string): JsRegex | string {
  let source = entry;
  let phpFlags = '';
  const d = entry[0];
  if (d !== undefined && entry.length >= 2 && !/[\sA-Za-z0-9\\]/.test(d)) {
    const close = PAIRS[d] ?? d;
    const end = entry.lastIndexOf(close);
    if (end > 0 && /^[a-zA-Z]*$/.test(entry.slice(end + 1))) {
      source = entry.slice(1, end);
      phpFlags = entry.slice(end + 1);
    }
  }
  let flags = '';
  let anchored = false;
  for (const f of phpFlags) {
    if (SAME.has(f)) {
      if (!flags.includes(f)) flags += f;
    } else if (f === 'A') anchored = true;
    else if (!IGNORED.has(f)) return `PHP regex flag "${f}" has no JavaScript equivalent`;
  }
  if (anchored) source = `^(?:${source})`;
  try {
    new RegExp(source, flags);
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  return { source, flags };
}

/** Backreferences and named groups change meaning when patterns are joined into one alternation. */
export function joinable(r: JsRegex): boolean {
  return !/\\[1-9]|\\k<|\(\?<(?![=!])/.test(r.source);
}

/**
 * Compile a list's patterns into as few RegExps as possible: joinable patterns with the same flags
 * become one alternation (one scan per value instead of one per entry); the others stay alone.
 */
export function compileAll(patterns: readonly JsRegex[]): RegExp[] {
  const byFlags = new Map<string, string[]>();
  const alone: RegExp[] = [];
  for (const p of patterns) {
    if (!joinable(p)) {
      alone.push(new RegExp(p.source, p.flags));
      continue;
    }
    const group = byFlags.get(p.flags) ?? [];
    group.push(`(?:${p.source})`);
    byFlags.set(p.flags, group);
  }
  const out: RegExp[] = [];
  for (const [flags, sources] of byFlags) out.push(new RegExp(sources.join('|'), flags));
  return [...out, ...alone];
}
