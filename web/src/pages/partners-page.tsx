/**
 * Partner CERTs (administrators only): each partner, its sharing agreement, and what we shared
 * with it and received from it, by TLP.
 */
import { useState } from 'react';
import type { PartnerItem, TlpCounts } from '../api/types';
import { isForbidden, useApi } from '../api/use-api';
import { roleAllows, useUser } from '../auth/auth';
import { Empty, ErrorBox, Loading, NotAllowed } from '../components/status';
import { countryName } from '../lib/country-name';
import { formatDay, formatInt } from '../lib/format';

const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'] as const;
/** Shown only when something was counted there (RED never leaves; unmarked: no TLP marking). */
const RARE = ['RED', 'unmarked'] as const;

function unwrap(p: PartnerItem | { partner: PartnerItem; balance?: PartnerItem['balance'] }): PartnerItem {
  if ('partner' in p && p.partner) return { ...p.partner, ...(p.balance ? { balance: p.balance } : {}) };
  return p as PartnerItem;
}

function balanceOf(p: PartnerItem): { shared?: TlpCounts; received?: TlpCounts } | undefined {
  if (p.exchange) return p.exchange;
  if (p.balance) return p.balance;
  if (p.shared || p.received)
    return { ...(p.shared ? { shared: p.shared } : {}), ...(p.received ? { received: p.received } : {}) };
  return undefined;
}

function Balance({ balance }: { readonly balance: { shared?: TlpCounts; received?: TlpCounts } }) {
  const columns: string[] = [
    ...TLPS,
    ...RARE.filter((t) => (balance.shared?.[t] ?? 0) > 0 || (balance.received?.[t] ?? 0) > 0),
  ];
  return (
    <table className="table table-compact balance">
      <thead>
        <tr>
          <th scope="col">Objects</th>
          {columns.map((t) => (
            <th key={t} scope="col" className="num">
              {t === 'unmarked' ? (
                <span className="badge">unmarked</span>
              ) : (
                <span className={`tlp tlp-${t.toLowerCase().replace('+', '-')}`}>TLP:{t}</span>
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(['shared', 'received'] as const).map((dir) => (
          <tr key={dir}>
            <th scope="row">{dir === 'shared' ? 'Shared with them' : 'Received from them'}</th>
            {columns.map((t) => (
              <td key={t} className="num">
                {formatInt(balance[dir]?.[t] ?? 0)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PartnerBalance({ name }: { readonly name: string }) {
  const r = useApi<PartnerItem | { partner: PartnerItem; balance?: PartnerItem['balance'] }>(
    `/api/v1/partners/${encodeURIComponent(name)}`,
  );
  if (r.state === 'loading') return <Loading what="Loading the exchange balance" />;
  if (r.state === 'error') return <ErrorBox error={r.error} onRetry={r.reload} />;
  const b = balanceOf(unwrap(r.data));
  return b ? <Balance balance={b} /> : <p className="muted">No exchange recorded.</p>;
}

function PartnerCard({ p }: { readonly p: PartnerItem }) {
  const a = p.agreement ?? {};
  const b = balanceOf(p);
  return (
    <article className="panel partner" data-testid={`partner-${p.name}`}>
      <header className="panel-head panel-head-row">
        <div>
          <h2>
            {p.name}{' '}
            {p.revokedAt ? (
              <span className="badge badge-bad">revoked {formatDay(p.revokedAt.slice(0, 10))}</span>
            ) : null}
          </h2>
          <p className="muted small">
            {p.country ? `${countryName(p.country)} (${p.country})` : 'country unknown'}
            {p.createdAt ? ` · partner since ${formatDay(p.createdAt.slice(0, 10))}` : ''}
          </p>
        </div>
        {a.maxTlp ? (
          <span className={`tlp tlp-${a.maxTlp.replace(/^TLP:/i, '').toLowerCase().replace('+', '-')}`}>
            up to TLP:{a.maxTlp.replace(/^TLP:/i, '')}
          </span>
        ) : null}
      </header>
      <dl className="facts">
        <dt>Shares onward</dt>
        <dd>{a.mayShareOnward === undefined ? '—' : a.mayShareOnward ? 'yes (a redistributor)' : 'no'}</dd>
        <dt>Reads</dt>
        <dd>{a.read && a.read.length > 0 ? a.read.join(', ') : 'its inbox only'}</dd>
        <dt>Writes</dt>
        <dd>{a.write && a.write.length > 0 ? a.write.join(', ') : 'its inbox only'}</dd>
        {a.includeTypes && a.includeTypes.length > 0 ? (
          <>
            <dt>Only types</dt>
            <dd>{a.includeTypes.join(', ')}</dd>
          </>
        ) : null}
        {a.excludeTypes && a.excludeTypes.length > 0 ? (
          <>
            <dt>Never types</dt>
            <dd>{a.excludeTypes.join(', ')}</dd>
          </>
        ) : null}
        {p.remote?.apiRoot ? (
          <>
            <dt>Their TAXII</dt>
            <dd>
              <code>{p.remote.apiRoot}</code>
            </dd>
          </>
        ) : null}
        {p.credentials !== undefined ? (
          <>
            <dt>Credentials</dt>
            <dd>{p.credentials === 0 ? 'none active' : `${p.credentials} active`}</dd>
          </>
        ) : null}
        {p.inboxCollection ? (
          <>
            <dt>Inbox</dt>
            <dd>
              <code>{p.inboxCollection}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {b ? <Balance balance={b} /> : <PartnerBalance name={p.name} />}
    </article>
  );
}

function PartnersList({ revoked }: { readonly revoked: boolean }) {
  const r = useApi<{ items: ReadonlyArray<PartnerItem | { partner: PartnerItem }> }>(
    revoked ? '/api/v1/partners?revoked=true' : '/api/v1/partners',
  );
  if (isForbidden(r)) return <NotAllowed need="admin" what="The partners page" />;
  if (r.state === 'error') return <ErrorBox error={r.error} onRetry={r.reload} />;
  if (r.state === 'loading') return <Loading what="Loading the partners" />;
  const items = r.data.items.map(unwrap);
  if (items.length === 0) {
    return (
      <Empty>
        No partners yet. Add one with <code>accord partners add</code>.
      </Empty>
    );
  }
  return (
    <div className="partners-list">
      {items.map((p) => (
        <PartnerCard key={p.name} p={p} />
      ))}
    </div>
  );
}

export default function PartnersPage() {
  const user = useUser();
  const [revoked, setRevoked] = useState(false);
  if (!roleAllows(user.role, 'admin')) return <NotAllowed need="admin" what="The partners page" />;
  return (
    <div className="page partners">
      <div className="page-head">
        <div>
          <h1>Partners</h1>
          <p className="muted">
            Other CERTs we exchange with over TAXII, their agreements, and the balance by TLP.
          </p>
        </div>
        <label className="inline-field">
          <input
            type="checkbox"
            checked={revoked}
            onChange={(e) => setRevoked(e.target.checked)}
            data-testid="partners-revoked"
          />
          <span>Show revoked partners</span>
        </label>
      </div>
      <PartnersList revoked={revoked} />
    </div>
  );
}
