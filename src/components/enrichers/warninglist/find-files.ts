/**
 * Where warninglists are: a file, a folder, or a glob (the shared bounded glob of
 * src/components/sources/glob.ts: `*` and `?` within a path segment, `**` for any number of
 * folders). Walks are bounded so a wrong path (say "/") cannot run for ever.
 */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import { glob, listDir } from '../../sources/glob.js';

const MAX_DEPTH = 8;
const MAX_ENTRIES = 200_000;

export interface FoundFiles {
  readonly files: readonly string[];
  /** Paths that matched nothing or could not be read. */
  readonly problems: readonly string[];
}

const isGlob = (s: string) => /[*?[]/.test(s);

/**
 * Files in a folder: every `list.json` below it (the MISP repository's lists/<id>/list.json
 * layout) and every other `*.json` directly in it, except the repository's `schema.json`.
 */
async function filesInFolder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let seen = 0;
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const e of await listDir(d)) {
      if (++seen > MAX_ENTRIES) return;
      const p = join(d, e.name);
      if (e.dir) {
        if (depth < MAX_DEPTH && !e.name.startsWith('.')) await walk(p, depth + 1);
      } else if (
        e.name === 'list.json' ||
        (depth === 0 && e.name.endsWith('.json') && e.name !== 'schema.json')
      ) {
        out.push(p);
      }
    }
  };
  await walk(dir, 0);
  return out;
}

/** Resolve each path (file, folder or glob) against `baseDir`; duplicates are dropped, order kept. */
export async function findFiles(paths: readonly string[], baseDir: string): Promise<FoundFiles> {
  const files: string[] = [];
  const problems: string[] = [];
  for (const raw of paths) {
    const p = isAbsolute(raw) ? raw : resolve(baseDir, raw);
    if (isGlob(p)) {
      const { matches } = await glob(p.split(sep).join('/'), {
        maxDepth: MAX_DEPTH,
        maxEntries: MAX_ENTRIES,
        dot: true,
      });
      const found = matches.map((m) => m.path);
      if (found.length === 0) problems.push(`${raw}: no file matches this pattern`);
      files.push(...found);
      continue;
    }
    try {
      const s = await stat(p);
      if (s.isDirectory()) {
        const found = await filesInFolder(p);
        if (found.length === 0) problems.push(`${raw}: folder holds no list.json or *.json warninglist`);
        files.push(...found);
      } else files.push(p);
    } catch (e) {
      problems.push(`${raw}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return { files: [...new Set(files)], problems };
}

/** A list's id: the folder name for `<id>/list.json`, otherwise the file name without `.json`; slug form. */
export function listId(file: string): string {
  const parts = file.split(/[\\/]+/);
  const name = basename(file);
  const raw = name === 'list.json' && parts.length >= 2 ? (parts[parts.length - 2] as string) : name;
  const id = raw
    .replace(/\.json$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return id === '' ? 'list' : id;
}
