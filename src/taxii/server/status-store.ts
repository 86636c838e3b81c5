/**
 * TAXII 2.1 status resources: what a POST to a collection's objects answered, kept so that the
 * client may GET it later (`<api-root>/status/<id>/`). A status belongs to whoever posted: anyone
 * else gets a 404. Accord processes a POST before answering, so statuses are "complete" when made.
 *
 * Adapters: MemoryStatusStore below; SqliteStatusStore (src/storage/taxii/sqlite-status-store.ts,
 * table taxii_status of migration 7).
 */

export interface StatusDetail {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

/** The status resource exactly as TAXII 2.1 serves it. */
export interface TaxiiStatus {
  readonly id: string;
  readonly status: 'complete' | 'pending';
  readonly request_timestamp: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly successes?: readonly StatusDetail[];
  readonly failure_count: number;
  readonly failures?: readonly StatusDetail[];
  readonly pending_count: number;
  readonly pendings?: readonly StatusDetail[];
}

export interface StatusStore {
  /** Keep a status for its owner (e.g. "partner:cert-xx", "admin"); statuses older than the retention go. */
  save(owner: string, status: TaxiiStatus, at: number): Promise<void>;
  /** The status when it exists and belongs to `owner` (undefined otherwise: the caller answers 404). */
  get(owner: string, id: string): Promise<TaxiiStatus | undefined>;
}

/** How long statuses are kept (7 days). */
export const STATUS_RETENTION_MS = 7 * 24 * 3600_000;

export class MemoryStatusStore implements StatusStore {
  private readonly byId = new Map<string, { owner: string; at: number; status: TaxiiStatus }>();

  constructor(private readonly maxEntries = 10_000) {}

  async save(owner: string, status: TaxiiStatus, at: number): Promise<void> {
    for (const [id, e] of this.byId) {
      if (e.at >= at - STATUS_RETENTION_MS && this.byId.size < this.maxEntries) break;
      this.byId.delete(id);
    }
    this.byId.set(status.id, { owner, at, status });
  }

  async get(owner: string, id: string): Promise<TaxiiStatus | undefined> {
    const e = this.byId.get(id);
    return e && e.owner === owner ? e.status : undefined;
  }
}
