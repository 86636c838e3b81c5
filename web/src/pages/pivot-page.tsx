/**
 * Everything Accord knows about an IP, CIDR, ASN, domain or malware family: owner and contacts,
 * geolocation, warninglist hits, the feeds that reported it, observations, the domestic hosts that
 * talk to it (a C2) or the C2s it talks to (a host), sample events, and the STIX objects this user
 * may see.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { apiUrl } from '../api/client';
import type { Listed, PivotResult } from '../api/types';
import { useApi } from '../api/use-api';
import { type Column, DataTable, flatten, type Row } from '../components/data-table';
import { Empty, ErrorBox, Loading } from '../components/status';
import { countryName } from '../lib/country-name';
import { formatInt } from '../lib/format';
import { Link, navigate, useLocation } from '../router/router';

const EXAMPLES = ['AS4134', 'emotet', '8.8.8.8', '198.51.100.0/24', 'example.com'];

const OBSERVATION_COLUMNS: readonly Column[] = [
  ['day', 'Day'],
  ['type', 'Type'],
  ['source', 'Source'],
  ['src.cc', 'CC'],
  ['src.asn', 'AS'],
  ['destinationIp', 'Destination'],
  ['destinationPort', 'Port'],
  ['dst.cc', 'CC'],
  ['dst.asn', 'AS'],
  ['malware', 'Family'],
  ['count', 'Events'],
  ['feed', 'Feed'],
];

const EVENT_COLUMNS: readonly Column[] = [
  ['seenAt', 'Seen'],
  ['feed', 'Feed'],
  ['event.classification.type', 'Type'],
  ['event.source.ip', 'Source'],
  ['event.source.port', 'Port'],
  ['event.destination.ip', 'Destination'],
  ['event.destination.port', 'Port'],
  ['event.protocol.transport', 'Proto'],
  ['event.malware.name', 'Family'],
  ['event.source.fqdn', 'Domain'],
];

/** The given columns that some row has (API fields can be absent), else every column. */
function present(rows: readonly Row[], columns: readonly Column[]): readonly Column[] | undefined {
  const flat = rows.map(flatten);
  const kept = columns.filter((c) => {
    const key = typeof c === 'string' ? c : c[0];
    return flat.some((r) => r[key] !== undefined && r[key] !== null && r[key] !== '');
  });
  return kept.length >= 3 ? kept : undefined;
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['name', 'email', 'value', 'id']) if (typeof o[k] === 'string') return o[k] as string;
    return JSON.stringify(v);
  }
  return String(v);
}

function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined || v === '') return [];
  if (typeof v === 'object' && 'items' in (v as object)) return listOf((v as { items: unknown }).items);
  return [v];
}

