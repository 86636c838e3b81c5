/**
 * Small checks shared by the list parsers' `parseOptions`: each returns the value or a message that
 * names the option at fault.
 */
import { RSIT_TYPES, type RsitType } from '../../../domain/taxonomy.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export function unknownOption(
  raw: Readonly<Record<string, unknown>>,
  known: readonly string[],
): string | undefined {
  for (const k of Object.keys(raw))
    if (!known.includes(k)) return `unknown option "${k}" (known: ${known.join(', ')})`;
  return undefined;
}

export function optionalRsitType(name: string, v: unknown): Checked<RsitType | undefined> {
  if (v === undefined || v === null) return { ok: true, value: undefined };
  if (typeof v !== 'string' || !(RSIT_TYPES as readonly string[]).includes(v.trim().toLowerCase()))
    return { ok: false, error: `${name}: expected an RSIT classification type such as "c2-server"` };
  return { ok: true, value: v.trim().toLowerCase() as RsitType };
}

/** A malware family name: lower case, as the schema's malware.name wants it. */
export function optionalFamily(name: string, v: unknown): Checked<string | undefined> {
  if (v === undefined || v === null) return { ok: true, value: undefined };
  if (typeof v !== 'string' || v.trim() === '' || v.length > 256)
    return { ok: false, error: `${name}: expected a malware family name` };
  return { ok: true, value: v.trim().toLowerCase() };
}

export function booleanOption(name: string, v: unknown, dflt: boolean): Checked<boolean> {
  if (v === undefined || v === null) return { ok: true, value: dflt };
  if (typeof v !== 'boolean') return { ok: false, error: `${name}: expected true or false` };
  return { ok: true, value: v };
}
