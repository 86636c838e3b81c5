/**
 * An in-process store: for dry runs (`accord ingest --dry-run`) and for the parser harness.
 * It passes the same contract suite as the SQLite store.
 */

import { fold } from '../../domain/fold.js';
import type { Event } from '../../domain/schema/event.js';
import { FiguresBuilder, matchesStatsFilter } from '../../reports/stats/figures.js';
import { type ObservationFacts, observationFacts } from '../observation-facts.js';
import { quarantineId } from '../sqlite/sqlite-store.js';
import type {
  BatchResult,
  FeedState,
  FoldedBatch,
  IngestBatch,
  Observation,
  ObservationQuery,
  PeriodFigures,
  QuarantineQuery,
  QuarantineRecord,
  RunInfo,
  RunRecord,
  RunSummary,
  StatsQuery,
  Store,
  StoreCounts,
} from '../store.js';

type ObsRow = {
  -readonly [K in keyof Observation]: Observation[K];
};

export class MemoryStore implements Store {
  /** Stored event records: each observation's first event, or every event when kept. */
  readonly events: Event[] = [];
  private readonly observations = new Map<
    string,
    ObsRow & { first: number; last: number; ids: Set<string>; tlp: number | null; facts: ObservationFacts }
  >();
  readonly quarantine: QuarantineRecord[] = [];
  private readonly quarantineIds = new Set<string>();
  readonly runs: Array<{ -readonly [K in keyof RunRecord]: RunRecord[K] }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  async writeBatch(batch: IngestBatch): Promise<BatchResult> {
    const { deltas, duplicates } = fold(batch.events, batch.keepEvents ?? true);
    const r = await this.writeFolded({ observations: deltas, quarantine: batch.quarantine });
    return { ...r, folded: r.folded + duplicates };
  }

  async writeFolded(batch: FoldedBatch): Promise<BatchResult> {
    let fresh = 0;
    let folded = 0;
    let newObservations = 0;
    const kept: Array<{ seq: number; event: Event }> = [];
    for (const d of batch.observations) {
      const k = d.observation.key.toString('hex');
      const o = this.observations.get(k);
      const add =
        o === undefined ? d.ids.map((_, i) => i) : d.ids.flatMap((id, i) => (o.ids.has(id) ? [] : [i]));
      fresh += add.length;
      folded += d.ids.length - add.length;
      if (add.length === 0) continue;
      if (d.events && d.seqs)
        for (const i of add) kept.push({ seq: d.seqs[i] as number, event: d.events[i] as Event });
      else if (o === undefined) kept.push({ seq: d.sampleSeq, event: d.sample });
      if (o) {
        for (const i of add) o.ids.add(d.ids[i] as string);
        o.count += add.length;
        o.first = Math.min(o.first, d.first);
        o.last = Math.max(o.last, d.last);
        if (d.tlp !== null && (o.tlp === null || d.tlp > o.tlp)) o.tlp = d.tlp;
      } else {
        newObservations++;
        this.observations.set(k, {
          type: d.observation.type,
          source: d.observation.source,
          destinationIp: d.observation.destinationIp ?? null,
          destinationPort: d.observation.destinationPort ?? null,
          malware: d.observation.malware ?? null,
          day: d.observation.day,
          count: add.length,
          firstSeen: '',
          lastSeen: '',
          first: d.first,
          last: d.last,
          ids: new Set(add.map((i) => d.ids[i] as string)),
          tlp: d.tlp,
          // Set by the observation's first event, as in the SQLite store.
          facts: observationFacts(d.sample),
        });
      }
    }
    kept.sort((a, b) => a.seq - b.seq);
    for (const x of kept) this.events.push(x.event);
    const at = new Date(this.now()).toISOString();
    for (const q of batch.quarantine) {
      const id = quarantineId(q.feed, q.source, q.line, q.raw);
      if (this.quarantineIds.has(id)) continue;
      this.quarantineIds.add(id);
      this.quarantine.push({ ...q, id, at });
    }
    return { new: fresh, folded, quarantined: batch.quarantine.length, newObservations };
  }

