/**
 * Push what a partner's agreement allows to a collection on its TAXII server (`accord taxii
 * push`). Egress goes through the release policy twice: the store's visibility filter (the TLP
 * levels `releasableLevels` gives for the partner on the taxii channel, and the agreement's object
 * types) selects the objects, and every object is asked `mayRelease(markings, partner, 'taxii')`
 * once more before it is put in an envelope. TLP:RED never leaves; AMBER+STRICT does not go to a
 * partner that shares onward.
 *
 * Every object version added since the last push is sent (match[version]=all after the saved
 * date_added), so a second push sends only the new versions. The cursor moves only over pages the
 * server took; objects withheld by the policy are passed over, and `--full` sends everything again
 * (after an agreement grew, for instance: objects the server already has are not an error there).
 */
import {
  effectiveTlp,
  mayRelease,
  releasableLevels,
  TLP_ORDER,
  TLP2_MARKING_IDS,
  type TlpLevel,
  tlpMarkingDefinition,
  tlpOfMarking,
} from '../../domain/tlp.js';
import type { KnowledgeFilter, KnowledgeStore } from '../../knowledge/knowledge-store.js';
import { MAX_PAGE } from '../../knowledge/knowledge-store.js';
import { type Partner, partnerRecipient } from '../../partners/partner.js';
import { type CursorStore, pushCursorName, readCursor, writeCursor } from './cursors.js';
import type { StatusDetail } from './resources.js';
import type { AddOptions, TaxiiClient } from './taxii-client.js';
import { TaxiiError } from './taxii-error.js';

export interface PushDeps {
  /** The partner's server (a dry run only uses its URLs: it sends nothing). */
  readonly client: TaxiiClient;
  readonly knowledge: KnowledgeStore;
  readonly store: CursorStore;
  readonly now?: () => number;
}

export interface PushOptions {
  readonly partner: Partner;
  /** The collection id on the partner's server. */
  readonly collection: string;
  /** The local collection pushed from. */
  readonly from: string;
  /** Count what would go, send nothing, move no cursor. */
  readonly dryRun?: boolean;
  /** Ignore the saved cursor: consider every stored version. */
  readonly full?: boolean;
  /** What unmarked objects count as (default AMBER). */
  readonly defaultTlp?: TlpLevel;
  /** Local objects per page, one or more envelopes each (default 1,000). */
  readonly pageSize?: number;
  readonly add?: AddOptions;
  readonly onPage?: (p: { readonly sent: number }) => void;
}

/** Objects kept back: per effective TLP level (unmarked ones at the default level), and by type. */
export interface Withheld {
  readonly tlp: Readonly<Partial<Record<TlpLevel, number>>>;
  /** Releasable by TLP, but of a type the agreement leaves out. */
  readonly type: number;
}

export interface PushSummary {
  readonly status: 'ok' | 'failed';
  readonly partner: string;
  readonly collection: string;
  readonly from: string;
  readonly url: string;
  readonly dryRun: boolean;
  /** date_added (ISO) the push started after; undefined: from the start. */
  readonly since?: string;
  readonly cursor?: string;
  /** Object versions sent (or, in a dry run, that would be). */
  readonly sent: number;
  /** TLP 2.0 marking-definition objects sent with them, so any peer can read the markings. */
  readonly markingDefinitions: number;
  readonly withheld: Withheld;
  readonly envelopes: number;
  /** From the status resources. */
  readonly accepted: number;
  readonly failed: number;
  readonly pending: number;
  readonly failures: readonly StatusDetail[];
  /** Larger than the server's max_content_length: never sent. */
  readonly tooLarge: readonly string[];
  readonly seconds: number;
  readonly error?: string;
}

async function count(
  knowledge: KnowledgeStore,
  collection: string,
  filter: KnowledgeFilter,
): Promise<number> {
  let n = 0;
  let next: string | undefined;
  for (let i = 0; i < 1_000_000; i++) {
    const r = await knowledge.manifest(collection, filter, { limit: MAX_PAGE, ...(next ? { next } : {}) });
    if (!r.ok) throw new Error(`knowledge store: ${r.error}`);
    n += r.value.items.length;
    if (!r.value.more || !r.value.next) break;
    next = r.value.next;
  }
  return n;
}

