/**
 * Deterministic identifiers.
 *
 * - Cyber-observables (STIX 2.1 spec, 2.9): `type--UUIDv5(namespace, canonical JSON of the
 *   id-contributing properties)`, namespace 00abedb4-aa42-466c-9c01-fed23315a9b7, canonical JSON
 *   per RFC 8785 (JCS). So every tool that sees 198.51.100.3 names it the same
 *   (ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4, the specification's own example).
 * - Objects Accord derives (infrastructure, indicator, malware, relationship, sighting, our own
 *   identity): UUIDv5 in Accord's namespace over a key that says what the object is about, so a
 *   second derivation names the same things the same way and makes new versions, not new objects.
 */
import { createHash, randomUUID } from 'node:crypto';

export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** Accord's own namespace for derived objects (a random UUIDv4, fixed forever). */
export const ACCORD_NAMESPACE = '7d0b1f4e-3c1a-4f7e-9b5d-2a6c8e0f4d13';

/** RFC 4122 UUID version 5 (SHA-1) of `name` in `namespace`. */
export function uuidv5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * RFC 8785 canonical JSON for the values STIX id properties hold (strings, integers, booleans,
 * arrays, objects): keys sorted by UTF-16 code units, no whitespace, ECMAScript number and string
 * serialisation (which is what JSON.stringify does).
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The id of a cyber-observable from its id-contributing properties (e.g. {value} for addresses). */
export function scoId(type: string, contributing: Readonly<Record<string, unknown>>): string {
  return `${type}--${uuidv5(STIX_SCO_NAMESPACE, canonicalJson(contributing))}`;
}

/** The id of an object Accord derives, from a key naming what it is about. */
export function derivedId(type: string, key: string): string {
  return `${type}--${uuidv5(ACCORD_NAMESPACE, `${type}\u001f${key}`)}`;
}

export function randomId(type: string): string {
  return `${type}--${randomUUID()}`;
}
