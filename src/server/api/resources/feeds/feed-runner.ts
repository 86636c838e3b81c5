/**
 * "Run now" for the REST API: runs one configured feed as `accord feeds run NAME` does (the
 * config's enrichers, loaded once on first use; allowed hosts; TAXII deps for TAXII feeds), one
 * run per feed at a time. The result lands in the feed's health (feed_state) like any run.
 */
import type { AccordConfig } from '../../../../config/accord-config.js';
import { hostAllowed } from '../../../../feeds/allowed-hosts.js';
import type { FeedDefinition } from '../../../../feeds/feed-definition.js';
import { type FeedRunDeps, type FeedRunResult, runFeed } from '../../../../feeds/run-feed.js';
import type { Logger } from '../../../../logging/logger.js';
import { SqliteKnowledgeStore } from '../../../../storage/knowledge/sqlite-knowledge-store.js';
import { SqlitePartnerStore } from '../../../../storage/partners/sqlite-partner-store.js';
import type { SqliteStore } from '../../../../storage/sqlite/sqlite-store.js';

export interface FeedRunner {
  /** Whether a run of this feed is in progress. */
  running(name: string): boolean;
  /** Start a run; undefined when one of this feed is running already. */
  start(feed: FeedDefinition): Promise<FeedRunResult> | undefined;
  /** Stop runs in progress (server shutdown). */
  close(): void;
}

export function createFeedRunner(config: AccordConfig, store: SqliteStore, logger?: Logger): FeedRunner {
  const inProgress = new Map<string, Promise<FeedRunResult>>();
  const stop = new AbortController();
  let deps: Promise<Omit<FeedRunDeps, 'signal'>> | undefined;
  const load = async (): Promise<Omit<FeedRunDeps, 'signal'>> => {
    const { loadEnrichers } = await import('../../../../config/load-enrichers.js');
    const enrichers = await loadEnrichers(config);
    for (const w of enrichers.warnings) logger?.warn(w);
    const partners = new SqlitePartnerStore(store.db);
    return {
      store,
      allowHost: (h) => hostAllowed(config.allowedHosts, h),
      enrichers: enrichers.instances,
      enricherSpecs: enrichers.specs,
      workers: 1,
      taxii: { knowledge: new SqliteKnowledgeStore(store.db), partner: (name) => partners.get(name) },
    };
  };
  return {
    running: (name) => inProgress.has(name),
    start(feed) {
      if (inProgress.has(feed.name)) return undefined;
      deps ??= load();
      const run = deps
        .then((d) => runFeed(feed, { ...d, signal: stop.signal }))
        .finally(() => inProgress.delete(feed.name));
      inProgress.set(feed.name, run);
      run.then(
        (r) =>
          logger?.info(
            { feed: r.feed, status: r.status, read: r.read, new: r.new },
            'api: feed run finished',
          ),
        (e: unknown) => logger?.error({ feed: feed.name, err: e }, 'api: feed run failed'),
      );
      return run;
    },
    close: () => stop.abort(),
  };
}
