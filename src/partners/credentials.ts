/**
 * Credential secrets: generation, salted scrypt hashes, verification in constant time, and the
 * verification flow both PartnerStore adapters share.
 *
 * - Passwords: 24 random bytes, base64url (32 characters).
 * - API keys: `accord.<lookup>.<secret>`: the lookup id (16 hex digits) names the credential, so a
 *   key is verified with one lookup and one hash; the secret is 32 random bytes, base64url.
 * - Hashes: scrypt (N=16384, r=8, p=1, 32 bytes) with a per-secret 16-byte random salt, stored as
 *   `scrypt$N$r$p$salt$hash` (base64url), compared with timingSafeEqual.
 * - scrypt costs tens of milliseconds on purpose, and TAXII clients send their credentials with
 *   every request, so a verified secret is remembered in process as an HMAC (under a key that
 *   never leaves the process) for a few minutes, bounded in size. The cache only spares the hash:
 *   the credential and its partner are read from the store on every request, so a revocation
 *   takes effect at once.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../domain/result.js';
import type { Partner } from './partner.js';
import type { AuthFailure, CredentialInfo, CredentialKind, Principal } from './partner-store.js';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scryptAsync(
  secret: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  len: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, len, { N: n, r, p, maxmem: 128 * n * r * 2 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const h = await scryptAsync(secret, salt, N, R, P, KEYLEN);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${h.toString('base64url')}`;
}

/** Whether `secret` matches an encoded hash; false for any hash this code did not write. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length < 16) return false;
  const got = await scryptAsync(secret, salt, n, r, p, expected.length);
  return timingSafeEqual(got, expected);
}

/** A hash of nothing anyone knows: verified against when a username is unknown, so timing tells nothing. */
let decoy: Promise<string> | undefined;
const decoyHash = () => {
  decoy ??= hashSecret(randomBytes(24).toString('base64url'));
  return decoy;
};

export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export const API_KEY_PREFIX = 'accord';
const API_KEY = /^accord\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): { readonly lookup: string; readonly key: string } {
  const lookup = randomBytes(8).toString('hex');
  return { lookup, key: `${API_KEY_PREFIX}.${lookup}.${randomBytes(32).toString('base64url')}` };
}

/** The lookup id and secret of an API key, or undefined when it is not shaped like one. */
export function parseApiKey(key: string): { readonly lookup: string; readonly secret: string } | undefined {
  const m = API_KEY.exec(key);
  return m ? { lookup: m[1] as string, secret: m[2] as string } : undefined;
}

/** Public id of a credential: `key-<lookup>` for API keys, `pw-<random>` for passwords. */
export const apiKeyCredentialId = (lookup: string) => `key-${lookup}`;
export const newBasicCredentialId = () => `pw-${randomBytes(8).toString('hex')}`;

/** A credential as adapters store it. */
export interface CredentialRecord extends CredentialInfo {
  readonly hash: string;
}

export function credentialInfo(r: CredentialRecord): CredentialInfo {
  const { hash: _hash, ...info } = r;
  return info;
}

export interface IssuedSecret {
  readonly record: CredentialRecord;
  readonly secret: string;
}

/** A new credential record and its secret (the secret is only hashed into the record). */
export async function issueSecret(
  kind: CredentialKind,
  owner: { readonly partner?: string; readonly username?: string; readonly label?: string },
  now: Date,
): Promise<IssuedSecret> {
  const base = {
    ...(owner.partner !== undefined ? { partner: owner.partner } : {}),
    ...(owner.label !== undefined ? { label: owner.label } : {}),
    createdAt: now.toISOString(),
  };
  if (kind === 'api-key') {
    const { lookup, key } = generateApiKey();
    const parsed = parseApiKey(key) as { secret: string };
    return {
      record: { id: apiKeyCredentialId(lookup), kind, ...base, hash: await hashSecret(parsed.secret) },
      secret: key,
    };
  }
  const password = generatePassword();
  return {
    record: {
      id: newBasicCredentialId(),
      kind,
      ...(owner.username !== undefined ? { username: owner.username } : {}),
      ...base,
      hash: await hashSecret(password),
    },
    secret: password,
  };
}

/** Verified secrets remembered in process (see the file comment). Bounded, with a time to live. */
export class VerifiedCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { readonly mac: Buffer; readonly until: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(credentialId: string, secret: string): Buffer {
    return createHmac('sha256', this.key).update(credentialId).update('\u0000').update(secret).digest();
  }

  has(credentialId: string, secret: string): boolean {
    const e = this.entries.get(credentialId);
    if (!e) return false;
    if (e.until <= this.now()) {
      this.entries.delete(credentialId);
      return false;
    }
    return timingSafeEqual(e.mac, this.mac(credentialId, secret));
  }

  remember(credentialId: string, secret: string): void {
    this.entries.delete(credentialId);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(credentialId, { mac: this.mac(credentialId, secret), until: this.now() + this.ttlMs });
  }

  forget(credentialId: string): void {
    this.entries.delete(credentialId);
  }
}

/** What the shared verification needs from an adapter: fresh reads, never cached. */
export interface CredentialLookup {
  /** Basic credentials presented under this username (revoked ones too). */
  basicByUsername(username: string): Promise<readonly CredentialRecord[]>;
  byId(id: string): Promise<CredentialRecord | undefined>;
  partner(name: string): Promise<Partner | undefined>;
}

async function principalOf(
  r: CredentialRecord,
  lookup: CredentialLookup,
): Promise<Result<Principal, AuthFailure>> {
  if (r.revokedAt !== undefined) return err('revoked');
  if (r.partner === undefined) return ok({ kind: 'admin', credentialId: r.id });
  const partner = await lookup.partner(r.partner);
  if (!partner || partner.revokedAt !== undefined) return err('revoked');
  return ok({ kind: 'partner', partner, credentialId: r.id });
}

async function matches(r: CredentialRecord, secret: string, cache: VerifiedCache): Promise<boolean> {
  if (cache.has(r.id, secret)) return true;
  if (!(await verifySecret(secret, r.hash))) return false;
  cache.remember(r.id, secret);
  return true;
}

export async function verifyBasicWith(
  lookup: CredentialLookup,
  cache: VerifiedCache,
  username: string,
  password: string,
): Promise<Result<Principal, AuthFailure>> {
  if (username === '' || password === '' || password.length > 1024) return err('malformed');
  const records = (await lookup.basicByUsername(username)).filter((r) => r.kind === 'basic');
  if (records.length === 0) {
    await verifySecret(password, await decoyHash());
    return err('unknown');
  }
  let revoked = false;
  // Usually one; a partner rotating passwords has two for a while. Bounded by what the operator issued.
  for (const r of records) {
    if (!(await matches(r, password, cache))) continue;
    const p = await principalOf(r, lookup);
    if (p.ok) return p;
    revoked = true;
  }
  return err(revoked ? 'revoked' : 'bad-secret');
}

export async function verifyApiKeyWith(
  lookup: CredentialLookup,
  cache: VerifiedCache,
  key: string,
): Promise<Result<Principal, AuthFailure>> {
  const parsed = parseApiKey(key);
  if (!parsed) return err('malformed');
  const r = await lookup.byId(apiKeyCredentialId(parsed.lookup));
  if (r?.kind !== 'api-key') {
    await verifySecret(parsed.secret, await decoyHash());
    return err('unknown');
  }
  if (!(await matches(r, parsed.secret, cache))) return err('bad-secret');
  return principalOf(r, lookup);
}
