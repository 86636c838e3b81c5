/**
 * A small bounded glob (Node 20 has no fs.glob): `*` and `?` within one path segment, `**` for
 * any number of folders, `/` as the only separator (callers turn a platform separator into `/`). Shared by feed sources (src/feeds/file-glob.ts)
 * and warninglist paths (src/components/enrichers/warninglist/find-files.ts). Walks are bounded
 * in depth and entries, so a wrong pattern (say `/**`) ends instead of running for ever.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface GlobOptions {
  readonly maxDepth: number;
  readonly maxEntries: number;
  /** Let `*` and `?` match a leading dot of a name (default false). */
  readonly dot?: boolean;
}

export interface GlobMatch {
  readonly path: string;
  /** A regular file (otherwise another non-folder entry, such as a symbolic link). */
  readonly file: boolean;
}

export interface GlobResult {
  /** What the last segment matched that is not a folder, in walk order (names sorted). */
  readonly matches: readonly GlobMatch[];
  /** The walk stopped at maxEntries. */
  readonly truncated: boolean;
}

export interface DirEntry {
  readonly name: string;
  readonly dir: boolean;
  readonly file: boolean;
}

/** A folder's entries sorted by name; none when it cannot be read. */
export async function listDir(dir: string): Promise<DirEntry[]> {
  try {
    const ents = await readdir(dir, { withFileTypes: true });
    return ents
      .map((e) => ({ name: e.name, dir: e.isDirectory(), file: e.isFile() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

function segmentRegex(seg: string, dot: boolean): RegExp {
  let re = '';
  for (const c of seg) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(dot ? `^${re}$` : `^(?!\\.)${re}$`);
}

const wild = (s: string) => /[*?]/.test(s);

/** Expand a pattern (absolute, or relative to the working folder). */
export async function glob(pattern: string, o: GlobOptions): Promise<GlobResult> {
  const segs = pattern.split(/\/+/).filter((s) => s !== '');
  // The fixed prefix is walked to directly; matching starts at the first segment with a wildcard.
  let base = pattern.startsWith('/') ? '/' : '';
  let i = 0;
  while (i < segs.length && !wild(segs[i] as string)) base = join(base, segs[i++] as string);
  const matches: GlobMatch[] = [];
  const seenPaths = new Set<string>();
  let seen = 0;
  let truncated = false;
  const step = async (dir: string, k: number, depth: number): Promise<void> => {
    if (k === segs.length || depth > o.maxDepth) return;
    if (seen > o.maxEntries) {
      truncated = true;
      return;
    }
    const seg = segs[k] as string;
    const last = k === segs.length - 1;
    if (seg === '**') {
      await step(dir, k + 1, depth); // zero folders
      for (const e of await listDir(dir)) {
        seen++;
        if (e.dir && !e.name.startsWith('.')) await step(join(dir, e.name), k, depth + 1);
      }
      return;
    }
    const re = segmentRegex(seg, o.dot === true);
    for (const e of await listDir(dir)) {
      seen++;
      if (!re.test(e.name)) continue;
      const p = join(dir, e.name);
      if (last) {
        if (!e.dir && !seenPaths.has(p)) {
          seenPaths.add(p);
          matches.push({ path: p, file: e.file });
        }
      } else if (e.dir) await step(p, k + 1, depth + 1);
    }
  };
  await step(base || '.', i, 0);
  return { matches, truncated };
}
