/**
 * Folding events into observations, in memory, before they reach storage.
 *
 * An event's identity determines its observation (identity covers every field the observation
 * key is made of), so duplicates only ever need checking within one observation. The folder
 * gathers, per observation, the identities of its events (8 bytes each), its count, first and
 * last seen, highest TLP, and its first event (the observation's sample); storage then does one
 * read and one write per observation instead of one per event, and keeps every event record only
 * when the feed asks for it. Pure: no I/O.
 */
import type { ObservationKey } from './identity.js';
import type { Event } from './schema/event.js';

/** An event ready to fold: harmonised, identified, keyed. */
export interface PreparedEvent {
  /** Identity within its observation (src/domain/identity.ts): 8 bytes as a latin1 string. */
  readonly id: string;
  readonly event: Event;
  readonly observation: ObservationKey;
  /** time.source (or time.observation when absent), epoch ms. */
  readonly seenAt: number;
}

/** Rank of a TLP label for "highest wins" (CLEAR 0 .. RED 4). */
export const TLP_RANK: Readonly<Record<string, number>> = {
  CLEAR: 0,
  GREEN: 1,
  AMBER: 2,
  'AMBER+STRICT': 3,
  RED: 4,
};

/** What one batch adds to one observation. */
export interface ObservationDelta {
  readonly observation: ObservationKey;
  /** Identities (8-byte latin1 strings) of the distinct events folded here, in arrival order. */
  readonly ids: readonly string[];
  readonly first: number;
  readonly last: number;
  /** The first event: the observation's sample, and the source of its statistics facts. */
  readonly sample: Event;
  /** Highest TLP rank of the events that carry one; null when none does. */
  readonly tlp: number | null;
  /** Arrival number of the sample (and of each kept event), so storage keeps arrival order. */
  readonly sampleSeq: number;
  /** Every event, aligned with ids, when the feed keeps its event records. */
  readonly events?: readonly Event[];
  /** Arrival numbers of `events`. */
  readonly seqs?: readonly number[];
}

interface Acc {
  observation: ObservationKey;
  ids: string[];
  seen: Set<string> | undefined;
  first: number;
  last: number;
  sample: Event;
  tlp: number | null;
  sampleSeq: number;
  events: Event[] | undefined;
  seqs: number[] | undefined;
}

export class Folder {
  private readonly byKey = new Map<string, Acc>();
  private held = 0;
  private seq = 0;
  /** Events dropped as duplicates of one already in this folder. */
  duplicates = 0;

  constructor(private readonly keepEvents: boolean) {}

  /** Observations held. */
  get size(): number {
    return this.byKey.size;
  }

  /** Distinct events held. */
  get events(): number {
    return this.held;
  }

  add(p: PreparedEvent): void {
    const k = p.observation.text;
    const id = p.id;
    const tlp = p.event.tlp === undefined ? null : (TLP_RANK[p.event.tlp] ?? null);
    const a = this.byKey.get(k);
    const seq = this.seq++;
    if (a === undefined) {
      this.byKey.set(k, {
        observation: p.observation,
        ids: [id],
        seen: undefined,
        first: p.seenAt,
        last: p.seenAt,
        sample: p.event,
        tlp,
        sampleSeq: seq,
        events: this.keepEvents ? [p.event] : undefined,
        seqs: this.keepEvents ? [seq] : undefined,
      });
      this.held++;
      return;
    }
    // Small observations: a scan; larger ones get a Set.
    if (a.seen === undefined) {
      if (a.ids.includes(id)) {
        this.duplicates++;
        return;
      }
      if (a.ids.length >= 16) a.seen = new Set(a.ids);
    } else if (a.seen.has(id)) {
      this.duplicates++;
      return;
    }
    a.ids.push(id);
    a.seen?.add(id);
    a.events?.push(p.event);
    a.seqs?.push(seq);
    if (p.seenAt < a.first) a.first = p.seenAt;
    if (p.seenAt > a.last) a.last = p.seenAt;
    if (tlp !== null && (a.tlp === null || tlp > a.tlp)) a.tlp = tlp;
    this.held++;
  }

  /** Hand over what is held and start empty. */
  drain(): ObservationDelta[] {
    const out: ObservationDelta[] = [];
    for (const a of this.byKey.values())
      out.push({
        observation: a.observation,
        ids: a.ids,
        first: a.first,
        last: a.last,
        sample: a.sample,
        tlp: a.tlp,
        sampleSeq: a.sampleSeq,
        ...(a.events && a.seqs ? { events: a.events, seqs: a.seqs } : {}),
      });
    this.byKey.clear();
    this.held = 0;
    this.duplicates = 0;
    return out;
  }
}

/** Fold a list of events at once. */
export function fold(
  events: Iterable<PreparedEvent>,
  keepEvents: boolean,
): { deltas: ObservationDelta[]; duplicates: number } {
  const f = new Folder(keepEvents);
  for (const p of events) f.add(p);
  const duplicates = f.duplicates;
  return { deltas: f.drain(), duplicates };
}

/**
 * Split the stored identities of an observation from a delta's: which of the delta's events are
 * new. `stored` is the concatenation of 8-byte identities.
 */
export function newIds(stored: string, delta: readonly string[]): number[] {
  const n = stored.length / 8;
  const fresh: number[] = [];
  if (n === 0) {
    for (let i = 0; i < delta.length; i++) fresh.push(i);
    return fresh;
  }
  if (n * delta.length <= 256) {
    for (let i = 0; i < delta.length; i++) {
      const id = delta[i] as string;
      let found = false;
      for (let j = 0; j < stored.length; j += 8)
        if (stored.startsWith(id, j)) {
          found = true;
          break;
        }
      if (!found) fresh.push(i);
    }
    return fresh;
  }
  const have = new Set<string>();
  for (let j = 0; j < stored.length; j += 8) have.add(stored.slice(j, j + 8));
  for (let i = 0; i < delta.length; i++) if (!have.has(delta[i] as string)) fresh.push(i);
  return fresh;
}
