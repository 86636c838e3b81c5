import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWLEDGE_COLLECTION, prepareObject } from '../../knowledge/knowledge-store.js';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import { KNOWLEDGE_T0, knowledgeStoreContract } from './knowledge-store.contract.js';
import { openSqliteKnowledgeStore, SqliteKnowledgeStore } from './sqlite-knowledge-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-knowledge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const paths = new WeakMap<object, string>();

knowledgeStoreContract(
  'sqlite',
  async (now) => {
    const path = join(dir, `k-${++n}.db`);
    const s = openSqliteKnowledgeStore(path, now);
    paths.set(s, path);
    return s;
  },
  {
    reopen: async (closed) => openSqliteKnowledgeStore(paths.get(closed) as string, () => KNOWLEDGE_T0),
  },
);

describe('SqliteKnowledgeStore', () => {
  it('shares the main store file (migration 3) without closing it', async () => {
    const store = openSqliteStore(join(dir, 'shared.db'));
    const k = new SqliteKnowledgeStore(store.db);
    const o = {
      type: 'malware',
      spec_version: '2.1',
      id: 'malware--00000000-0000-4000-8000-000000000001',
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      name: 'x',
      is_family: true,
    };
    await k.put(KNOWLEDGE_COLLECTION, [prepareObject(o)]);
    await k.close();
    expect(store.db.open).toBe(true);
    expect((await k.stats()).collections).toEqual([
      { collection: KNOWLEDGE_COLLECTION, objects: 1, versions: 1 },
    ]);
    await store.close();
  });

  it('answers the default TAXII query from the partial index', () => {
    const k = openSqliteKnowledgeStore(join(dir, 'plan.db'));
    const plan = k.db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT json FROM knowledge_objects WHERE collection = ? AND date_added > ? AND is_last = 1 ORDER BY date_added LIMIT 1001',
      )
      .all('c', 0) as Array<{ detail: string }>;
    const text = plan.map((p) => p.detail).join('\n');
    expect(text).toMatch(/knowledge_last/);
    expect(text).not.toMatch(/TEMP B-TREE/);
    k.db.close();
  });
});
