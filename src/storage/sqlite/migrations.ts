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
  {
    version: 2,
    name: 'observation facts for statistics (country, ASN, constituency, warninglist, feed)',
    // Denormalised from the first event stored for the observation (see docs/stats.md), so that
    // `accord stats` reads observations alone. Rows that existed before are filled from their
    // first stored event. The index covers every column the statistics read, so a period is one
    // sequential index range (type, then day) and never a lookup per row into the table, which
    // is keyed by a hash (measured: 3 to 4 times faster than an index on (type, day) alone); it
    // also answers the "latest day" lookup.
    sql: `
      ALTER TABLE observations ADD COLUMN feed TEXT;
      ALTER TABLE observations ADD COLUMN src_cc TEXT;
      ALTER TABLE observations ADD COLUMN src_asn INTEGER;
      ALTER TABLE observations ADD COLUMN src_org TEXT;
      ALTER TABLE observations ADD COLUMN src_scope TEXT;
      ALTER TABLE observations ADD COLUMN dst_cc TEXT;
      ALTER TABLE observations ADD COLUMN dst_asn INTEGER;
      ALTER TABLE observations ADD COLUMN dst_org TEXT;
      ALTER TABLE observations ADD COLUMN dst_scope TEXT;
      ALTER TABLE observations ADD COLUMN warninglist INTEGER NOT NULL DEFAULT 0;

      UPDATE observations SET
        feed = json_extract(e.data, '$."feed.name"'),
        src_cc = json_extract(e.data, '$."source.geolocation.cc"'),
        src_asn = json_extract(e.data, '$."source.asn"'),
        src_org = json_extract(e.data, '$."source.constituency.org"'),
        src_scope = json_extract(e.data, '$."source.constituency.scope"'),
        dst_cc = json_extract(e.data, '$."destination.geolocation.cc"'),
        dst_asn = json_extract(e.data, '$."destination.asn"'),
        dst_org = json_extract(e.data, '$."destination.constituency.org"'),
        dst_scope = json_extract(e.data, '$."destination.constituency.scope"'),
        warninglist = (json_extract(e.data, '$."source.warninglist"') IS NOT NULL)
          | ((json_extract(e.data, '$."destination.warninglist"') IS NOT NULL) << 1)
      FROM (SELECT obs_key, data FROM events
            WHERE rowid IN (SELECT min(rowid) FROM events GROUP BY obs_key)) AS e
      WHERE e.obs_key = observations.key;

      CREATE INDEX observations_stats ON observations(type, day, source, destination_ip, malware,
        src_cc, src_asn, src_org, src_scope, dst_cc, dst_asn, dst_scope, warninglist);
    `,
  },
  {
    version: 3,
    name: 'knowledge objects (STIX 2.1 versions, date_added, markings) for TAXII',
    // One row per object version per collection. date_added is the rowid: server-assigned, unique,
    // strictly increasing (ms), so it orders every listing and is the keyset of pagination. The
    // partial index serves the default TAXII query (match[version]=last) without touching older
    // versions; see src/storage/knowledge/sqlite-knowledge-store.ts.
    sql: `
      CREATE TABLE knowledge_objects (
        date_added INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        spec_version TEXT NOT NULL,
        version_key TEXT NOT NULL,
        version_us INTEGER NOT NULL,
        version TEXT NOT NULL,
        tlp INTEGER,
        markings TEXT,
        is_first INTEGER NOT NULL,
        is_last INTEGER NOT NULL,
        json TEXT NOT NULL
      );
      CREATE UNIQUE INDEX knowledge_version ON knowledge_objects(collection, id, version_key);
      CREATE INDEX knowledge_id ON knowledge_objects(collection, id, version_us);
      CREATE INDEX knowledge_added ON knowledge_objects(collection, date_added);
      CREATE INDEX knowledge_last ON knowledge_objects(collection, date_added) WHERE is_last = 1;
      CREATE INDEX knowledge_type ON knowledge_objects(collection, type, date_added);

      CREATE TABLE knowledge_clock (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        last_added INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'feed health and HTTP validators',
    sql: `
      CREATE TABLE feed_state (
        feed TEXT PRIMARY KEY,
        last_run_at INTEGER,
        last_status TEXT,
        last_success_at INTEGER,
        last_error_at INTEGER,
        last_error TEXT,
        failures INTEGER,
        last_read INTEGER,
        last_new INTEGER,
        last_quarantined INTEGER,
        next_run_at INTEGER,
        http_url TEXT,
        etag TEXT,
        last_modified TEXT
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'fold in memory: identities per observation, highest TLP, sample event',
    // Event identities move into their observation (8 bytes each): an identity determines the
    // observation, so duplicates are only looked for there, one read per observation instead of
    // one index probe per event. events now holds each observation's first event (its sample)
    // and, for feeds that keep them, every event; its rows are unique by construction.
    sql: `
      ALTER TABLE observations ADD COLUMN ids BLOB NOT NULL DEFAULT x'';
      ALTER TABLE observations ADD COLUMN tlp INTEGER;
      ALTER TABLE observations ADD COLUMN sample INTEGER;
      CREATE INDEX events_obs_tmp ON events(obs_key);
      UPDATE observations SET
        ids = coalesce((SELECT unhex(group_concat(hex(substr(e.id, 1, 8)), '')) FROM events e WHERE e.obs_key = observations.key), x''),
        sample = (SELECT min(rowid) FROM events e WHERE e.obs_key = observations.key),
        tlp = (SELECT max(CASE json_extract(e.data, '$.tlp') WHEN 'CLEAR' THEN 0 WHEN 'GREEN' THEN 1
                 WHEN 'AMBER' THEN 2 WHEN 'AMBER+STRICT' THEN 3 WHEN 'RED' THEN 4 END)
               FROM events e WHERE e.obs_key = observations.key);
      DROP INDEX events_obs_tmp;
      DROP INDEX events_id;
    `,
  },
];
