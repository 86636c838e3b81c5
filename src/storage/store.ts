/**
 * The Store port: everything the rest of Accord asks of storage. Small on purpose (Kysely's
 * Dialect has four methods): an adapter is a file, and one contract test suite
 * (store.contract.ts) runs over every adapter.
 */
import type { ObservationKey } from '../domain/identity.js';
import type { Event } from '../domain/schema/event.js';

/** An event ready to store: harmonised, identified, keyed. */
export interface PreparedEvent {
  /** 16-byte identity digest (src/domain/identity.ts). */
  readonly id: Buffer;
  readonly event: Event;
  readonly observation: ObservationKey;
  /** time.source (or time.observation when absent), epoch ms. */
  readonly seenAt: number;
}

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

export interface Store {
  /** Write events and quarantine entries atomically: all of the batch, or none of it. */
  writeBatch(batch: IngestBatch): Promise<BatchResult>;
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
  close(): Promise<void>;
}
