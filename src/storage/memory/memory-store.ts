/**
 * An in-process store: for dry runs (`accord ingest --dry-run`) and for the parser harness.
 * It passes the same contract suite as the SQLite store.
 */
import type { Event } from '../../domain/schema/event.js';
import { FiguresBuilder } from '../../reports/stats/figures.js';
import { type ObservationFacts, observationFacts } from '../observation-facts.js';
import { quarantineId } from '../sqlite/sqlite-store.js';
import type {
  BatchResult,
  FeedState,
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
  readonly events: Event[] = [];
  private readonly ids = new Set<string>();
  private readonly observations = new Map<
    string,
    ObsRow & { first: number; last: number; facts: ObservationFacts }
  >();
  readonly quarantine: QuarantineRecord[] = [];
  private readonly quarantineIds = new Set<string>();
  readonly runs: Array<{ -readonly [K in keyof RunRecord]: RunRecord[K] }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  async writeBatch(batch: IngestBatch): Promise<BatchResult> {
    let fresh = 0;
    let folded = 0;
    let newObservations = 0;
    for (const p of batch.events) {
      const id = p.id.toString('hex');
      if (this.ids.has(id)) {
        folded++;
        continue;
      }
      this.ids.add(id);
      this.events.push(p.event);
      fresh++;
      const k = p.observation.key.toString('hex');
      const o = this.observations.get(k);
      if (o) {
        o.count++;
        o.first = Math.min(o.first, p.seenAt);
        o.last = Math.max(o.last, p.seenAt);
      } else {
        newObservations++;
        this.observations.set(k, {
          type: p.observation.type,
          source: p.observation.source,
          destinationIp: p.observation.destinationIp ?? null,
          destinationPort: p.observation.destinationPort ?? null,
          malware: p.observation.malware ?? null,
          day: p.observation.day,
          count: 1,
          firstSeen: '',
          lastSeen: '',
          first: p.seenAt,
          last: p.seenAt,
          // Set by the first event stored for the observation, as in the SQLite store.
          facts: observationFacts(p.event),
        });
      }
    }
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
      .map(({ first, last, facts: _facts, ...o }) => ({
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
    for (const o of this.observations.values()) b.add({ ...o, ...o.facts });
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