  async startRun(info: RunInfo): Promise<number> {
    const id = this.runs.length + 1;
    this.runs.push({
      id,
      source: info.source,
      feed: info.feed,
      format: info.format,
      status: 'running',
      startedAt: new Date(this.now()).toISOString(),
    });
    return id;
  }

  async finishRun(id: number, summary: RunSummary): Promise<void> {
    const r = this.runs[id - 1];
    if (r) Object.assign(r, summary, { finishedAt: new Date(this.now()).toISOString() });
  }

  async listRuns(q: { readonly limit?: number } = {}): Promise<RunRecord[]> {
    return this.runs
      .slice()
      .reverse()
      .slice(0, q.limit ?? 100)
      .map((r) => ({ ...r }));
  }

  async listQuarantine(q: QuarantineQuery = {}): Promise<QuarantineRecord[]> {
    // `after` is a position in storage order (keyset), whatever the filter: find it first.
    let rows = this.quarantine;
    if (q.after !== undefined) {
      const i = rows.findIndex((r) => r.id === q.after);
      rows = i < 0 ? [] : rows.slice(i + 1);
    }
    return rows
      .filter(
        (r) =>
          (q.feed === undefined || r.feed === q.feed) && (q.source === undefined || r.source === q.source),
      )
      .slice(0, q.limit ?? 100);
  }

  async getQuarantine(id: string): Promise<QuarantineRecord | undefined> {
    return this.quarantine.find((r) => r.id === id);
  }

  async listObservations(q: ObservationQuery = {}): Promise<Observation[]> {
    const rows = [...this.observations.values()]
      .filter((o) => (!q.type || o.type === q.type) && (!q.source || o.source === q.source))
      .map(({ first, last, facts: _facts, ids: _ids, tlp: _tlp, ...o }) => ({
        ...o,
        firstSeen: new Date(first).toISOString(),
        lastSeen: new Date(last).toISOString(),
      }));
    // The SQLite adapter's order: day, type, source, destination ip, port (numeric), malware; null first.
    const parts = (o: Observation) => [
      o.day,
      o.type,
      o.source,
      o.destinationIp,
      o.destinationPort,
      o.malware,
    ];
    rows.sort((a, b) => {
      const pa = parts(a);
      const pb = parts(b);
      for (let i = 0; i < pa.length; i++) {
        const x = pa[i] ?? null;
        const y = pb[i] ?? null;
        if (x === y) continue;
        if (x === null) return -1;
        if (y === null) return 1;
        return x < y ? -1 : 1;
      }
      return 0;
    });
    return rows.slice(0, q.limit ?? 1000);
  }

  async listEvents(q: { readonly limit?: number; readonly feed?: string } = {}): Promise<Event[]> {
    return this.events
      .filter((e) => q.feed === undefined || e['feed.name'] === q.feed)
      .slice(0, q.limit ?? 1000);
  }

  async statsFigures(q: StatsQuery): Promise<PeriodFigures> {
    const b = new FiguresBuilder(q.since, q.until, q.country);
    for (const o of this.observations.values()) {
      const row = { ...o, ...o.facts };
      if (q.filter === undefined || matchesStatsFilter(row, q.filter)) b.add(row);
    }
    return b.result();
  }

  async latestDay(types: readonly string[]): Promise<string | undefined> {
    let latest: string | undefined;
    for (const o of this.observations.values())
      if (types.includes(o.type) && (latest === undefined || o.day > latest)) latest = o.day;
    return latest;
  }

  async counts(): Promise<StoreCounts> {
    return {
      events: this.events.length,
      observations: this.observations.size,
      quarantine: this.quarantine.length,
    };
  }

  private readonly feedStates = new Map<string, FeedState>();

  async putFeedState(state: FeedState): Promise<void> {
    this.feedStates.set(state.feed, { ...state });
  }

  async getFeedState(feed: string): Promise<FeedState | undefined> {
    const s = this.feedStates.get(feed);
    return s ? { ...s } : undefined;
  }

  async listFeedStates(): Promise<FeedState[]> {
    return [...this.feedStates.values()]
      .sort((a, b) => (a.feed < b.feed ? -1 : a.feed > b.feed ? 1 : 0))
      .map((s) => ({ ...s }));
  }

  async close(): Promise<void> {}
}
