/**
 * The files a feed's `source:` names: one path, or a glob (`drops/*.csv`, `reports/**\/*.csv`,
 * `?` for one character). Node 20 has no fs.glob, hence this small one. `*` and `?` never cross a
 * `/` and never match a leading dot; `**` is any number of folders. Walks are bounded, so a wrong
 * pattern (say `/**`) ends with an error instead of running for ever.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { err, ok, type Result } from '../domain/result.js';

const MAX_DEPTH = 16;
const MAX_ENTRIES = 100_000;

export const isGlob = (s: string): boolean => /[*?]/.test(s);

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (const c of seg) {
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^(?!\\.)${re}$`);
}

/** Files matching an absolute path or pattern, sorted; an error when none does, naming the pattern. */
export async function expandFiles(pattern: string): Promise<Result<string[]>> {
  if (!isGlob(pattern)) {
    try {
      const s = await stat(pattern);
      if (s.isDirectory())
        return err(`${pattern} is a folder (to read the files in it, write ${join(pattern, '*')})`);
      return ok([pattern]);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return err(`cannot read ${pattern}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  const segs = pattern.split(sep === '\\' ? /[\\/]+/ : /\/+/).filter((s) => s !== '');
  let base = pattern.startsWith('/') ? '/' : '';
  let i = 0;
  while (i < segs.length && !isGlob(segs[i] as string)) base = join(base, segs[i++] as string);
  const found = new Set<string>();
  let seen = 0;
  let truncated = false;
  const entries = async (dir: string) => {
    try {
      return await readdir(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const step = async (dir: string, k: number, depth: number): Promise<void> => {
    if (k === segs.length || depth > MAX_DEPTH) return;
    if (seen > MAX_ENTRIES) {
      truncated = true;
      return;
    }
    const seg = segs[k] as string;
    const last = k === segs.length - 1;
    if (seg === '**') {
      await step(dir, k + 1, depth);
      for (const e of await entries(dir)) {
        seen++;
        if (e.isDirectory() && !e.name.startsWith('.')) await step(join(dir, e.name), k, depth + 1);
      }
      return;
    }
    const re = segmentRegex(seg);
    for (const e of await entries(dir)) {
      seen++;
      if (!re.test(e.name)) continue;
      const p = join(dir, e.name);
      if (last) {
        if (e.isFile()) found.add(p);
      } else if (e.isDirectory()) await step(p, k + 1, depth + 1);
    }
  };
  await step(base || '.', i, 0);
  if (truncated)
    return err(
      `${pattern}: more than ${MAX_ENTRIES.toLocaleString('en')} entries walked; narrow the pattern`,
    );
  if (found.size === 0) return err(`${pattern}: no file matches`);
  return ok([...found].sort());
}
