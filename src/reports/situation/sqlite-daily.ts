/** Figures per day from the SQLite store's statistics rollup (one pass over the period's records). */
import type { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { rollupDailyFigures } from '../../storage/sqlite/stats-rollup-daily.js';
import type { DayFigures } from './daily.js';

export function sqliteDaily(store: SqliteStore) {
  return async (q: { since: string; until: string; country?: string }): Promise<DayFigures[]> =>
    rollupDailyFigures(store.db, q).map((d) => ({
      day: d.day,
      infectedHosts: d.infectedHosts,
      c2ServersAbroad: d.c2Servers,
    }));
}
