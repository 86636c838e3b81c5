/**
 * The PartnerStore in the SQLite file (tables partners and partner_credentials, migration 7).
 * Agreements and remote settings are JSON columns (read whole, never queried inside); credentials
 * hold only scrypt hashes. Every verification reads the credential and its partner afresh, so a
 * revocation by another process (`accord partners revoke` while `accord serve` runs) takes effect
 * on the next request.
 */
import type Database from 'better-sqlite3';
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
  type CredentialKind,
  type IssuedCredential,
  type NewCredential,
  type NewPartner,
  type PartnerStore,
  type Principal,
} from '../../partners/partner-store.js';
import { openMigratedDatabase } from '../sqlite/sqlite-store.js';

interface PartnerRow {
  name: string;
  country: string;
  identity_id: string;
  inbox: string;
  agreement: string;
  remote: string | null;
  created_at: string;
  revoked_at: string | null;
}

interface CredentialRow {
  id: string;
  partner: string | null;
  kind: string;
  username: string | null;
  label: string | null;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

function toPartner(r: PartnerRow): Partner {
  return {
    name: r.name,
    country: r.country,
    identityId: r.identity_id,
    agreement: JSON.parse(r.agreement) as SharingAgreement,
    inboxCollection: r.inbox,
    ...(r.remote !== null ? { remote: JSON.parse(r.remote) as RemoteTaxii } : {}),
    createdAt: r.created_at,
    ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
  };
}

function toRecord(r: CredentialRow): CredentialRecord {
  return {
    id: r.id,
    kind: r.kind as CredentialKind,
    ...(r.partner !== null ? { partner: r.partner } : {}),
    ...(r.username !== null ? { username: r.username } : {}),
    ...(r.label !== null ? { label: r.label } : {}),
    createdAt: r.created_at,
    ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
    hash: r.hash,
  };
}

/** Open (and migrate) a partner store in its own SQLite file. */
export function openSqlitePartnerStore(path: string, now: () => number = Date.now): SqlitePartnerStore {
  return new SqlitePartnerStore(openMigratedDatabase(path), now, true);
}

const CRED_COLUMNS = 'id, partner, kind, username, label, hash, created_at, revoked_at';

export class SqlitePartnerStore implements PartnerStore {
  private readonly cache = new VerifiedCache();
  private readonly getPartner: Database.Statement;
  private readonly getCredential: Database.Statement;
  private readonly byUsername: Database.Statement;
  private readonly lookup: CredentialLookup;

  /** `db` must be migrated; `owned`: close() closes it (false when shared with the main Store). */
  constructor(
    readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    private readonly owned = false,
  ) {
    this.getPartner = db.prepare('SELECT * FROM partners WHERE name = ?');
    this.getCredential = db.prepare(`SELECT ${CRED_COLUMNS} FROM partner_credentials WHERE id = ?`);
    this.byUsername = db.prepare(`SELECT ${CRED_COLUMNS} FROM partner_credentials WHERE username = ?`);
    this.lookup = {
      basicByUsername: async (u) => (this.byUsername.all(u) as CredentialRow[]).map(toRecord),
      byId: async (id) => {
        const r = this.getCredential.get(id) as CredentialRow | undefined;
        return r ? toRecord(r) : undefined;
      },
      partner: async (name) => this.getSync(name),
    };
  }

