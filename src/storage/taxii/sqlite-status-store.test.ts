import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaxiiStatus } from '../../taxii/server/status-store.js';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import { SqliteStatusStore } from './sqlite-status-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-status-'));
const store = openSqliteStore(join(dir, 's.db'));
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const status = (n: number): TaxiiStatus => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  status: 'complete',
  request_timestamp: '2026-11-01T00:00:00.000Z',
  total_count: 0,
  success_count: 0,
  failure_count: 0,
  pending_count: 0,
});

describe('SqliteStatusStore', () => {
  it('keeps a status for its owner only, at most maxEntries (the oldest go), none past retention', async () => {
    const s = new SqliteStatusStore(store.db, 5);
    const t0 = Date.UTC(2026, 10, 1);
    for (let i = 1; i <= 8; i++) await s.save(i % 2 ? 'partner:a' : 'partner:b', status(i), t0 + i);
    expect(await s.get('partner:a', status(7).id)).toEqual(status(7));
    expect(await s.get('partner:b', status(7).id)).toBeUndefined();
    expect(await s.get('partner:a', status(1).id)).toBeUndefined(); // trimmed: 4..8 remain
    expect(await s.get('partner:b', status(4).id)).toEqual(status(4));
    expect(store.db.prepare('SELECT count(*) FROM taxii_status').pluck().get()).toBe(5);
    // eight days later, a new status prunes everything older than the retention
    await s.save('partner:a', status(9), t0 + 8 * 24 * 3600_000);
    expect(store.db.prepare('SELECT count(*) FROM taxii_status').pluck().get()).toBe(1);
  });
});
