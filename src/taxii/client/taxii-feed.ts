/**
 * A scheduled pull as a feed: `source: { taxii: { partner, collection } }` in accord.yaml, run by
 * `accord feeds run|watch` like any feed (runFeed hands TAXII sources here). The pull is
 * `accord taxii pull`'s (pull.ts): same resume point per partner and collection, same validation
 * and quarantine. The feed's own health row records the run, as for other feeds; the partner's
 * API root host must be in allowed_hosts, as any feed URL's.
 */

import { normaliseHost } from '../../feeds/allowed-hosts.js';
import type { FeedDefinition } from '../../feeds/feed-definition.js';
import { type FeedRunDeps, type FeedRunResult, type InputResult, runHealth } from '../../feeds/run-feed.js';
import type { KnowledgeStore } from '../../knowledge/knowledge-store.js';
import type { Partner } from '../../partners/partner.js';
import type { FeedState } from '../../storage/store.js';
import { type PullSummary, pullCollection } from './pull.js';
import { createTaxiiClient } from './taxii-client.js';

/** What a TAXII feed needs besides the main store (runFeed's deps carry it as `taxii`). */
export interface TaxiiFeedDeps {
  readonly knowledge: KnowledgeStore;
  readonly partner: (name: string) => Promise<Partner | undefined>;
}

export async function runTaxiiFeed(feed: FeedDefinition, deps: FeedRunDeps): Promise<FeedRunResult> {
  const src = feed.source;
  if (src.kind !== 'taxii') throw new Error(`${feed.name}: not a TAXII feed`);
  const now = deps.now ?? Date.now;
  const started = now();
  const t0 = performance.now();
  const previous = await deps.store.getFeedState(feed.name);

  let summary: PullSummary | undefined;
  let error: string | undefined;
  let where = `taxii:${src.partner}${src.collection ? `/${src.collection}` : ''}`;
  const fail = (why: string) => {
    error = `${feed.name}: ${why}`;
  };
  const taxii = deps.taxii;
  const partner = taxii ? await taxii.partner(src.partner) : undefined;
  if (!taxii) fail('TAXII feeds need the knowledge and partner stores (the SQLite store)');
  else if (!partner) fail(`no partner named "${src.partner}" (accord partners list)`);
  else if (partner.revokedAt !== undefined)
    fail(`partner ${src.partner} was revoked at ${partner.revokedAt}`);
  else if (!partner.remote) fail(`partner ${src.partner} has no TAXII server of its own on record`);
  else {
    const remote = partner.remote;
    const collection = src.collection ?? remote.pullCollection;
    let host = '';
    try {
      host = normaliseHost(new URL(remote.apiRoot).hostname);
    } catch {
      // createTaxiiClient says what is wrong with the URL
    }
    const client = createTaxiiClient({
      apiRoot: remote.apiRoot,
      auth: remote.auth,
      timeoutMs: feed.timeoutMs,
      retries: feed.retries,
      retryDelayMs: feed.retryDelayMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.random ? { random: deps.random } : {}),
      onRetry: (r) => deps.onRetry?.(feed.name, { attempt: r.attempt, error: r.error, delayMs: r.delayMs }),
    });
    if (!client.ok) fail(`partner ${src.partner}: ${client.error}`);
    else if (!deps.allowHost(host))
      fail(
        `host "${host}" of partner ${src.partner}'s API root is not in allowed_hosts (list it there to let this feed reach it)`,
      );
    else if (collection === undefined)
      fail(
        `which collection of ${src.partner}? set source.taxii.collection (or the partner's pull collection)`,
      );
    else {
      where = client.value.objectsUrl(collection);
      summary = await pullCollection(
        { client: client.value, knowledge: taxii.knowledge, store: deps.store },
        {
          partner: src.partner,
          collection,
          into: src.into ?? partner.inboxCollection,
          ...(deps.now ? { now: deps.now } : {}),
        },
      );
      if (summary.error !== undefined) error = summary.error;
    }
  }

  const status: FeedRunResult['status'] = error === undefined ? 'ok' : 'failed';
  const finished = now();
  const at = (t: number) => new Date(t).toISOString();
  const next = deps.nextRunAt?.(finished);
  const health = runHealth(
    previous,
    feed.name,
    { started, finished, status, error },
    summary ? { read: summary.objects, new: summary.added, quarantined: summary.quarantined } : undefined,
  );
  if (next !== undefined) health.nextRunAt = at(next);
  else delete health.nextRunAt;
  const state = health as unknown as FeedState;
  await deps.store.putFeedState(state);
  const input: InputResult = { source: where, status, ...(error !== undefined ? { error } : {}) };
  return {
    feed: feed.name,
    status,
    startedAt: at(started),
    seconds: (performance.now() - t0) / 1000,
    attempts: 1,
    inputs: [input],
    read: summary?.objects ?? 0,
    new: summary?.added ?? 0,
    folded: summary?.existing ?? 0,
    quarantined: summary?.quarantined ?? 0,
    newObservations: 0,
    ...(error !== undefined ? { error } : {}),
    warnings: summary?.warnings ?? [],
    health: state,
  };
}
