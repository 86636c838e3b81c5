import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import { partnerStoreContract } from './partner-store.contract.js';
import { openSqlitePartnerStore, SqlitePartnerStore } from './sqlite-partner-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-partners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

partnerStoreContract('sqlite', async (now) => openSqlitePartnerStore(join(dir, `p-${++n}.db`), now));

describe('SqlitePartnerStore', () => {
  it('shares the main store file; a revocation by another connection takes effect at once', async () => {
    const path = join(dir, 'shared.db');
    const store = openSqliteStore(path);
    const server = new SqlitePartnerStore(store.db);
    const p = await server.add({
      name: 'cert-xx',
      country: 'XX',
      agreement: { read: [], write: [], maxTlp: 'GREEN', mayShareOnward: false },
    });
    expect(p.ok).toBe(true);
    const cred = await server.addCredential({ kind: 'basic', partner: 'cert-xx' });
    if (!cred.ok) throw new Error(cred.error);
    expect((await server.verifyBasic('cert-xx', cred.value.secret)).ok).toBe(true);
    // another process (accord partners revoke) on the same file
    const cli = openSqlitePartnerStore(path);
    expect((await cli.revokeCredential(cred.value.info.id)).ok).toBe(true);
    await cli.close();
    expect(await server.verifyBasic('cert-xx', cred.value.secret)).toEqual({ ok: false, error: 'revoked' });
    const hashes = store.db.prepare('SELECT hash FROM partner_credentials').pluck().all() as string[];
    expect(hashes).toHaveLength(1);
    expect(hashes[0]).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hashes[0]).not.toContain(cred.value.secret);
    await server.close();
    expect(store.db.open).toBe(true);
    await store.close();
  });
});
