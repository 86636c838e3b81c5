/**
 * `accord feeds list | run | watch`: the feeds declared in accord.yaml (src/config/), run now or
 * on their schedules, with their health kept in the store.
 */

import { availableParallelism } from 'node:os';
import type { AccordConfig } from '../../config/accord-config.js';
import type { FeedDefinition } from '../../feeds/feed-definition.js';
import type { FeedRunDeps, FeedRunResult } from '../../feeds/run-feed.js';
import type { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import type { FeedState, Store } from '../../storage/store.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { int, oneLine, seconds } from '../format.js';
import { boundHeapGrowth } from '../heap-budget.js';
import { createReporter, type Reporter } from '../reporter.js';
import { DEFAULT_DB, openStore } from '../store-path.js';
import { QUARANTINE_LOG_CAP } from './ingest.js';

export interface FeedsOptions {
  readonly config?: string;
  readonly db?: string;
  readonly json?: boolean;
  /** Threads per large file (feeds run/watch --workers). */
  readonly workers?: number;
}

async function config(o: FeedsOptions): Promise<AccordConfig> {
  const { configPath, loadConfig } = await import('../../config/load-config.js');
  const r = await loadConfig(configPath(o.config));
  if (!r.ok) throw new CliError(r.error.join('\n'), EXIT.usage);
  return r.value;
}

/** --db, else ACCORD_DB, else store.db of the config, else ./data/accord.db. */
function db(o: FeedsOptions, c: AccordConfig): string {
  return o.db ?? (process.env.ACCORD_DB || c.store.db || DEFAULT_DB);
}

const sourceText = (f: FeedDefinition) =>
  f.source.kind === 'url'
    ? f.source.url
    : f.source.kind === 'taxii'
      ? `taxii: ${f.source.partner}${f.source.collection ? ` ${f.source.collection}` : ''}`
      : f.source.pattern;

function feedJson(f: FeedDefinition, h: FeedState | undefined): Record<string, unknown> {
  return {
    name: f.name,
    ...(f.provider !== undefined ? { provider: f.provider } : {}),
    format: f.format ?? null,
    source: sourceText(f),
    schedule: f.schedule?.text ?? null,
    enabled: f.enabled,
    ...(f.tlp !== undefined ? { tlp: f.tlp } : {}),
    health: h ? (({ feed: _, ...rest }) => rest)(h) : null,
  };
}

const when = (iso: string | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z').replace('T', ' ') : '-');

export async function feedsList(o: FeedsOptions): Promise<ExitCode> {
  const c = await config(o);
  const path = db(o, c);
  const { existsSync } = await import('node:fs');
  const health = new Map<string, FeedState>();
  if (path === ':memory:' || existsSync(path)) {
    const store = await openStore(path, true);
    try {
      for (const s of await store.listFeedStates()) health.set(s.feed, s);
    } finally {
      await store.close();
    }
  }
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ config: c.file, db: path, feeds: c.feeds.map((f) => feedJson(f, health.get(f.name))) })}\n`,
    );
    return EXIT.ok;
  }
  if (c.feeds.length === 0) {
    process.stdout.write(`no feeds in ${c.file}\n`);
    return EXIT.ok;
  }
  const rows = c.feeds.map((f) => {
    const h = health.get(f.name);
    const status = !f.enabled ? 'disabled' : (h?.lastStatus ?? 'never run');
    const counts = h?.lastRead !== undefined ? `${int(h.lastRead)}/${int(h.lastQuarantined ?? 0)}` : '-';
    return [
      f.name,
      f.format ?? (f.source.kind === 'taxii' ? 'stix' : '(detect)'),
      f.schedule?.text ?? '(manual)',
      status,
      when(h?.lastSuccessAt),
      counts,
      when(h?.nextRunAt),
      sourceText(f),
    ];
  });
  const head = ['feed', 'format', 'schedule', 'last run', 'last success', 'read/quar.', 'next run', 'source'];
  const w = head.map((x, i) => Math.max(x.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]) =>
    r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(w[i] as number))).join('  ');
  const out = [line(head), ...rows.map(line)];
  for (const f of c.feeds) {
    const h = health.get(f.name);
    if (h?.lastError && h.lastStatus === 'failed')
      out.push(
        `${f.name}: last error ${when(h.lastErrorAt)}${h.failures ? ` (${h.failures} failed run(s) in a row)` : ''}: ${oneLine(h.lastError, 200)}`,
      );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}

/** The knowledge and partner stores TAXII feeds pull with, in the same SQLite file. */
async function taxiiDeps(store: SqliteStore): Promise<NonNullable<FeedRunDeps['taxii']>> {
  const [{ SqliteKnowledgeStore }, { SqlitePartnerStore }] = await Promise.all([
    import('../../storage/knowledge/sqlite-knowledge-store.js'),
    import('../../storage/partners/sqlite-partner-store.js'),
  ]);
  const partners = new SqlitePartnerStore(store.db);
  return { knowledge: new SqliteKnowledgeStore(store.db), partner: (name) => partners.get(name) };
}

interface Runtime {
  readonly config: AccordConfig;
  readonly store: Store;
  readonly path: string;
  readonly reporter: Reporter;
  readonly deps: Omit<FeedRunDeps, 'signal' | 'nextRunAt'>;
}

async function runtime(o: FeedsOptions, c: AccordConfig): Promise<Runtime> {
  const reporter = await createReporter({ quiet: o.json === true });
  const path = db(o, c);
  const store = await openStore(path, false);
  const [{ loadEnrichers }, { hostAllowed }] = await Promise.all([
    import('../../config/load-enrichers.js'),
    import('../../feeds/allowed-hosts.js'),
  ]);
  if (c.enrichment.length > 0) reporter.info(`loading ${c.enrichment.length} enricher(s)`);
  const enrichers = await loadEnrichers(c);
  for (const w of enrichers.warnings) reporter.warn(w);
  const logged = new Map<string, number>();
  return {
    config: c,
    store,
    path,
    reporter,
    deps: {
      store,
      allowHost: (h) => hostAllowed(c.allowedHosts, h),
      enrichers: enrichers.instances,
      enricherSpecs: enrichers.specs,
      workers: o.workers ?? Math.min(2, availableParallelism()),
      ...(c.feeds.some((f) => f.source.kind === 'taxii') ? { taxii: await taxiiDeps(store) } : {}),
      onProgress: (_, p) => reporter.progress(p),
      onQuarantine: (feed, q) => {
        const n = logged.get(feed) ?? 0;
        logged.set(feed, n + 1);
        if (n < QUARANTINE_LOG_CAP)
          reporter.warn(`${feed}: ${q.source}:${q.line}: ${q.reason}`, {
            feed,
            file: q.source,
            line: q.line,
          });
        else if (n === QUARANTINE_LOG_CAP)
          reporter.warn(
            `${feed}: more quarantined records; see accord quarantine list --feed ${JSON.stringify(feed)}`,
          );
      },
      onRetry: (feed, r) =>
        reporter.warn(
          `${feed}: try ${r.attempt} failed (${r.error}); trying again in ${(r.delayMs / 1000).toFixed(1)} s`,
          { feed, ...r },
        ),
    },
  };
}

function resultLine(r: FeedRunResult): string {
  if (r.status === 'not-modified') return `${r.feed}: not modified since the last run (nothing read)`;
  const counts = `read ${int(r.read)}, new ${int(r.new)}, folded ${int(r.folded)}, quarantined ${int(r.quarantined)}, ${seconds(r.seconds)}`;
  const files = r.inputs.length > 1 ? ` from ${r.inputs.length} inputs` : '';
  if (r.status === 'ok') return `${r.feed}: ok: ${counts}${files}`;
  return `${r.feed}: FAILED${r.attempts > 1 ? ` after ${r.attempts} tries` : ''}: ${r.error}${r.read > 0 ? ` (kept: ${counts})` : ''}`;
}

export function resultJson(r: FeedRunResult): Record<string, unknown> {
  return {
    feed: r.feed,
    status: r.status,
    startedAt: r.startedAt,
    seconds: Number(r.seconds.toFixed(3)),
    attempts: r.attempts,
    read: r.read,
    new: r.new,
    folded: r.folded,
    quarantined: r.quarantined,
    newObservations: r.newObservations,
    ...(r.error !== undefined ? { error: r.error } : {}),
    warnings: r.warnings,
    inputs: r.inputs.map((i) => ({
      source: i.source,
      status: i.status,
      ...(i.error ? { error: i.error } : {}),
      ...(i.summary
        ? {
            format: i.summary.format,
            read: i.summary.read,
            new: i.summary.new,
            folded: i.summary.folded,
            quarantined: i.summary.quarantined,
          }
        : {}),
    })),
  };
}

export async function feedsRun(names: readonly string[], o: FeedsOptions): Promise<ExitCode> {
  boundHeapGrowth();
  const c = await config(o);
  for (const n of names)
    if (!c.feeds.some((f) => f.name === n))
      throw new CliError(
        `no feed named "${n}" in ${c.file}${c.feeds.length ? ` (feeds: ${c.feeds.map((f) => f.name).join(', ')})` : ''}`,
        EXIT.usage,
      );
  // Named feeds run even when disabled (that is what naming them asks); otherwise enabled ones.
  const feeds =
    names.length > 0 ? c.feeds.filter((f) => names.includes(f.name)) : c.feeds.filter((f) => f.enabled);
  const rt = await runtime(o, c);
  const { runFeed } = await import('../../feeds/run-feed.js');
  const results: FeedRunResult[] = [];
  const stop = new AbortController();
  const onSignal = () => {
    rt.reporter.warn('stopping: the current input ends cleanly, no further feed is run (again to force)');
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    for (const f of feeds) {
      if (stop.signal.aborted) break;
      rt.reporter.info(`${f.name}: reading ${sourceText(f)}`, { feed: f.name });
      const r = await runFeed(f, { ...rt.deps, signal: stop.signal });
      rt.reporter.done();
      results.push(r);
      if (!o.json) process.stdout.write(`${resultLine(r)}\n`);
      for (const w of r.warnings) rt.reporter.warn(`${f.name}: ${w}`);
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await rt.store.close();
  }
  const failed = results.filter((r) => r.status === 'failed').length;
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({
        config: c.file,
        db: rt.path,
        ok: results.length - failed,
        failed,
        feeds: results.map(resultJson),
      })}\n`,
    );
  else if (results.length === 0) process.stdout.write(`no enabled feeds in ${c.file}\n`);
  return failed > 0 || stop.signal.aborted ? EXIT.input : EXIT.ok;
}

