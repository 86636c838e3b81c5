/**
 * The exchange balance with a partner, by TLP, from the knowledge store (latest versions):
 * - received: objects in the partner's inbox collection (what it pushed to us), by their marking;
 *   unmarked ones apart;
 * - shared: objects its agreement releases to it now: the collections it may read (its own inbox
 *   left out), the object types the agreement includes/excludes, and only the levels mayRelease
 *   allows it on TAXII (an unmarked object counts at the deployment's default level). This is
 *   what the partner can read from us, not a log of what it fetched (no access log is kept).
 */
import type Database from 'better-sqlite3';
import { DEFAULT_TLP, releasableLevels, TLP_ORDER, type TlpLevel } from '../../domain/tlp.js';
import { type Partner, partnerRecipient } from '../../partners/partner.js';

export type TlpCounts = Record<TlpLevel, number> & { unmarked: number };

const zero = (): TlpCounts => ({ CLEAR: 0, GREEN: 0, AMBER: 0, 'AMBER+STRICT': 0, RED: 0, unmarked: 0 });

function countByTlp(db: Database.Database, where: string, args: readonly unknown[]): TlpCounts {
  const out = zero();
  const rows = db
    .prepare(`SELECT tlp, count(*) AS n FROM knowledge_objects WHERE is_last = 1 AND ${where} GROUP BY tlp`)
    .all(...args) as Array<{ tlp: number | null; n: number }>;
  for (const r of rows) {
    const level = r.tlp === null ? undefined : TLP_ORDER[r.tlp];
    if (level === undefined) out.unmarked += r.n;
    else out[level] += r.n;
  }
  return out;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function exchangeBalance(
  db: Database.Database,
  p: Partner,
  defaultTlp: TlpLevel = DEFAULT_TLP,
): { shared: TlpCounts; received: TlpCounts } {
  const received = countByTlp(db, 'collection = ?', [p.inboxCollection]);
  const a = p.agreement;
  const collections = a.read.filter((c) => c !== p.inboxCollection);
  let shared = zero();
  if (collections.length > 0) {
    let where = `collection IN (${marks(collections.length)})`;
    const args: unknown[] = [...collections];
    if (a.includeTypes !== undefined) {
      where += a.includeTypes.length > 0 ? ` AND type IN (${marks(a.includeTypes.length)})` : ' AND 0';
      args.push(...a.includeTypes);
    }
    if (a.excludeTypes !== undefined && a.excludeTypes.length > 0) {
      where += ` AND type NOT IN (${marks(a.excludeTypes.length)})`;
      args.push(...a.excludeTypes);
    }
    const all = countByTlp(db, where, args);
    const v = releasableLevels(partnerRecipient(p), 'taxii', { defaultTlp });
    shared = zero();
    for (const l of v.levels) shared[l] = all[l];
    if (v.unmarked) shared.unmarked = all.unmarked;
  }
  return { shared, received };
}
