/**
 * Where warninglists are: a file, a folder, or a glob (Node 20 has no fs.glob, hence this small
 * one: `*` and `?` within a path segment, `**` for any number of folders). Walks are bounded so a
 * wrong path (say "/") cannot run for ever.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';

const MAX_DEPTH = 8;
const MAX_ENTRIES = 200_000;

export interface FoundFiles {
  readonly files: readonly string[];
  /** Paths that matched nothing or could not be read. */
  readonly problems: readonly string[];
}

const isGlob = (s: string) => /[*?[]/.test(s);

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (const c of seg) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function list(dir: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    const ents = await readdir(dir, { withFileTypes: true });
    return ents
      .map((e) => ({ name: e.name, dir: e.isDirectory() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/**
 * Files in a folder: every `list.json` below it (the MISP repository's lists/<id>/list.json
 * layout) and every other `*.json` directly in it, except the repository's `schema.json`.
 */
async function filesInFolder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let seen = 0;
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const e of await list(d)) {
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

async function expandGlob(pattern: string): Promise<string[]> {
  const parts = pattern.split(/[\\/]+/);
  const root = pattern.startsWith('/') ? '/' : '';
  const segs = parts.filter((p, i) => p !== '' || i === 0).filter((p) => p !== '');
  // The fixed prefix is walked to directly; matching starts at the first segment with a wildcard.
  let base = root;
  let i = 0;
  while (i < segs.length && !isGlob(segs[i] as string)) base = join(base, segs[i++] as string);
  const out: string[] = [];
  let seen = 0;
  const step = async (dir: string, k: number, depth: number): Promise<void> => {
    if (seen > MAX_ENTRIES || depth > MAX_DEPTH) return;
    if (k === segs.length) return;
    const seg = segs[k] as string;
    const last = k === segs.length - 1;
    if (seg === '**') {
      await step(dir, k + 1, depth); // zero folders
      for (const e of await list(dir)) {
        seen++;
        if (e.dir && !e.name.startsWith('.')) await step(join(dir, e.name), k, depth + 1);
      }
      return;
    }
    const re = segmentRegex(seg);
    for (const e of await list(dir)) {
      seen++;
      if (!re.test(e.name)) continue;
      const p = join(dir, e.name);
      if (last) {
        if (!e.dir) out.push(p);
      } else if (e.dir) await step(p, k + 1, depth + 1);
    }
  };
  await step(base || '.', i, 0);
  return [...new Set(out)];
}

/** Resolve each path (file, folder or glob) against `baseDir`; duplicates are dropped, order kept. */
export async function findFiles(paths: readonly string[], baseDir: string): Promise<FoundFiles> {
  const files: string[] = [];
  const problems: string[] = [];
  for (const raw of paths) {
    const p = isAbsolute(raw) ? raw : resolve(baseDir, raw);
    if (isGlob(p)) {
      const found = await expandGlob(p.split(sep).join('/'));
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
