/**
 * An in-process PartnerStore (tests, dry runs): the same semantics as the SQLite adapter, checked by
 * the same contract suite. Secrets are hashed here too.
 */
import { err, ok, type Result } from '../../domain/result.js';
import {
  type CredentialLookup,
  type CredentialRecord,
  credentialInfo,
  issueSecret,
  VerifiedCache,
  verifyApiKeyWith,
  verifyBasicWith,
} from '../../partners/credentials.js';
import { buildPartner, checkAgreement, checkRemote } from '../../partners/new-partner.js';
import type { Partner, RemoteTaxii, SharingAgreement } from '../../partners/partner.js';
import {
  ADMIN_USERNAME,
  type AuthFailure,
  type CredentialInfo,
  type IssuedCredential,
  type NewCredential,
  type NewPartner,
  type PartnerStore,
  type Principal,
} from '../../partners/partner-store.js';

export class MemoryPartnerStore implements PartnerStore {
  private readonly partners = new Map<string, Partner>();
  private readonly creds = new Map<string, CredentialRecord>();
  private readonly cache = new VerifiedCache();
  private readonly lookup: CredentialLookup = {
    basicByUsername: async (u) => [...this.creds.values()].filter((c) => c.username === u),
    byId: async (id) => this.creds.get(id),
    partner: async (name) => this.partners.get(name),
  };

  constructor(private readonly now: () => number = Date.now) {}

  async add(p: NewPartner): Promise<Result<Partner>> {
    const built = buildPartner(p, new Date(this.now()));
    if (!built.ok) return built;
    if (this.partners.has(p.name)) return err(`partner "${p.name}" exists already`);
    this.partners.set(p.name, built.value);
    return built;
  }

  async get(name: string): Promise<Partner | undefined> {
    return this.partners.get(name);
  }

  async list(options: { readonly includeRevoked?: boolean } = {}): Promise<Partner[]> {
    return [...this.partners.values()]
      .filter((p) => options.includeRevoked === true || p.revokedAt === undefined)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private change(name: string, f: (p: Partner) => Result<Partner>): Result<Partner> {
    const p = this.partners.get(name);
    if (!p) return err(`no partner "${name}"`);
    const next = f(p);
    if (next.ok) this.partners.set(name, next.value);
    return next;
  }

  async updateAgreement(name: string, agreement: SharingAgreement): Promise<Result<Partner>> {
    const a = checkAgreement(agreement);
    if (!a.ok) return a;
    return this.change(name, (p) => ok({ ...p, agreement: a.value }));
  }

  async updateRemote(name: string, remote: RemoteTaxii | undefined): Promise<Result<Partner>> {
    const r = remote === undefined ? undefined : checkRemote(remote);
    if (r && !r.ok) return r;
    return this.change(name, (p) => {
      const { remote: _old, ...rest } = p;
      return ok(r ? { ...rest, remote: r.value } : rest);
    });
  }

  async revoke(name: string): Promise<Result<Partner>> {
    const at = new Date(this.now()).toISOString();
    const r = this.change(name, (p) => ok(p.revokedAt !== undefined ? p : { ...p, revokedAt: at }));
    if (r.ok)
      for (const c of this.creds.values())
        if (c.partner === name && c.revokedAt === undefined) this.creds.set(c.id, { ...c, revokedAt: at });
    return r;
  }

  async addCredential(c: NewCredential): Promise<Result<IssuedCredential>> {
    if (c.partner !== undefined) {
      const p = this.partners.get(c.partner);
      if (!p) return err(`no partner "${c.partner}"`);
      if (p.revokedAt !== undefined) return err(`partner "${c.partner}" is revoked`);
    }
    const issued = await issueSecret(
      c.kind,
      {
        ...(c.partner !== undefined ? { partner: c.partner } : {}),
        username: c.partner ?? ADMIN_USERNAME,
        ...(c.label !== undefined ? { label: c.label } : {}),
      },
      new Date(this.now()),
    );
    this.creds.set(issued.record.id, issued.record);
    return ok({ info: credentialInfo(issued.record), secret: issued.secret });
  }

  async revokeCredential(id: string): Promise<Result<CredentialInfo>> {
    const c = this.creds.get(id);
    if (!c) return err(`no credential "${id}"`);
    const next = c.revokedAt !== undefined ? c : { ...c, revokedAt: new Date(this.now()).toISOString() };
    this.creds.set(id, next);
    this.cache.forget(id);
    return ok(credentialInfo(next));
  }

  async credentials(partner?: string | null): Promise<CredentialInfo[]> {
    return [...this.creds.values()]
      .filter(
        (c) => partner === undefined || (partner === null ? c.partner === undefined : c.partner === partner),
      )
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1))
      .map(credentialInfo);
  }

  verifyBasic(username: string, password: string): Promise<Result<Principal, AuthFailure>> {
    return verifyBasicWith(this.lookup, this.cache, username, password);
  }

  verifyApiKey(key: string): Promise<Result<Principal, AuthFailure>> {
    return verifyApiKeyWith(this.lookup, this.cache, key);
  }

  async close(): Promise<void> {}
}