export interface WatchOptions extends FeedsOptions {
  /** Seconds runs under way get to finish at shutdown. */
  readonly grace?: number;
  readonly maxParallel?: number;
  /** Stop after this long (a duration), e.g. to try a config out. */
  readonly for?: string;
}

export async function feedsWatch(o: WatchOptions): Promise<ExitCode> {
  boundHeapGrowth();
  const c = await config(o);
  const { parseDuration } = await import('../../config/units.js');
  let forMs: number | undefined;
  if (o.for !== undefined) {
    const d = parseDuration(o.for);
    if (!d.ok) throw new CliError(`--for: ${d.error}`, EXIT.usage);
    forMs = d.value;
  }
  const scheduled = c.feeds.filter((f) => f.enabled && f.schedule);
  if (scheduled.length === 0)
    throw new CliError(
      `no enabled feed in ${c.file} has a schedule (add e.g. schedule: every 1h)`,
      EXIT.usage,
    );
  const rt = await runtime(o, c);
  const [{ Scheduler }, { runFeed }] = await Promise.all([
    import('../../feeds/scheduler.js'),
    import('../../feeds/run-feed.js'),
  ]);
  const scheduler = new Scheduler({
    feeds: scheduled,
    store: rt.store,
    ...(o.maxParallel ? { maxParallel: o.maxParallel } : {}),
    run: (f, req) => runFeed(f, { ...rt.deps, signal: req.signal, nextRunAt: req.nextRunAt }),
    onResult: (r) => {
      rt.reporter.done();
      const fields = {
        feed: r.feed,
        status: r.status,
        read: r.read,
        new: r.new,
        quarantined: r.quarantined,
        next: r.health.nextRunAt,
      };
      const next = r.health.nextRunAt ? `; next run ${when(r.health.nextRunAt)}` : '';
      if (o.json)
        process.stdout.write(
          `${JSON.stringify({ ...resultJson(r), nextRunAt: r.health.nextRunAt ?? null })}\n`,
        );
      if (r.status === 'failed') rt.reporter.error(`${resultLine(r)}${next}`, fields);
      else rt.reporter.info(`${resultLine(r)}${next}`, fields);
    },
    onError: (feed, e) => rt.reporter.error(`${feed}: internal error: ${(e as Error)?.stack ?? String(e)}`),
  });
  const grace = (o.grace ?? 30) * 1000;
  let stopping: Promise<void> | undefined;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const stop = (why: string, graceMs: number) => {
    rt.reporter.info(
      `${why}: stopping${graceMs > 0 ? ` (runs under way get ${graceMs / 1000} s to finish; again to stop them now)` : ''}`,
    );
    const s = scheduler.stop(graceMs);
    stopping ??= s.then(done);
  };
  const onSignal = (sig: NodeJS.Signals) => stop(sig, stopping ? 0 : grace);
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const timer =
    forMs !== undefined ? setTimeout(() => stop(`--for ${o.for} elapsed`, grace), forMs) : undefined;
  rt.reporter.info(
    `watching ${scheduled.length} feed(s): ${scheduled.map((f) => `${f.name} (${f.schedule?.text})`).join(', ')}; store ${rt.path}; Ctrl-C to stop`,
  );
  try {
    scheduler.start();
    await finished;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await rt.store.close();
  }
  rt.reporter.info('stopped');
  return EXIT.ok;
}
