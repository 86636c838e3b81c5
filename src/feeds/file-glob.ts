/**
 * The files a feed's `source:` names: one path, or a glob (`drops/*.csv`, `reports/**\/*.csv`,
 * `?` for one character), expanded by the shared bounded glob (src/components/sources/glob.ts):
 * `*` and `?` never cross a `/` and never match a leading dot; `**` is any number of folders; a
 * walk that hits its bound ends with an error instead of running for ever.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from '../components/sources/glob.js';
import { err, ok, type Result } from '../domain/result.js';

const MAX_DEPTH = 16;
const MAX_ENTRIES = 100_000;

export const isGlob = (s: string): boolean => /[*?]/.test(s);

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
  const { matches, truncated } = await glob(pattern, { maxDepth: MAX_DEPTH, maxEntries: MAX_ENTRIES });
  const found = matches.filter((m) => m.file).map((m) => m.path);
  if (truncated)
    return err(
      `${pattern}: more than ${MAX_ENTRIES.toLocaleString('en')} entries walked; narrow the pattern`,
    );
  if (found.length === 0) return err(`${pattern}: no file matches`);
  return ok(found.sort());
}
