/**
 * The TAXII server's dependencies over one SQLite file (the main store's): knowledge objects,
 * partners and credentials, status resources, quarantine. `accord serve` uses it; so can a test
 * or another process that wants a TAXII server over a store it has opened.
 */
import { SqliteKnowledgeStore } from '../storage/knowledge/sqlite-knowledge-store.js';
import { SqlitePartnerStore } from '../storage/partners/sqlite-partner-store.js';
import type { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { SqliteStatusStore } from '../storage/taxii/sqlite-status-store.js';
import type { TaxiiServerOptions } from '../taxii/server/taxii-plugin.js';

export type TaxiiSettings = Omit<TaxiiServerOptions, 'knowledge' | 'quarantine' | 'partners' | 'statuses'>;

export function sqliteTaxiiOptions(store: SqliteStore, settings: TaxiiSettings = {}): TaxiiServerOptions {
  return {
    ...settings,
    knowledge: new SqliteKnowledgeStore(store.db),
    quarantine: store,
    partners: new SqlitePartnerStore(store.db),
    statuses: new SqliteStatusStore(store.db),
  };
}
