/**
 * Feed health (last run, result, failures, counts, next run), "run now" for analysts, and the
 * quarantine: records that could not become events, with the reason and the raw line.
 */
import { useEffect, useState } from 'react';
import { apiGet, apiPost, apiUrl, errorMessage } from '../api/client';
import type { FeedItem, Page, QuarantineItem } from '../api/types';
import { useApi } from '../api/use-api';
import { roleAllows, useUser } from '../auth/auth';
import { Empty, ErrorBox, Loading } from '../components/status';
import { formatInt, formatTime } from '../lib/format';

function statusOf(f: FeedItem): { label: string; tone: string } {
  const h = f.health;
  if (f.running || h?.running) return { label: 'running', tone: 'info' };
  if (f.configured === false) return { label: 'no longer configured', tone: 'muted' };
  if (f.enabled === false) return { label: 'disabled', tone: 'muted' };
  if (!h?.lastStatus) return { label: 'never run', tone: 'muted' };
  if (h.lastStatus === 'failed')
    return { label: `failed${h.failures && h.failures > 1 ? ` ×${h.failures}` : ''}`, tone: 'bad' };
  if (h.lastStatus === 'not-modified') return { label: 'not modified', tone: 'good' };
  return { label: h.lastStatus, tone: h.lastStatus === 'ok' ? 'good' : 'muted' };
}

/** "every 1h" as it is; a cron line or @daily prefixed; no schedule: runs only when asked. */
function scheduleText(schedule: string | null | undefined): string {
  if (!schedule) return 'manual';
  return /^every\b/i.test(schedule) ? schedule : `schedule ${schedule}`;
}

function sourceText(source: unknown): string {
  if (source === null || source === undefined) return '';
  if (typeof source === 'string') return source;
  if (typeof source === 'object') {
    const o = source as Record<string, unknown>;
    for (const k of ['url', 'path', 'file', 'dir']) if (typeof o[k] === 'string') return o[k] as string;
    if (o.taxii && typeof o.taxii === 'object')
      return `TAXII ${String((o.taxii as Record<string, unknown>).apiRoot ?? '')}`;
    return JSON.stringify(source);
  }
  return String(source);
}

function RunButton({ feed, onStarted }: { readonly feed: string; readonly onStarted: () => void }) {
  const [state, setState] = useState<
    { s: 'idle' } | { s: 'busy' } | { s: 'done'; msg: string } | { s: 'error'; msg: string }
  >({
    s: 'idle',
  });
  const run = async () => {
    setState({ s: 'busy' });
    try {
      const r = await apiPost<Record<string, unknown> | undefined>(
        `/api/v1/feeds/${encodeURIComponent(feed)}/run`,
      );
      const msg =
        r && typeof r.read === 'number'
          ? `read ${formatInt(r.read)}, new ${formatInt(Number(r.new ?? r.newEvents ?? 0))}`
          : 'started';
      setState({ s: 'done', msg });
      onStarted();
    } catch (e) {
      setState({ s: 'error', msg: errorMessage(e) });
    }
  };
  return (
    <div className="run-cell">
      <button
        type="button"
        className="button button-small"
        onClick={() => void run()}
        disabled={state.s === 'busy'}
        data-testid={`feed-run-${feed}`}
      >
        {state.s === 'busy' ? 'Starting…' : 'Run now'}
      </button>
      {state.s === 'done' ? <span className="small tone-good"> {state.msg}</span> : null}
      {state.s === 'error' ? (
        <span className="small tone-bad" role="alert">
          {' '}
          {state.msg}
        </span>
      ) : null}
    </div>
  );
}

