/**
 * The Store port: everything the rest of Accord asks of storage. Small on purpose (Kysely's
 * Dialect has four methods): an adapter is a file, and one contract test suite
 * (store.contract.ts) runs over every adapter.
 */
import type { ObservationDelta, PreparedEvent } from '../domain/fold.js';
import type { Event } from '../domain/schema/event.js';

export type { ObservationDelta, PreparedEvent } from '../domain/fold.js';

export interface QuarantineInput {
  readonly feed: string;
  /** File path, URL or "-". */
  readonly source: string;
  readonly format: string;
  /** 1-based line the record starts on; 0 when the problem is not one line's. */
  readonly line: number;
  readonly reason: string;
  readonly field?: string;
  readonly raw: string;
  /** Exact bytes when the raw text is not valid UTF-8. */
  readonly bytes?: Buffer;
}

export interface QuarantineRecord extends QuarantineInput {
  readonly id: string;
  readonly at: string;
}

export interface IngestBatch {
  readonly events: readonly PreparedEvent[];
  readonly quarantine: readonly QuarantineInput[];
  /** Keep every event's record (default true here); otherwise only each observation's first. */
  readonly keepEvents?: boolean;
}

/** Events already folded by observation (src/domain/fold.ts), as the ingest pipeline writes them. */
export interface FoldedBatch {
  readonly observations: readonly ObservationDelta[];
  readonly quarantine: readonly QuarantineInput[];
}

export interface BatchResult {
  /** Events not seen before, now stored. */
  readonly new: number;
  /** Events already stored (same identity): folded into their observation, nothing changes. */
  readonly folded: number;
  readonly quarantined: number;
  /** Observations created by this batch. */
  readonly newObservations: number;
}