  private getSync(name: string): Partner | undefined {
    const r = this.getPartner.get(name) as PartnerRow | undefined;
    return r ? toPartner(r) : undefined;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  async add(p: NewPartner): Promise<Result<Partner>> {
    const built = buildPartner(p, new Date(this.now()));
    if (!built.ok) return built;
    const v = built.value;
    const res = this.db
      .prepare(`INSERT INTO partners(name, country, identity_id, inbox, agreement, remote, created_at, revoked_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`)
      .run(
        v.name,
        v.country,
        v.identityId,
        v.inboxCollection,
        JSON.stringify(v.agreement),
        v.remote ? JSON.stringify(v.remote) : null,
        v.createdAt,
      );
    if (res.changes === 0) return err(`partner "${p.name}" exists already`);
    return built;
  }

  async get(name: string): Promise<Partner | undefined> {
    return this.getSync(name);
  }

  async list(options: { readonly includeRevoked?: boolean } = {}): Promise<Partner[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM partners ${options.includeRevoked === true ? '' : 'WHERE revoked_at IS NULL'} ORDER BY name`,
      )
      .all() as PartnerRow[];
    return rows.map(toPartner);
  }

  private changed(name: string, changes: number): Result<Partner> {
    const p = this.getSync(name);
    return changes > 0 && p ? ok(p) : err(`no partner "${name}"`);
  }

  async updateAgreement(name: string, agreement: SharingAgreement): Promise<Result<Partner>> {
    const a = checkAgreement(agreement);
    if (!a.ok) return a;
    const n = this.db
      .prepare('UPDATE partners SET agreement = ? WHERE name = ?')
      .run(JSON.stringify(a.value), name).changes;
    return this.changed(name, n);
  }

  async updateRemote(name: string, remote: RemoteTaxii | undefined): Promise<Result<Partner>> {
    const r = remote === undefined ? undefined : checkRemote(remote);
    if (r && !r.ok) return r;
    const n = this.db
      .prepare('UPDATE partners SET remote = ? WHERE name = ?')
      .run(r ? JSON.stringify(r.value) : null, name).changes;
    return this.changed(name, n);
  }

  async revoke(name: string): Promise<Result<Partner>> {
    const at = this.iso();
    const n = this.db.transaction(() => {
      const changes = this.db
        .prepare('UPDATE partners SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?')
        .run(at, name).changes;
      this.db
        .prepare('UPDATE partner_credentials SET revoked_at = ? WHERE partner = ? AND revoked_at IS NULL')
        .run(at, name);
      return changes;
    })();
    return this.changed(name, n);
  }

  async addCredential(c: NewCredential): Promise<Result<IssuedCredential>> {
    if (c.partner !== undefined) {
      const p = this.getSync(c.partner);
      if (!p) return err(`no partner "${c.partner}"`);
      if (p.revokedAt !== undefined) return err(`partner "${c.partner}" is revoked`);
    }
    const { record, secret } = await issueSecret(
      c.kind,
      {
        ...(c.partner !== undefined ? { partner: c.partner } : {}),
        username: c.partner ?? ADMIN_USERNAME,
        ...(c.label !== undefined ? { label: c.label } : {}),
      },
      new Date(this.now()),
    );
    this.db
      .prepare(`INSERT INTO partner_credentials(${CRED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`)
      .run(
        record.id,
        record.partner ?? null,
        record.kind,
        record.username ?? null,
        record.label ?? null,
        record.hash,
        record.createdAt,
      );
    return ok({ info: credentialInfo(record), secret });
  }

  async revokeCredential(id: string): Promise<Result<CredentialInfo>> {
    this.db
      .prepare('UPDATE partner_credentials SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?')
      .run(this.iso(), id);
    this.cache.forget(id);
    const r = this.getCredential.get(id) as CredentialRow | undefined;
    return r ? ok(credentialInfo(toRecord(r))) : err(`no credential "${id}"`);
  }

  async credentials(partner?: string | null): Promise<CredentialInfo[]> {
    const where =
      partner === undefined ? '' : partner === null ? 'WHERE partner IS NULL' : 'WHERE partner = ?';
    const rows = this.db
      .prepare(`SELECT ${CRED_COLUMNS} FROM partner_credentials ${where} ORDER BY created_at, id`)
      .all(...(typeof partner === 'string' ? [partner] : [])) as CredentialRow[];
    return rows.map((r) => credentialInfo(toRecord(r)));
  }

  verifyBasic(username: string, password: string): Promise<Result<Principal, AuthFailure>> {
    return verifyBasicWith(this.lookup, this.cache, username, password);
  }

  verifyApiKey(key: string): Promise<Result<Principal, AuthFailure>> {
    return verifyApiKeyWith(this.lookup, this.cache, key);
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}
