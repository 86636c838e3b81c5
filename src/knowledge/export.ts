/**
 * Export the current version of every object of a collection as one STIX 2.1 bundle, through the
 * release policy: each object goes out only if `mayRelease(its markings, recipient, 'export')`.
 * The TLP 2.0 marking-definition objects the exported objects refer to are put first, so the bundle
 * carries what its markings mean. Objects are written as stored (imports byte for byte; what
 * Accord derives has millisecond timestamps). RED never leaves this way: the policy forbids it.
 */
import { randomUUID } from 'node:crypto';
import {
  effectiveTlp,
  mayRelease,
  type Recipient,
  type ReleaseOptions,
  TLP_ORDER,
  TLP2_MARKING_IDS,
  type TlpLevel,
  tlpMarkingDefinition,
  tlpOfMarking,
} from '../domain/tlp.js';
import { KNOWLEDGE_COLLECTION, type KnowledgeStore } from './knowledge-store.js';

export interface ExportOptions extends ReleaseOptions {
  readonly recipient: Recipient;
  readonly collection?: string;
  /** Objects read per store page (default 1,000). */
  readonly pageSize?: number;
}

export interface ExportSummary {
  readonly bundleId: string;
  /** Objects in the bundle, marking definitions included. */
  readonly exported: number;
  /** Objects the policy kept back, per effective TLP level. */
  readonly withheld: Readonly<Partial<Record<TlpLevel, number>>>;
}

const TLP2_IDS = new Set(Object.values(TLP2_MARKING_IDS));

/**
 * Write the bundle as text chunks to `write` (a file stream, standard output, a buffer). Two passes
 * over the store (markings first, then objects) keep memory flat whatever the collection size.
 */
export async function exportBundle(
  knowledge: KnowledgeStore,
  write: (chunk: string) => void | Promise<void>,
  options: ExportOptions,
): Promise<ExportSummary> {
  const collection = options.collection ?? KNOWLEDGE_COLLECTION;
  const limit = options.pageSize ?? 1000;
  const releasable = (markings: readonly string[]) =>
    mayRelease(markings, options.recipient, 'export', options);

  async function* releasedPages() {
    let next: string | undefined;
    for (;;) {
      const r = await knowledge.list(collection, {}, { limit, ...(next ? { next } : {}) });
      if (!r.ok) throw new Error(`knowledge store: ${r.error}`);
      yield r.value.items;
      if (!r.value.more || !r.value.next) return;
      next = r.value.next;
    }
  }

  // Pass 1: which TLP levels the released objects use.
  const used = new Set<TlpLevel>();
  const levelsOf = (markings: readonly string[]) =>
    markings.filter((m) => TLP2_IDS.has(m)).map((m) => tlpOfMarking(m) as TlpLevel);
  let released = 0;
  for await (const items of releasedPages())
    for (const o of items)
      if (releasable(o.markings)) {
        released++;
        for (const l of levelsOf(o.markings)) used.add(l);
      }

  async function countWithheld() {
    const w: Partial<Record<TlpLevel, number>> = {};
    for await (const items of releasedPages())
      for (const o of items) {
        const l = effectiveTlp(o.markings, options);
        if (!releasable(o.markings)) w[l] = (w[l] ?? 0) + 1;
      }
    return w;
  }

  const bundleId = `bundle--${randomUUID()}`;
  let exported = 0;
  const withheld: Partial<Record<TlpLevel, number>> = {};
  if (released === 0) {
    // STIX: a bundle without objects has no "objects" property (the schema wants at least one).
    await write(`{"type":"bundle","id":"${bundleId}"}\n`);
    return { bundleId, exported: 0, withheld: await countWithheld() };
  }
  await write(`{"type":"bundle","id":"${bundleId}","objects":[`);
  const emit = async (json: string) => {
    await write(exported === 0 ? `\n${json}` : `,\n${json}`);
    exported++;
  };
  for (const l of TLP_ORDER) if (used.has(l)) await emit(JSON.stringify(tlpMarkingDefinition(l)));
  // Pass 2: the objects.
  for await (const items of releasedPages())
    for (const o of items) {
      if (!releasable(o.markings)) {
        const l = effectiveTlp(o.markings, options);
        withheld[l] = (withheld[l] ?? 0) + 1;
        continue;
      }
      if (o.type === 'marking-definition' && TLP2_IDS.has(o.id)) continue; // already written above
      await emit(o.json);
      // An object added between the passes may use a level the first pass did not see.
      for (const l of levelsOf(o.markings))
        if (!used.has(l)) {
          used.add(l);
          await emit(JSON.stringify(tlpMarkingDefinition(l)));
        }
    }
  await write('\n]}\n');
  return { bundleId, exported, withheld };
}

/** The bundle as one string (tests, small collections). */
export async function exportBundleText(
  knowledge: KnowledgeStore,
  options: ExportOptions,
): Promise<{ readonly text: string; readonly summary: ExportSummary }> {
  const parts: string[] = [];
  const summary = await exportBundle(knowledge, (c) => void parts.push(c), options);
  return { text: parts.join(''), summary };
}