export interface Observation {
  readonly type: string;
  readonly source: string;
  readonly destinationIp: string | null;
  readonly destinationPort: number | null;
  readonly malware: string | null;
  readonly day: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface StoreCounts {
  readonly events: number;
  readonly observations: number;
  readonly quarantine: number;
}

export interface RunInfo {
  readonly source: string;
  readonly feed: string;
  readonly format: string;
}

export interface RunSummary {
  readonly status: 'ok' | 'failed';
  readonly read: number;
  readonly new: number;
  readonly folded: number;
  readonly quarantined: number;
  readonly error?: string;
}

/** An ingest run as recorded: what was read and how it ended ('running' until finishRun). */
export interface RunRecord extends RunInfo {
  readonly id: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly status: 'running' | RunSummary['status'];
  readonly read?: number;
  readonly new?: number;
  readonly folded?: number;
  readonly quarantined?: number;
  readonly error?: string;
}

export interface QuarantineQuery {
  readonly feed?: string;
  readonly source?: string;
  readonly limit?: number;
  /** Keyset pagination: entries after this id. */
  readonly after?: string;
}

export interface ObservationQuery {
  readonly limit?: number;
  readonly type?: string;
  readonly source?: string;
}

/**
 * A configured feed's health as the feed runner and scheduler record it (one row per feed name),
 * with the HTTP validators of the last body read, for the next conditional GET.
 */
export interface FeedState {
  readonly feed: string;
  /** ISO 8601 times. */
  readonly lastRunAt?: string;
  /** 'not-modified': a conditional GET answered 304; nothing was read. */
  readonly lastStatus?: 'ok' | 'not-modified' | 'failed';
  readonly lastSuccessAt?: string;
  readonly lastErrorAt?: string;
  readonly lastError?: string;
  /** Failed runs since the last success. */
  readonly failures?: number;
  /** Counts of the last run that read something. */
  readonly lastRead?: number;
  readonly lastNew?: number;
  readonly lastQuarantined?: number;
  readonly nextRunAt?: string;
  /** The URL the validators belong to; they are only sent when the feed still reads this URL. */
  readonly httpUrl?: string;
  readonly etag?: string;
  readonly lastModified?: string;
}

/** What `accord stats` asks of storage for one period (src/reports/stats builds the report). */
export interface StatsQuery {
  /** First and last UTC day of the period, YYYY-MM-DD, both included. */
  readonly since: string;
  readonly until: string;
  /**
   * The national country (ISO 3166-1 alpha-2). An address with no constituency scope (no
   * constituency enricher ran) is domestic when geolocated here and abroad when geolocated
   * elsewhere; without it only constituency scopes decide.
   */
  readonly country?: string;
  /** Only observations matching this filter count, in every figure (REST API, dashboard). */
  readonly filter?: StatsFilter;
}

/**
 * A filter of the statistics (src/reports/stats/figures.ts matchesStatsFilter says exactly what it
 * keeps): c2Country and family keep infected-system observations with a C2 (destination address)
 * in that country or of that family; network keeps observations whose domestic owner key (the
 * constituency organisation id, else "AS<n>") is this one. Every given condition must hold.
 */
export interface StatsFilter {
  readonly c2Country?: string;
  readonly family?: string;
  readonly network?: string;
}

/** C2 servers abroad and the domestic hosts they control, for one country, family or ASN. */
export interface C2Breakdown {
  /** Country code, family or ASN (as text); null when the observations do not say. */
  readonly key: string | null;
  readonly servers: number;
  readonly hosts: number;
}

/** Domestic hosts by owner: the constituency organisation, else the AS of the address. */
export interface OwnerCount {
  readonly kind: 'org' | 'asn' | 'unknown';
  /** Organisation id, or "AS64496"; null when unknown. */
  readonly key: string | null;
  readonly count: number;
}

/**
 * The figures of one period, each a distinct count over the observations of the period. Lists
 * are complete (not cut to a top N) and sorted: C2 breakdowns by servers, then hosts, then key;
 * owners by count, then key; null keys last.
 */
export interface PeriodFigures {
  /** Distinct domestic source addresses of infected-system observations. */
  readonly infectedHosts: number;
  /** ... of which talk to a C2 server abroad (warninglisted observations left out). */
  readonly hostsTalkingToC2Abroad: number;
  /** Distinct destination IPs abroad of those observations. */
  readonly c2ServersAbroad: number;
  /** Observations that would count above but are on a warninglist (either side). */
  readonly warninglistedExcluded: number;
  readonly c2ByCountry: readonly C2Breakdown[];
  readonly c2ByFamily: readonly C2Breakdown[];
  readonly c2ByAsn: readonly C2Breakdown[];
  /** Domestic infected hosts by owner. */
  readonly infectedByOwner: readonly OwnerCount[];
  /** Distinct domestic sources of system-compromise observations (compromised websites). */
  readonly compromisedWebsites: number;
  readonly websitesByOwner: readonly OwnerCount[];
}

export interface Store {
  /** Fold and write events and quarantine entries atomically: all of the batch, or none of it. */
  writeBatch(batch: IngestBatch): Promise<BatchResult>;
  /**
   * Write observations already folded in memory, and quarantine entries, atomically. For each
   * observation the store checks which identities it already holds (those events are folded),
   * adds the rest to its count, and stores the sample (first) event of a new observation, or every
   * new event when the delta carries them.
   */
  writeFolded(batch: FoldedBatch): Promise<BatchResult>;
  startRun(info: RunInfo): Promise<number>;
  finishRun(id: number, summary: RunSummary): Promise<void>;
  /** Recorded runs, newest first. */
  listRuns(q?: { readonly limit?: number }): Promise<RunRecord[]>;
  listQuarantine(q?: QuarantineQuery): Promise<QuarantineRecord[]>;
  getQuarantine(id: string): Promise<QuarantineRecord | undefined>;
  listObservations(q?: ObservationQuery): Promise<Observation[]>;
  /** Events in storage order (for export and tests). */
  listEvents(q?: { readonly limit?: number; readonly feed?: string }): Promise<Event[]>;
  counts(): Promise<StoreCounts>;
  /** The statistics figures of one period (src/reports/stats; docs/stats.md defines each). */
  statsFigures(q: StatsQuery): Promise<PeriodFigures>;
  /** The latest day (YYYY-MM-DD) of any observation of these classification types. */
  latestDay(types: readonly string[]): Promise<string | undefined>;
  /** Feed health: the state of one configured feed (replaced whole), and all of them by name. */
  putFeedState(state: FeedState): Promise<void>;
  getFeedState(feed: string): Promise<FeedState | undefined>;
  listFeedStates(): Promise<FeedState[]>;
  close(): Promise<void>;
}
