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
  {
    version: 6,
    name: 'statistics rollup: integer ids of hosts and C2 servers, fact cells, per-day chunks',
    // See src/storage/sqlite/stats-rollup.ts: written with each new observation from now on, and
    // built here for the observations already stored. `accord stats` reads it instead of the
    // observations, so the wide covering index of version 2 (written with every new observation)
    // gives way to one on (type, day) for the latest-day lookup. A chunk record is four
    // little-endian uint32 (source cell, destination cell, host id, C2 id or 0), hence LE().
    sql: `
      CREATE TABLE stats_hosts (value TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE stats_c2s (value TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE stats_next (one INTEGER PRIMARY KEY CHECK (one = 1), host INTEGER NOT NULL, c2 INTEGER NOT NULL);
      CREATE TABLE stats_src_cells (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
        scope TEXT, cc TEXT, org TEXT, asn INTEGER);
      CREATE TABLE stats_dst_cells (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
        scope TEXT, cc TEXT, asn INTEGER, malware TEXT, warn INTEGER NOT NULL);
      CREATE TABLE stats_chunks (id INTEGER PRIMARY KEY, day TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL);
      CREATE INDEX stats_chunks_day ON stats_chunks(day);

      INSERT INTO stats_hosts(value, id)
        SELECT source, row_number() OVER (ORDER BY source) FROM (SELECT DISTINCT source FROM observations
          WHERE type IN ('infected-system', 'system-compromise'));
      INSERT INTO stats_c2s(value, id)
        SELECT destination_ip, row_number() OVER (ORDER BY destination_ip) FROM (SELECT DISTINCT destination_ip
          FROM observations WHERE type = 'infected-system' AND destination_ip IS NOT NULL);
      INSERT INTO stats_next(one, host, c2)
        VALUES (1, (SELECT count(*) + 1 FROM stats_hosts), (SELECT count(*) + 1 FROM stats_c2s));
      INSERT INTO stats_src_cells(key, type, scope, cc, org, asn)
        SELECT DISTINCT json_array(type, scope, cc, org, asn), type, scope, cc, org, asn FROM (
          SELECT type, src_scope AS scope, CASE WHEN src_scope IS NULL THEN src_cc END AS cc, src_org AS org,
            CASE WHEN src_org IS NULL THEN src_asn END AS asn
          FROM observations WHERE type IN ('infected-system', 'system-compromise'));
      INSERT INTO stats_dst_cells(key, scope, cc, asn, malware, warn)
        SELECT DISTINCT json_array(dst_scope, dst_cc, dst_asn, malware, warninglist <> 0),
          dst_scope, dst_cc, dst_asn, malware, warninglist <> 0
        FROM observations WHERE type = 'infected-system' AND destination_ip IS NOT NULL;
      INSERT INTO stats_chunks(day, n, data)
        SELECT day, count(*), unhex(group_concat(rec, '')) FROM (
          SELECT o.day, h.id >> 16 AS part,
            printf('%02x%02x%02x%02x', s.id & 255, (s.id >> 8) & 255, (s.id >> 16) & 255, (s.id >> 24) & 255)
            || printf('%02x%02x%02x%02x', coalesce(d.id, 0) & 255, (coalesce(d.id, 0) >> 8) & 255,
                 (coalesce(d.id, 0) >> 16) & 255, (coalesce(d.id, 0) >> 24) & 255)
            || printf('%02x%02x%02x%02x', h.id & 255, (h.id >> 8) & 255, (h.id >> 16) & 255, (h.id >> 24) & 255)
            || printf('%02x%02x%02x%02x', coalesce(c.id, 0) & 255, (coalesce(c.id, 0) >> 8) & 255,
                 (coalesce(c.id, 0) >> 16) & 255, (coalesce(c.id, 0) >> 24) & 255) AS rec
          FROM observations o
          JOIN stats_hosts h ON h.value = o.source
          JOIN stats_src_cells s ON s.key = json_array(o.type, o.src_scope,
            CASE WHEN o.src_scope IS NULL THEN o.src_cc END, o.src_org, CASE WHEN o.src_org IS NULL THEN o.src_asn END)
          LEFT JOIN stats_c2s c ON o.type = 'infected-system' AND c.value = o.destination_ip
          LEFT JOIN stats_dst_cells d ON o.type = 'infected-system' AND o.destination_ip IS NOT NULL
            AND d.key = json_array(o.dst_scope, o.dst_cc, o.dst_asn, o.malware, o.warninglist <> 0)
          WHERE o.type IN ('infected-system', 'system-compromise'))
        GROUP BY day, part;

      DROP INDEX observations_stats;
      CREATE INDEX observations_type_day ON observations(type, day);
    `,
  },
  {
    version: 7,
    name: 'partners, their credentials (salted hashes only) and TAXII status resources',
    // See src/storage/partners/sqlite-partner-store.ts. A credential's partner is NULL for the
    // operator's (admin) credentials. taxii_status keeps what POST objects answered, for GET status.
    sql: `
      CREATE TABLE partners (
        name TEXT PRIMARY KEY,
        country TEXT NOT NULL,
        identity_id TEXT NOT NULL,
        inbox TEXT NOT NULL UNIQUE,
        agreement TEXT NOT NULL,
        remote TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) WITHOUT ROWID;

      CREATE TABLE partner_credentials (
        id TEXT PRIMARY KEY,
        partner TEXT REFERENCES partners(name),
        kind TEXT NOT NULL,
        username TEXT,
        label TEXT,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) WITHOUT ROWID;
      CREATE INDEX partner_credentials_username ON partner_credentials(username);
      CREATE INDEX partner_credentials_partner ON partner_credentials(partner);

      CREATE TABLE taxii_status (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        json TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX taxii_status_created ON taxii_status(created_at);
    `,
  },
  {
    version: 8,
    name: 'observations as a rowid table with a unique index on the key',
    // New observations arrive in random key order (the key is a digest). Keyed by it (WITHOUT
    // ROWID), every insert lands on a random page of the whole table, and each batch's commit
    // rewrites nearly one table page per new observation; as a rowid table the rows are appended
    // and only the key index (16-byte entries, six times denser) takes random inserts. Measured:
    // 286,000 inserts in batches of 7,000, 5.0 s -> 3.0 s (BENCHMARKS.md).
    sql: `
      CREATE TABLE observations_v8 (
        rowid INTEGER PRIMARY KEY,
        key BLOB NOT NULL,
        type TEXT NOT NULL,
        source TEXT NOT NULL,
        destination_ip TEXT,
        destination_port INTEGER,
        malware TEXT,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        feed TEXT, src_cc TEXT, src_asn INTEGER, src_org TEXT, src_scope TEXT,
        dst_cc TEXT, dst_asn INTEGER, dst_org TEXT, dst_scope TEXT,
        warninglist INTEGER NOT NULL DEFAULT 0,
        ids BLOB NOT NULL DEFAULT x'',
        tlp INTEGER,
        sample INTEGER
      );
      INSERT INTO observations_v8(key, type, source, destination_ip, destination_port, malware, day, count, first_seen, last_seen, feed, src_cc, src_asn, src_org, src_scope, dst_cc, dst_asn, dst_org, dst_scope, warninglist, ids, tlp, sample)
        SELECT key, type, source, destination_ip, destination_port, malware, day, count, first_seen, last_seen, feed, src_cc, src_asn, src_org, src_scope, dst_cc, dst_asn, dst_org, dst_scope, warninglist, ids, tlp, sample FROM observations ORDER BY day, key;
      DROP TABLE observations;
      ALTER TABLE observations_v8 RENAME TO observations;
      CREATE UNIQUE INDEX observations_key ON observations(key);
      CREATE INDEX observations_type_day ON observations(type, day);
    `,
  },
  {
    version: 9,
    name: 'dashboard and REST API users, their sessions and API keys (hashes only)',
    // See src/server/api/auth/sqlite-user-store.ts. Passwords and API key secrets are scrypt hashes;
    // session tokens are sha256 digests (the token itself is 32 random bytes, only in the cookie).
    sql: `
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT,
        created_at TEXT NOT NULL,
        disabled_at TEXT
      ) WITHOUT ROWID;

      CREATE TABLE user_sessions (
        token_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES users(name),
        csrf TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX user_sessions_user ON user_sessions(user);

      CREATE TABLE user_api_keys (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES users(name),
        label TEXT,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) WITHOUT ROWID;
      CREATE INDEX user_api_keys_user ON user_api_keys(user);
    `,
  },
  {
    version: 10,
    name: 'observations indexed by source and by destination IP, events by observation (pivots and filters of the REST API)',
    // Without them a pivot on one address read every observation: 4 s for a C2 server and 12 s for
    // a host at 2 M observations (14 M events), and the events of a filter on observations were
    // found by reading the events table backwards. The cost is three more index inserts per new
    // observation (BENCHMARKS.md measures it on the ingest benchmark).
    sql: `
      CREATE INDEX observations_source ON observations(source);
      CREATE INDEX observations_destination ON observations(destination_ip) WHERE destination_ip IS NOT NULL;
      CREATE INDEX events_observation ON events(obs_key);
    `,
  },
];
