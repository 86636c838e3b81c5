/**
 * TAXII status resources in the SQLite file (table taxii_status, migration 7). Statuses older than
 * the retention go, and at most `maxEntries` are kept (the oldest go first), so that a partner
 * posting without end cannot grow the file without end: a status is a convenience (the POST's own
 * answer carries it whole), never the only record of what was stored.
 */
import type Database from 'better-sqlite3';
import { STATUS_RETENTION_MS, type StatusStore, type TaxiiStatus } from '../../taxii/server/status-store.js';

export const MAX_STATUSES = 100_000;

export class SqliteStatusStore implements StatusStore {
  private readonly insert: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly select: Database.Statement;

  /** `db` must be migrated (openSqliteStore does it); it is not closed here. */
  constructor(
    db: Database.Database,
    private readonly maxEntries = MAX_STATUSES,
  ) {
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO taxii_status(id, owner, created_at, json) VALUES (?, ?, ?, ?)',
    );
    this.prune = db.prepare('DELETE FROM taxii_status WHERE created_at < ?');
    // the newest maxEntries stay (by the created_at index); ties at the boundary may keep a few more
    this.trim = db.prepare(`DELETE FROM taxii_status WHERE created_at < (
      SELECT created_at FROM taxii_status ORDER BY created_at DESC LIMIT 1 OFFSET ?)`);
    this.select = db.prepare('SELECT json FROM taxii_status WHERE id = ? AND owner = ?').pluck();
  }

  async save(owner: string, status: TaxiiStatus, at: number): Promise<void> {
    this.prune.run(at - STATUS_RETENTION_MS);
    this.insert.run(status.id, owner, at, JSON.stringify(status));
    this.trim.run(Math.max(0, this.maxEntries - 1));
  }

  async get(owner: string, id: string): Promise<TaxiiStatus | undefined> {
    const json = this.select.get(id, owner) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as TaxiiStatus);
  }
}
