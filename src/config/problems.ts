/**
 * Collects what is wrong in a config file, each as `path: what was expected`, so one run of
 * `accord feeds list` shows every mistake at once instead of one per attempt.
 */

/** A path segment as a person writes it: `feeds[2].schedule`, `defaults["classification.type"]`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(path ? `${path}: ${message}` : message);
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Report keys not in `known`; true when there were none. */
export function checkKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  path: string,
  p: Problems,
): boolean {
  let clean = true;
  for (const k of Object.keys(obj))
    if (!known.includes(k)) {
      p.add(at(path, k), `unknown key (expected one of: ${known.join(', ')})`);
      clean = false;
    }
  return clean;
}

/** A short rendering of a value for messages. */
export function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
