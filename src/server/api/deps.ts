/**
 * What the REST API's plugins receive as options (`FastifyPluginAsync<ApiDeps>`): the stores over
 * the one SQLite file, and settings. Build it with `sqliteApiDeps(store)`; resource plugins take
 * what they need. Helpers add fields here with small edits.
 */
import type { AccordConfig } from '../../config/accord-config.js';
import type { TlpLevel } from '../../domain/tlp.js';
import type { KnowledgeStore } from '../../knowledge/knowledge-store.js';
import type { Logger } from '../../logging/logger.js';
import type { PartnerStore } from '../../partners/partner-store.js';
import { SqliteKnowledgeStore } from '../../storage/knowledge/sqlite-knowledge-store.js';
import { SqlitePartnerStore } from '../../storage/partners/sqlite-partner-store.js';
import type { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { RateLimitOptions } from '../../taxii/server/rate-limit.js';
import { SqliteUserStore } from './auth/sqlite-user-store.js';
import type { FeedRunner } from './resources/feeds/feed-runner.js';

export interface ApiConfig {
  /** What a knowledge object without a TLP marking counts as (default AMBER). */
  readonly defaultTlp?: TlpLevel;
  /** Set the session cookie's Secure flag (serving over https). */
  readonly secureCookies?: boolean;
  /** Failed-login limits (per address and per username). */
  readonly rateLimit?: RateLimitOptions;
}

export interface ApiDeps {
  /** The main store: events, observations, quarantine, feed state, stats; `store.db` for SQL. */
  readonly store: SqliteStore;
  readonly knowledge: KnowledgeStore;
  readonly partners: PartnerStore;
  readonly users: SqliteUserStore;
  readonly config?: ApiConfig;
  readonly logger?: Logger;
  /** The clock (tests move it); Date.now when absent. */
  readonly now?: () => number;
  /**
   * (B) The accord.yaml the server was started with (`--config`): feeds, constituency and other
   * enrichers. Absent: /feeds lists only feeds with recorded health, /constituency is empty.
   */
  readonly accordConfig?: AccordConfig;
  /**
   * (B) Runs one configured feed now (POST /feeds/:name/run). Build it with createFeedRunner
   * (src/server/api/resources/feeds/feed-runner.ts); absent: runs are built from accordConfig.
   */
  readonly feedRunner?: FeedRunner;
}

/** ApiDeps over one open SQLite store (its db holds every table). */
export function sqliteApiDeps(
  store: SqliteStore,
  extra: { readonly config?: ApiConfig; readonly logger?: Logger; readonly now?: () => number } = {},
): ApiDeps {
  const now = extra.now ?? Date.now;
  return {
    store,
    knowledge: new SqliteKnowledgeStore(store.db),
    partners: new SqlitePartnerStore(store.db, now),
    users: new SqliteUserStore(store.db, now),
    ...extra,
  };
}