function FeedsTable({
  feeds,
  canRun,
  reload,
}: {
  readonly feeds: readonly FeedItem[];
  readonly canRun: boolean;
  readonly reload: () => void;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="feeds-table">
        <thead>
          <tr>
            <th scope="col">Feed</th>
            <th scope="col">Status</th>
            <th scope="col">Last run</th>
            <th scope="col">Last success</th>
            <th scope="col" className="num">
              Read
            </th>
            <th scope="col" className="num">
              New
            </th>
            <th scope="col" className="num">
              Quarantined
            </th>
            <th scope="col">Next run</th>
            {canRun ? <th scope="col">Run</th> : null}
          </tr>
        </thead>
        <tbody>
          {feeds.map((f) => {
            const st = statusOf(f);
            const h = f.health ?? {};
            return (
              <tr key={f.name} data-testid={`feed-row-${f.name}`}>
                <td>
                  <strong>{f.name}</strong>
                  <div className="muted small">
                    {[
                      f.provider,
                      f.format,
                      scheduleText(f.schedule),
                      f.tlp ? `TLP:${f.tlp.replace(/^TLP:/i, '')}` : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </div>
                  <div className="muted small ellipsis" title={sourceText(f.source)}>
                    {sourceText(f.source)}
                  </div>
                </td>
                <td>
                  <span className={`badge badge-${st.tone}`}>{st.label}</span>
                  {h.lastError ? (
                    <div className="small tone-bad" title={h.lastError}>
                      {h.lastError}
                    </div>
                  ) : null}
                </td>
                <td>{formatTime(h.lastRunAt)}</td>
                <td>{formatTime(h.lastSuccessAt)}</td>
                <td className="num">{h.lastRead === undefined ? '—' : formatInt(h.lastRead)}</td>
                <td className="num">{h.lastNew === undefined ? '—' : formatInt(h.lastNew)}</td>
                <td className="num">
                  {h.lastQuarantined === undefined ? '—' : formatInt(h.lastQuarantined)}
                </td>
                <td>{formatTime(h.nextRunAt)}</td>
                {canRun ? (
                  <td>
                    {f.configured === false ? (
                      <span className="muted small">not in the config</span>
                    ) : (
                      <RunButton feed={f.name} onStarted={() => window.setTimeout(reload, 1500)} />
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function QuarantineDetail({ id }: { readonly id: string }) {
  const r = useApi<QuarantineItem>(`/api/v1/quarantine/${encodeURIComponent(id)}`);
  if (r.state === 'loading') return <Loading what="Loading the raw record" />;
  if (r.state === 'error') return <ErrorBox error={r.error} onRetry={r.reload} />;
  const q = r.data;
  return (
    <div className="quarantine-detail">
      <p className="small muted">
        {q.source}
        {q.line > 0 ? `:${q.line}` : ''} · {q.format} · id {q.id}
      </p>
      <pre className="raw" data-testid="quarantine-raw">
        {q.raw ?? ''}
      </pre>
      {q.hex || q.base64 || q.bytes ? (
        <p className="small muted">Not valid UTF-8; exact bytes: {q.base64 ?? q.bytes ?? q.hex}</p>
      ) : null}
    </div>
  );
}

function Quarantine({ feeds }: { readonly feeds: readonly string[] }) {
  const [feed, setFeed] = useState('');
  const [pages, setPages] = useState<QuarantineItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ok' | 'more'>('loading');
  const [error, setError] = useState<unknown>(undefined);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick reloads
  useEffect(() => {
    const controller = new AbortController();
    setState('loading');
    setError(undefined);
    apiGet<Page<QuarantineItem>>(
      apiUrl('/api/v1/quarantine', { feed, limit: 50 }),
      undefined,
      controller.signal,
    ).then(
      (p) => {
        setPages([...p.items]);
        setNext(p.next);
        setState('ok');
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e);
        setState('ok');
      },
    );
    return () => controller.abort();
  }, [feed, tick]);

  const more = async () => {
    if (next === null) return;
    setState('more');
    try {
      const p = await apiGet<Page<QuarantineItem>>(
        apiUrl('/api/v1/quarantine', { feed, limit: 50, cursor: next }),
      );
      setPages((old) => [...old, ...p.items]);
      setNext(p.next);
    } catch (e) {
      setError(e);
    }
    setState('ok');
  };

  return (
    <section className="panel">
      <header className="panel-head panel-head-row">
        <div>
          <h2>Quarantine</h2>
          <p className="muted small">
            Records that could not become events, kept with the reason and the raw text.
          </p>
        </div>
        <label className="inline-field">
          <span>Feed</span>
          <select value={feed} onChange={(e) => setFeed(e.target.value)} data-testid="quarantine-feed">
            <option value="">all feeds</option>
            {feeds.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
      </header>
      {error !== undefined ? <ErrorBox error={error} onRetry={() => setTick((t) => t + 1)} /> : null}
      {state === 'loading' ? (
        <Loading what="Loading the quarantine" />
      ) : pages.length === 0 && error === undefined ? (
        <Empty>Nothing in quarantine{feed ? ` for ${feed}` : ''}.</Empty>
      ) : (
        <ul className="quarantine-list" data-testid="quarantine-list">
          {pages.map((q) => (
            <li key={q.id} className={open === q.id ? 'open' : undefined}>
              <button
                type="button"
                className="quarantine-row"
                aria-expanded={open === q.id}
                onClick={() => setOpen(open === q.id ? undefined : q.id)}
              >
                <span className="q-time">{formatTime(q.at)}</span>
                <span className="q-feed">{q.feed}</span>
                <span className="q-where" title={q.source}>
                  {q.source.split('/').pop()}
                  {q.line > 0 ? `:${q.line}` : ''}
                </span>
                <span className="q-reason">
                  {q.field ? <code>{q.field}</code> : null} {q.reason}
                </span>
              </button>
              {open === q.id ? <QuarantineDetail id={q.id} /> : null}
            </li>
          ))}
        </ul>
      )}
      {next !== null && state !== 'loading' ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => void more()}
          disabled={state === 'more'}
        >
          {state === 'more' ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </section>
  );
}

export default function FeedsPage() {
  const user = useUser();
  const analyst = roleAllows(user.role, 'analyst');
  const feeds = useApi<{ items: readonly FeedItem[] }>('/api/v1/feeds');

  return (
    <div className="page feeds">
      <div className="page-head">
        <h1>Feeds</h1>
        <button type="button" className="button button-small" onClick={feeds.reload}>
          Refresh
        </button>
      </div>
      <section className="panel">
        <header className="panel-head">
          <h2>Health</h2>
        </header>
        {feeds.state === 'error' ? (
          <ErrorBox error={feeds.error} onRetry={feeds.reload} />
        ) : feeds.data === undefined ? (
          <Loading what="Loading the feeds" />
        ) : feeds.data.items.length === 0 ? (
          <Empty>
            No feeds known yet: they come from the configuration accord serve was started with (see
            docs/configuration.md), and a feed's health shows after its first run.
          </Empty>
        ) : (
          <FeedsTable feeds={feeds.data.items} canRun={analyst} reload={feeds.reload} />
        )}
      </section>
      {analyst ? (
        <Quarantine feeds={feeds.data?.items.map((f) => f.name) ?? []} />
      ) : (
        <section className="panel">
          <h2>Quarantine</h2>
          <p className="muted">The quarantine (raw records) is for analysts and administrators.</p>
        </section>
      )}
    </div>
  );
}
