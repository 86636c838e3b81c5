/** Versioned migrations of the SQLite store. Append only: never edit a migration that has shipped. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, observations, quarantine, ingest runs',
    sql: `
      CREATE TABLE events (
        rowid INTEGER PRIMARY KEY,
        id BLOB NOT NULL,
        obs_key BLOB NOT NULL,
        feed TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE UNIQUE INDEX events_id ON events(id);

      CREATE TABLE observations (
        key BLOB PRIMARY KEY,
        type TEXT NOT NULL,
        source TEXT NOT NULL,
        destination_ip TEXT,
        destination_port INTEGER,
        malware TEXT,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE quarantine (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at INTEGER NOT NULL,
        feed TEXT NOT NULL,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        line INTEGER NOT NULL,
        reason TEXT NOT NULL,
        field TEXT,
        raw TEXT NOT NULL,
        bytes BLOB
      );
      CREATE INDEX quarantine_feed ON quarantine(feed, seq);

      CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        source TEXT NOT NULL,
        feed TEXT NOT NULL,
        format TEXT NOT NULL,
        status TEXT NOT NULL,
        read INTEGER, new INTEGER, folded INTEGER, quarantined INTEGER,
        error TEXT
      );
    `,
  },
];
