/**
 * The PartnerStore contract, run over every adapter. `open(now)` returns a new, empty store whose
 * clock is `now`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KNOWLEDGE_COLLECTION } from '../../knowledge/knowledge-store.js';
import { parseApiKey } from '../../partners/credentials.js';
import { derivedPartnerIdentity, inboxCollectionId } from '../../partners/new-partner.js';
import type { SharingAgreement } from '../../partners/partner.js';
import type { PartnerStore } from '../../partners/partner-store.js';

const T0 = Date.UTC(2026, 10, 1, 12);

const agreement: SharingAgreement = {
  read: [KNOWLEDGE_COLLECTION],
  write: [],
  maxTlp: 'AMBER',
  mayShareOnward: false,
};

function unwrap<T, E>(r: { ok: true; value: T } | { ok: false; error: E }): T {
  if (!r.ok) throw new Error(String(r.error));
  return r.value;
}

export function partnerStoreContract(name: string, open: (now: () => number) => Promise<PartnerStore>): void {
  describe(`PartnerStore contract: ${name}`, () => {
    const opened: PartnerStore[] = [];
    let clock = T0;
    const fresh = async () => {
      clock = T0;
      const s = await open(() => clock);
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('adds a partner with its inbox and a derived identity; get and list return it', async () => {
      const s = await fresh();
      const p = unwrap(await s.add({ name: 'cert-xx', country: 'xx', agreement }));
      expect(p).toEqual({
        name: 'cert-xx',
        country: 'XX',
        identityId: derivedPartnerIdentity('cert-xx'),
        agreement,
        inboxCollection: inboxCollectionId('cert-xx'),
        createdAt: new Date(T0).toISOString(),
      });
      expect(inboxCollectionId('cert-xx')).not.toBe(inboxCollectionId('cert-yy'));
      expect(await s.get('cert-xx')).toEqual(p);
      expect(await s.get('cert-zz')).toBeUndefined();
      const own = 'identity--0b5f7c1e-9d2a-4c4b-8f5e-1a2b3c4d5e6f';
      const remote = {
        apiRoot: 'https://taxii.cert-yy.example/api1',
        auth: { kind: 'basic', username: 'accord', passwordEnv: 'CERT_YY_PASSWORD' },
      } as const;
      unwrap(await s.add({ name: 'cert-yy', country: 'YY', identityId: own, agreement, remote }));
      const list = await s.list();
      expect(list.map((x) => x.name)).toEqual(['cert-xx', 'cert-yy']);
      expect(list[1]).toMatchObject({
        identityId: own,
        remote: { ...remote, apiRoot: `${remote.apiRoot}/` },
      });
    });

    it('refuses a taken name, a bad name, country, identity, agreement or remote', async () => {
      const s = await fresh();
      unwrap(await s.add({ name: 'cert-xx', country: 'XX', agreement }));
      const bad = async (p: Parameters<PartnerStore['add']>[0]) => {
        const r = await s.add(p);
        expect(r.ok).toBe(false);
        return r.ok ? '' : r.error;
      };
      expect(await bad({ name: 'cert-xx', country: 'XX', agreement })).toMatch(/exists/);
      expect(await bad({ name: 'Cert XX', country: 'XX', agreement })).toMatch(/partner name/);
      expect(await bad({ name: 'admin', country: 'XX', agreement })).toMatch(/reserved/);
      expect(await bad({ name: 'cert-a', country: 'XXX', agreement })).toMatch(/country/);
      expect(await bad({ name: 'cert-a', country: 'XX', identityId: 'malware--x', agreement })).toMatch(
        /identity/,
      );
      expect(
        await bad({ name: 'cert-a', country: 'XX', agreement: { ...agreement, read: ['not a/collection'] } }),
      ).toMatch(/collection/);
      expect(
        await bad({
          name: 'cert-a',
          country: 'XX',
          agreement: { ...agreement, excludeTypes: ['Not_A_Type'] },
        }),
      ).toMatch(/STIX type/);
      expect(
        await bad({
          name: 'cert-a',
          country: 'XX',
          agreement,
          remote: { apiRoot: 'ftp://x', auth: { kind: 'none' } },
        }),
      ).toMatch(/http/);
      expect((await s.list()).map((p) => p.name)).toEqual(['cert-xx']);
    });

    it('updates an agreement and the remote settings', async () => {
      const s = await fresh();
      unwrap(await s.add({ name: 'cert-xx', country: 'XX', agreement }));
      const next = { ...agreement, maxTlp: 'GREEN' as const, excludeTypes: ['sighting'] };
      expect(unwrap(await s.updateAgreement('cert-xx', next)).agreement).toEqual(next);
      expect((await s.get('cert-xx'))?.agreement).toEqual(next);
      expect((await s.updateAgreement('nobody', next)).ok).toBe(false);
      const remote = { apiRoot: 'https://x.example/api/', auth: { kind: 'none' } } as const;
      expect(unwrap(await s.updateRemote('cert-xx', remote)).remote).toEqual(remote);
      expect(unwrap(await s.updateRemote('cert-xx', undefined)).remote).toBeUndefined();
    });

    it('issues credentials whose secret is shown once and stored only hashed', async () => {
      const s = await fresh();
      unwrap(await s.add({ name: 'cert-xx', country: 'XX', agreement }));
      const pw = unwrap(await s.addCredential({ kind: 'basic', partner: 'cert-xx' }));
      const key = unwrap(await s.addCredential({ kind: 'api-key', partner: 'cert-xx', label: 'pull job' }));
      expect(pw.info).toMatchObject({ kind: 'basic', partner: 'cert-xx', username: 'cert-xx' });
      expect(pw.secret.length).toBeGreaterThanOrEqual(32);
      expect(parseApiKey(key.secret)).toBeDefined();
      expect(key.info.id).toBe(`key-${parseApiKey(key.secret)?.lookup}`);
      const infos = await s.credentials('cert-xx');
      expect(infos.map((c) => c.id).sort()).toEqual([pw.info.id, key.info.id].sort());
      expect(JSON.stringify(infos)).not.toContain(pw.secret);
      expect(JSON.stringify(infos)).not.toContain(key.secret.split('.')[2]);
      expect(await s.credentials(null)).toEqual([]);
      expect((await s.addCredential({ kind: 'basic', partner: 'nobody' })).ok).toBe(false);
    });

    it('verifies basic and API key credentials; refuses wrong, unknown and malformed ones', async () => {
      const s = await fresh();
      const p = unwrap(await s.add({ name: 'cert-xx', country: 'XX', agreement }));
      const pw = unwrap(await s.addCredential({ kind: 'basic', partner: 'cert-xx' }));
      const key = unwrap(await s.addCredential({ kind: 'api-key', partner: 'cert-xx' }));
      const admin = unwrap(await s.addCredential({ kind: 'api-key' }));
      const adminPw = unwrap(await s.addCredential({ kind: 'basic' }));
      expect(unwrap(await s.verifyBasic('cert-xx', pw.secret))).toEqual({
        kind: 'partner',
        partner: p,
        credentialId: pw.info.id,
      });
      // twice: the second answer comes from the in-process cache and must agree
      expect(unwrap(await s.verifyBasic('cert-xx', pw.secret)).kind).toBe('partner');
      expect(unwrap(await s.verifyApiKey(key.secret))).toMatchObject({
        kind: 'partner',
        credentialId: key.info.id,
      });
      expect(unwrap(await s.verifyApiKey(admin.secret))).toEqual({
        kind: 'admin',
        credentialId: admin.info.id,
      });
      expect(unwrap(await s.verifyBasic('admin', adminPw.secret)).kind).toBe('admin');
      expect(await s.verifyBasic('cert-xx', `${pw.secret}x`)).toEqual({ ok: false, error: 'bad-secret' });
      expect(await s.verifyBasic('cert-yy', pw.secret)).toEqual({ ok: false, error: 'unknown' });
      expect(await s.verifyBasic('cert-xx', '')).toEqual({ ok: false, error: 'malformed' });
      // the API key's secret with another key's lookup id, and a made-up key
      const [, , secret] = key.secret.split('.');
      const [, lookup] = admin.secret.split('.');
      expect(await s.verifyApiKey(`accord.${lookup}.${secret}`)).toEqual({ ok: false, error: 'bad-secret' });
      expect(await s.verifyApiKey(`accord.0123456789abcdef.${secret}`)).toEqual({
        ok: false,
        error: 'unknown',
      });
      expect(await s.verifyApiKey('not-a-key')).toEqual({ ok: false, error: 'malformed' });
      // a password is not an API key and an API key is not a password
      expect((await s.verifyBasic('cert-xx', key.secret)).ok).toBe(false);
    });

    it('revokes a credential at once, even one verified a moment ago', async () => {
      const s = await fresh();
      unwrap(await s.add({ name: 'cert-xx', country: 'XX', agreement }));
      const pw = unwrap(await s.addCredential({ kind: 'basic', partner: 'cert-xx' }));
      const pw2 = unwrap(await s.addCredential({ kind: 'basic', partner: 'cert-xx' }));
      const key = unwrap(await s.addCredential({ kind: 'api-key', partner: 'cert-xx' }));
      expect((await s.verifyBasic('cert-xx', pw.secret)).ok).toBe(true);
      expect((await s.verifyApiKey(key.secret)).ok).toBe(true);
      clock += 1000;
      expect(unwrap(await s.revokeCredential(pw.info.id)).revokedAt).toBe(new Date(clock).toISOString());
      unwrap(await s.revokeCredential(key.info.id));
      expect(await s.verifyBasic('cert-xx', pw.secret)).toEqual({ ok: false, error: 'revoked' });
      expect(await s.verifyApiKey(key.secret)).toEqual({ ok: false, error: 'revoked' });
      expect((await s.verifyBasic('cert-xx', pw2.secret)).ok).toBe(true); // the other password still works
      expect((await s.revokeCredential('pw-nothing')).ok).toBe(false);
    });

    it('revokes a partner and every credential it has, at once; list leaves it out unless asked', async () => {
      const s = await fresh();
      unwrap(await s.add({ name: 'cert-xx', country: 'XX', agreement }));
      unwrap(await s.add({ name: 'cert-yy', country: 'YY', agreement }));
      const pw = unwrap(await s.addCredential({ kind: 'basic', partner: 'cert-xx' }));
      const key = unwrap(await s.addCredential({ kind: 'api-key', partner: 'cert-xx' }));
      const other = unwrap(await s.addCredential({ kind: 'api-key', partner: 'cert-yy' }));
      expect((await s.verifyApiKey(key.secret)).ok).toBe(true);
      clock += 1000;
      const r = unwrap(await s.revoke('cert-xx'));
      expect(r.revokedAt).toBe(new Date(clock).toISOString());
      expect(await s.verifyBasic('cert-xx', pw.secret)).toEqual({ ok: false, error: 'revoked' });
      expect(await s.verifyApiKey(key.secret)).toEqual({ ok: false, error: 'revoked' });
      expect((await s.verifyApiKey(other.secret)).ok).toBe(true);
      expect((await s.credentials('cert-xx')).every((c) => c.revokedAt !== undefined)).toBe(true);
      expect((await s.list()).map((p) => p.name)).toEqual(['cert-yy']);
      expect((await s.list({ includeRevoked: true })).map((p) => p.name)).toEqual(['cert-xx', 'cert-yy']);
      clock += 1000;
      expect(unwrap(await s.revoke('cert-xx')).revokedAt).toBe(r.revokedAt); // twice: no error, first date kept
      expect((await s.addCredential({ kind: 'basic', partner: 'cert-xx' })).ok).toBe(false);
      expect((await s.add({ name: 'cert-xx', country: 'XX', agreement })).ok).toBe(false);
      expect((await s.revoke('nobody')).ok).toBe(false);
    });
  });
}
