/**
 * Import a STIX 2.1 bundle or a TAXII 2.1 envelope: every valid object is stored exactly as
 * received (any type, custom objects and extensions included); every invalid one goes to the main
 * store's quarantine (format "stix", line = its 1-based position in the bundle, 0 when the whole
 * document is at fault) with the reason. read = added + existing + quarantined, always.
 */
import type { QuarantineInput, Store } from '../storage/store.js';
import { objectSpans } from './json-spans.js';
import {
  KNOWLEDGE_COLLECTION,
  type KnowledgeStore,
  type PreparedObject,
  prepareObject,
} from './knowledge-store.js';
import { IDENTIFIER, isRecord } from './stix.js';
import { validateObject } from './validate.js';

/** One element of the document: valid (ready to store) or a quarantine entry. */
export type ReadItem =
  | { readonly ok: true; readonly position: number; readonly object: PreparedObject }
  | {
      readonly ok: false;
      readonly position: number;
      readonly reason: string;
      readonly field?: string;
      readonly raw: string;
    };

export interface ReadDocument {
  /** 'bundle' or 'envelope' (TAXII), or undefined when the document itself is not usable. */
  readonly kind?: 'bundle' | 'envelope';
  readonly bundleId?: string;
  readonly items: readonly ReadItem[];
  /** Why the whole document was refused. */
  readonly problem?: string;
}

/** Parse and validate a document (pure). */
export function readStixDocument(text: string): ReadDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { items: [], problem: `not JSON: ${(e as Error).message}` };
  }
  if (!isRecord(doc))
    return { items: [], problem: 'not a STIX bundle or TAXII envelope: the document is not a JSON object' };
  let kind: 'bundle' | 'envelope';
  if (doc.type === 'bundle') {
    kind = 'bundle';
    if (typeof doc.id !== 'string' || !IDENTIFIER.test(doc.id) || !doc.id.startsWith('bundle--'))
      return { items: [], problem: `bundle id ${JSON.stringify(doc.id)} is not "bundle--UUID"` };
  } else if (doc.type === undefined && ('objects' in doc || 'more' in doc)) kind = 'envelope';
  else if (typeof doc.type === 'string')
    return {
      items: [],
      problem: `a single "${doc.type.slice(0, 60)}" object, not a bundle: wrap it in a STIX bundle`,
    };
  else
    return { items: [], problem: 'not a STIX bundle or TAXII envelope (no "type": "bundle", no "objects")' };
  const objects = doc.objects ?? [];
  if (!Array.isArray(objects)) return { kind, items: [], problem: 'objects is not a list' };
  const spans = objectSpans(text);
  const exact = spans !== undefined && spans.length === objects.length;
  const items: ReadItem[] = objects.map((o, i) => {
    const span = exact ? spans[i] : undefined;
    const raw = span ? text.slice(span[0], span[1]) : JSON.stringify(o);
    const v = validateObject(o);
    if (!v.ok)
      return {
        ok: false,
        position: i + 1,
        reason: `object ${i + 1}: ${v.error.reason}`,
        ...(v.error.field ? { field: v.error.field } : {}),
        raw,
      };
    return { ok: true, position: i + 1, object: prepareObject(v.value, raw) };
  });
  return { kind, ...(kind === 'bundle' ? { bundleId: doc.id as string } : {}), items };
}

export interface ImportOptions {
  /** File path or URL the text came from (quarantine "source"). */
  readonly source: string;
  /** Quarantine "feed" (default "stix-import"). */
  readonly feed?: string;
  readonly collection?: string;
  /** Objects per store transaction (default 5,000). */
  readonly batchSize?: number;
}

export interface ImportSummary {
  readonly kind?: 'bundle' | 'envelope';
  readonly bundleId?: string;
  readonly read: number;
  readonly added: number;
  readonly existing: number;
  readonly quarantined: number;
  /** Why the whole document was refused (then read is 1 and quarantined is 1). */
  readonly problem?: string;
}

const MAX_RAW = 64 * 1024;

export async function importStix(
  text: string,
  deps: { readonly knowledge: KnowledgeStore; readonly store: Pick<Store, 'writeBatch'> },
  options: ImportOptions,
): Promise<ImportSummary> {
  const feed = options.feed ?? 'stix-import';
  const q = (line: number, reason: string, raw: string, field?: string): QuarantineInput => ({
    feed,
    source: options.source,
    format: 'stix',
    line,
    reason,
    raw: raw.length > MAX_RAW ? raw.slice(0, MAX_RAW) : raw,
    ...(field ? { field } : {}),
  });
  const doc = readStixDocument(text);
  if (doc.problem !== undefined) {
    await deps.store.writeBatch({ events: [], quarantine: [q(0, doc.problem, text)] });
    return {
      ...(doc.kind ? { kind: doc.kind } : {}),
      read: 1,
      added: 0,
      existing: 0,
      quarantined: 1,
      problem: doc.problem,
    };
  }
  const collection = options.collection ?? KNOWLEDGE_COLLECTION;
  const size = options.batchSize ?? 5000;
  let added = 0;
  let existing = 0;
  const bad: QuarantineInput[] = [];
  for (let i = 0; i < doc.items.length; i += size) {
    const good: PreparedObject[] = [];
    for (const it of doc.items.slice(i, i + size)) {
      if (it.ok) good.push(it.object);
      else bad.push(q(it.position, it.reason, it.raw, it.field));
    }
    if (good.length > 0) {
      const r = await deps.knowledge.put(collection, good);
      added += r.added;
      existing += r.existing;
    }
  }
  if (bad.length > 0) await deps.store.writeBatch({ events: [], quarantine: bad });
  return {
    ...(doc.kind ? { kind: doc.kind } : {}),
    ...(doc.bundleId ? { bundleId: doc.bundleId } : {}),
    read: doc.items.length,
    added,
    existing,
    quarantined: bad.length,
  };
}