function Contacts({ contacts }: { readonly contacts: unknown }) {
  const list = listOf(contacts);
  if (list.length === 0) return <span className="muted">no contact on record</span>;
  return (
    <ul className="plain">
      {list.map((c) => {
        const o = typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : undefined;
        const email =
          typeof o?.email === 'string' ? o.email : typeof c === 'string' && c.includes('@') ? c : undefined;
        const label = text(c);
        return (
          <li key={label}>
            {email ? <a href={`mailto:${email}`}>{label}</a> : label}
            {o && typeof o.role === 'string' ? <span className="muted"> ({o.role})</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

function Section({
  title,
  listed,
  testid,
  empty,
  columns,
}: {
  readonly title: string;
  readonly listed: Listed | readonly Row[] | null | undefined;
  readonly testid: string;
  readonly empty: string;
  readonly columns?: readonly Column[];
}) {
  if (listed === null || listed === undefined) return null;
  const items = (Array.isArray(listed) ? listed : (listed as Listed).items) as readonly Row[];
  const total = Array.isArray(listed) ? items.length : (listed as Listed).total;
  return (
    <section className="panel">
      <header className="panel-head">
        <h2>{title}</h2>
        <p className="muted small">
          {total > items.length ? `${formatInt(items.length)} of ${formatInt(total)}` : formatInt(total)}
        </p>
      </header>
      {items.length === 0 ? (
        <div data-testid={testid}>
          <Empty>{empty}</Empty>
        </div>
      ) : (
        <DataTable
          rows={items}
          testid={testid}
          {...(columns ? { columns: present(items, columns) ?? columns } : {})}
        />
      )}
    </section>
  );
}

function stixLabel(o: Record<string, unknown>): string {
  return text(o.name ?? o.value ?? o.pattern ?? o.id);
}

function PivotView({ r }: { readonly r: PivotResult }) {
  const warninglists = listOf(r.warninglists);
  const feeds = r.feeds ?? [];
  const events = r.events;
  const total = (l: Listed | null | undefined) => l?.total ?? 0;
  // A C2 has hosts, a host has C2s; show the empty one only when neither has any.
  const showHosts = r.hosts != null && (total(r.hosts) > 0 || total(r.c2s) === 0);
  const showC2s = r.c2s != null && (total(r.c2s) > 0 || r.hosts == null);
  return (
    <div className="pivot-result">
      <div className="cards">
        {r.kind === 'family' ? null : (
          <section className="panel">
            <h2>Owner</h2>
            {r.owner ? (
              <>
                <p className="big">{r.owner.name ?? r.owner.org ?? 'unnamed'}</p>
                {r.owner.org && r.owner.name ? (
                  <p className="muted small">organisation {r.owner.org}</p>
                ) : null}
                <Contacts contacts={r.owner.contacts} />
              </>
            ) : (
              <Empty>Not in the constituency.</Empty>
            )}
          </section>
        )}
        {r.kind === 'family' ? null : (
          <section className="panel">
            <h2>Network</h2>
            {r.geo ? (
              <dl className="facts">
                <dt>Country</dt>
                <dd>{r.geo.cc ? `${countryName(r.geo.cc)} (${r.geo.cc})` : '—'}</dd>
                <dt>AS</dt>
                <dd>
                  {r.geo.asn !== null && r.geo.asn !== undefined ? (
                    <Link to={`/pivot?q=AS${String(r.geo.asn).replace(/^AS/i, '')}`}>
                      AS{String(r.geo.asn).replace(/^AS/i, '')}
                    </Link>
                  ) : (
                    '—'
                  )}
                  {r.geo.asName ? <span className="muted"> {r.geo.asName}</span> : null}
                </dd>
              </dl>
            ) : (
              <Empty>No geolocation.</Empty>
            )}
          </section>
        )}
        <section className="panel">
          <h2>Warninglists</h2>
          {warninglists.length === 0 ? (
            <p className="muted">On no warninglist.</p>
          ) : (
            <ul className="plain" data-testid="pivot-warninglists">
              {warninglists.map((w) => (
                <li key={text(w)}>
                  <span className="badge badge-warn">warninglist</span> {text(w)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel">
          <h2>Reported by</h2>
          {feeds.length === 0 ? (
            <p className="muted">No feed reported it.</p>
          ) : (
            <ul className="plain" data-testid="pivot-feeds">
              {feeds.map((f) => (
                <li key={f.feed}>
                  <strong>{f.feed}</strong> <span className="muted">{formatInt(f.count)} events</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {showHosts ? (
        <Section
          title={r.kind === 'family' ? 'Domestic hosts infected with it' : 'Domestic hosts talking to it'}
          listed={r.hosts}
          testid="pivot-hosts"
          empty="No domestic host was seen talking to it."
        />
      ) : null}
      {showC2s ? (
        <Section
          title={r.kind === 'family' ? 'Its C2 servers' : 'C2 servers it talks to'}
          listed={r.c2s}
          testid="pivot-c2s"
          empty="No C2 seen."
        />
      ) : null}
      <Section
        title="Observations"
        listed={r.observations}
        testid="pivot-observations"
        empty="No observations."
        columns={OBSERVATION_COLUMNS}
      />
      <Section
        title="Events (sample)"
        listed={events}
        testid="pivot-events"
        empty="No events."
        columns={EVENT_COLUMNS}
      />

      <section className="panel">
        <header className="panel-head">
          <h2>Knowledge objects (STIX)</h2>
          <p className="muted small">Only what your role may see under TLP.</p>
        </header>
        {r.stix.length === 0 ? (
          <Empty>No STIX objects released to you.</Empty>
        ) : (
          <ul className="stix-list" data-testid="pivot-stix">
            {r.stix.map((o) => (
              <li key={text(o.id)}>
                <details>
                  <summary>
                    <span className="badge">{text(o.type)}</span> {stixLabel(o)}
                  </summary>
                  <pre className="raw">{JSON.stringify(o, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export default function PivotPage() {
  const { query } = useLocation();
  const q = query.get('q')?.trim() ?? '';
  const [input, setInput] = useState(q);
  useEffect(() => setInput(q), [q]);
  const result = useApi<PivotResult>(q === '' ? null : apiUrl('/api/v1/pivot', { q }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    if (v !== '') navigate(`/pivot?q=${encodeURIComponent(v)}`);
  };

  return (
    <div className="page pivot">
      <div className="page-head">
        <h1>Pivot</h1>
      </div>
      <form className="pivot-form" onSubmit={submit}>
        <label className="sr-only" htmlFor="pivot-q">
          IP, CIDR, ASN, domain or family
        </label>
        <input
          id="pivot-q"
          data-testid="pivot-input"
          className="pivot-input"
          placeholder="IP, CIDR, ASN (AS123), domain or malware family"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="button button-primary" data-testid="pivot-submit">
          Pivot
        </button>
      </form>
      {q === '' ? (
        <Empty>
          Enter something to look up, for example{' '}
          {EXAMPLES.map((x, i) => (
            <span key={x}>
              {i > 0 ? ', ' : ''}
              <Link to={`/pivot?q=${encodeURIComponent(x)}`}>{x}</Link>
            </span>
          ))}
          .
        </Empty>
      ) : result.state === 'error' ? (
        <ErrorBox error={result.error} onRetry={result.reload} />
      ) : result.state === 'loading' ? (
        <Loading what={`Looking up ${q}`} />
      ) : (
        <>
          <p className="pivot-summary">
            <span className="badge">{result.data.kind}</span> <strong>{result.data.query}</strong>
          </p>
          <PivotView r={result.data} />
        </>
      )}
    </div>
  );
}
