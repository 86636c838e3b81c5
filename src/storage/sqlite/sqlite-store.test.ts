import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { infected, rejectEntry, storeContract } from '../store.contract.js';
import type { Store } from '../store.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const paths = new WeakMap<Store, string>();
function openFile(path = join(dir, `store-${++n}.db`)): SqliteStore {
  const s = openSqliteStore(path, { cacheMiB: 8 });
  paths.set(s, path);
  return s;
}

storeContract('sqlite (file)', async () => openFile(), {
  reopen: async (closed) => openFile(paths.get(closed)),
});
storeContract('sqlite (:memory:)', async () => openSqliteStore(':memory:'));

describe('SqliteStore', () => {
  it('writes a batch atomically: a failing entry leaves none of the batch stored', async () => {
    const s = openFile();
    try {
      const good = infected('2026-10-30T10:00:00Z');
      // raw is NOT NULL in the table: this entry fails inside the transaction.
      const bad = { ...rejectEntry(1), raw: undefined as unknown as string };
      await expect(s.writeBatch({ events: [good], quarantine: [bad] })).rejects.toThrow();
      expect(await s.counts()).toEqual({ events: 0, observations: 0, quarantine: 0 });
      expect(await s.writeBatch({ events: [good], quarantine: [] })).toMatchObject({ new: 1 });
    } finally {
      await s.close();
    }
  });

  it('creates the folder of a new database file', async () => {
    const s = openFile(join(dir, 'nested', 'deeper', 'accord.db'));
    try {
      expect(await s.counts()).toEqual({ events: 0, observations: 0, quarantine: 0 });
    } finally {
      await s.close();
    }
  });

  it('close() twice is harmless', async () => {
    const s = openFile();
    await s.close();
    await expect(s.close()).resolves.toBeUndefined();
  });
});