export async function pushCollection(deps: PushDeps, o: PushOptions): Promise<PushSummary> {
  const now = deps.now ?? Date.now;
  const t0 = performance.now();
  const a = o.partner.agreement;
  const recipient = partnerRecipient(o.partner);
  const release = { ...(o.defaultTlp ? { defaultTlp: o.defaultTlp } : {}) };
  const visible = releasableLevels(recipient, 'taxii', release);
  const url = deps.client.objectsUrl(o.collection);
  const name = pushCursorName(o.partner.name, o.collection, o.from);
  const saved = o.full ? undefined : await readCursor(deps.store, name, url);
  const after = saved === undefined ? undefined : Date.parse(saved);
  const base: KnowledgeFilter = {
    versions: ['all'],
    ...(after !== undefined && Number.isFinite(after) ? { addedAfter: after } : {}),
  };
  const types: KnowledgeFilter = {
    ...(a.includeTypes ? { types: a.includeTypes } : {}),
    ...(a.excludeTypes && a.excludeTypes.length > 0 ? { excludeTypes: a.excludeTypes } : {}),
  };
  const typeAllowed = (t: string) =>
    (a.includeTypes === undefined || a.includeTypes.includes(t)) && !(a.excludeTypes ?? []).includes(t);

  // What the policy keeps back, counted in the same range.
  const withheldTlp: Partial<Record<TlpLevel, number>> = {};
  for (const l of TLP_ORDER)
    if (!visible.levels.includes(l)) {
      const n = await count(deps.knowledge, o.from, { ...base, tlp: { levels: [l], unmarked: false } });
      if (n > 0) withheldTlp[l] = n;
    }
  if (!visible.unmarked) {
    const n = await count(deps.knowledge, o.from, { ...base, tlp: { levels: [], unmarked: true } });
    const l = effectiveTlp([], release);
    if (n > 0) withheldTlp[l] = (withheldTlp[l] ?? 0) + n;
  }
  let withheldType =
    types.types || types.excludeTypes
      ? (await count(deps.knowledge, o.from, { ...base, tlp: visible })) -
        (await count(deps.knowledge, o.from, { ...base, ...types, tlp: visible }))
      : 0;

  let sent = 0;
  let markingDefinitions = 0;
  let envelopes = 0;
  let accepted = 0;
  let failed = 0;
  let pending = 0;
  const failures: StatusDetail[] = [];
  const tooLarge: string[] = [];
  const definitionsSent = new Set<TlpLevel>();
  let cursor = saved;
  let error: string | undefined;
  let next: string | undefined;
  try {
    for (let n = 0; n < 1_000_000; n++) {
      const r = await deps.knowledge.list(
        o.from,
        { ...base, ...types, tlp: visible },
        { limit: o.pageSize ?? 1000, ...(next ? { next } : {}) },
      );
      if (!r.ok) throw new Error(`knowledge store: ${r.error}`);
      const page = r.value;
      const ids: string[] = [];
      const texts: string[] = [];
      for (const obj of page.items) {
        // The store filtered already; the policy is still asked for every object that leaves.
        if (!mayRelease(obj.markings, recipient, 'taxii', release)) {
          const l = effectiveTlp(obj.markings, release);
          withheldTlp[l] = (withheldTlp[l] ?? 0) + 1;
          continue;
        }
        if (!typeAllowed(obj.type)) {
          withheldType++;
          continue;
        }
        for (const m of obj.markings) {
          const l = tlpOfMarking(m);
          if (l !== undefined && m === TLP2_MARKING_IDS[l] && !definitionsSent.has(l)) {
            definitionsSent.add(l);
            texts.push(JSON.stringify(tlpMarkingDefinition(l)));
            ids.push(TLP2_MARKING_IDS[l]);
            markingDefinitions++;
          }
        }
        texts.push(obj.json);
        ids.push(obj.id);
        sent++;
      }
      if (!o.dryRun && texts.length > 0) {
        const res = await deps.client.addObjects(o.collection, texts, o.add);
        envelopes += res.envelopes;
        accepted += res.success;
        failed += res.failure;
        pending += res.pending;
        failures.push(...res.failures);
        tooLarge.push(...res.tooLarge.map((i) => ids[i] as string));
      }
      if (!o.dryRun && page.dateAddedLast !== undefined) {
        cursor = new Date(page.dateAddedLast).toISOString();
        await writeCursor(deps.store, name, { url, cursor, status: 'ok', at: now(), read: sent });
      }
      o.onPage?.({ sent });
      if (!page.more || !page.next) break;
      next = page.next;
    }
  } catch (e) {
    if (!(e instanceof TaxiiError)) throw e;
    error = e.message;
    if (!o.dryRun) await writeCursor(deps.store, name, { url, status: 'failed', at: now(), error });
  }
  if (!o.dryRun && error === undefined && cursor === saved)
    await writeCursor(deps.store, name, { url, status: 'ok', at: now(), read: 0 });
  return {
    status: error === undefined ? 'ok' : 'failed',
    partner: o.partner.name,
    collection: o.collection,
    from: o.from,
    url,
    dryRun: o.dryRun === true,
    ...(saved !== undefined ? { since: saved } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    sent,
    markingDefinitions,
    withheld: { tlp: withheldTlp, type: withheldType },
    envelopes,
    accepted,
    failed,
    pending,
    failures,
    tooLarge,
    seconds: (performance.now() - t0) / 1000,
    ...(error !== undefined ? { error } : {}),
  };
}
