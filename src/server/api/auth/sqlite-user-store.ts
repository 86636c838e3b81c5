/**
 * Users of the dashboard and the REST API (tables users, user_sessions, user_api_keys; migration 9):
 * their role, a scrypt password hash (src/partners/credentials.ts), login sessions and API keys.
 *
 * - Sessions: a random 32-byte token lives only in the client's cookie; the table holds its
 *   sha256 digest, the session's CSRF token, and when it was created and last used. A session ends
 *   after IDLE_MS without use, after MAX_AGE_MS whatever, at logout, when the password changes or
 *   when the user is disabled.
 * - API keys: `accu.<lookup>.<secret>` (lookup: 16 hex digits, the key's public id; secret: 32
 *   random bytes, base64url), stored as a scrypt hash, shown once. Verifying one is one lookup and
 *   one hash; a verified secret is remembered in process (VerifiedCache) for minutes, but the key
 *   and its user are read afresh on every request, so revoking or disabling applies at once.
 * - Unknown users are verified against a decoy hash, so timing does not tell who exists.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { err, ok, type Result } from '../../../domain/result.js';
import { generatePassword, hashSecret, VerifiedCache, verifySecret } from '../../../partners/credentials.js';
import { type ApiUser, isRole, type Role } from '../roles.js';

export const IDLE_MS = 12 * 3600_000;
export const MAX_AGE_MS = 7 * 24 * 3600_000;
/** last_seen is written at most this often per session (not on every request). */
const TOUCH_MS = 60_000;

export const USER_KEY_PREFIX = 'accu';
const KEY = /^accu\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 1024;

export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly disabledAt?: string;
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly user: string;
  readonly label?: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface Session {
  readonly user: ApiUser;
  readonly csrfToken: string;
  /** sha256 of the token (hex): how the session is named in the table and in logs. */
  readonly id: string;
}

export interface NewSession {
  readonly token: string;
  readonly csrfToken: string;
  readonly maxAgeSeconds: number;
}

interface UserRow {
  name: string;
  role: string;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

interface KeyRow {
  id: string;
  user: string;
  label: string | null;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

const toUser = (r: UserRow): UserInfo => ({
  name: r.name,
  role: isRole(r.role) ? r.role : 'read-only',
  createdAt: r.created_at,
  ...(r.disabled_at !== null ? { disabledAt: r.disabled_at } : {}),
});

const toKey = (r: KeyRow): ApiKeyInfo => ({
  id: r.id,
  user: r.user,
  ...(r.label !== null ? { label: r.label } : {}),
  createdAt: r.created_at,
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export function checkUserName(name: string): Result<string> {
  return NAME.test(name)
    ? ok(name)
    : err(`user name "${name}": 1 to 64 lower-case letters, digits, dots, dashes, underscores`);
}

export function checkPassword(password: string): Result<string> {
  if (password.length < MIN_PASSWORD)
    return err(`the password must have at least ${MIN_PASSWORD} characters`);
  if (password.length > MAX_PASSWORD) return err(`the password must have at most ${MAX_PASSWORD} characters`);
  return ok(password);
}

let decoy: Promise<string> | undefined;
const decoyHash = () => {
  decoy ??= hashSecret(randomBytes(24).toString('base64url'));
  return decoy;
};

export class SqliteUserStore {
  private readonly cache = new VerifiedCache();
  private readonly getUser: Database.Statement;
  private readonly getSession: Database.Statement;
  private readonly getKey: Database.Statement;

  /** `db` must be migrated (it is the main store's, which closes it). */
  constructor(
    readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    readonly idleMs = IDLE_MS,
    readonly maxAgeMs = MAX_AGE_MS,
  ) {
    this.getUser = db.prepare('SELECT * FROM users WHERE name = ?');
    this.getSession = db.prepare('SELECT * FROM user_sessions WHERE token_hash = ?');
    this.getKey = db.prepare('SELECT * FROM user_api_keys WHERE id = ?');
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private row(name: string): UserRow | undefined {
    return this.getUser.get(name) as UserRow | undefined;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  get(name: string): UserInfo | undefined {
    const r = this.row(name);
    return r ? toUser(r) : undefined;
  }

  list(options: { readonly includeDisabled?: boolean } = {}): UserInfo[] {
    const where = options.includeDisabled === true ? '' : 'WHERE disabled_at IS NULL';
    return (this.db.prepare(`SELECT * FROM users ${where} ORDER BY name`).all() as UserRow[]).map(toUser);
  }

  /** Add a user; with no password one is generated. Returns the password (shown once). */
  async add(
    name: string,
    role: Role,
    password?: string,
  ): Promise<Result<{ readonly user: UserInfo; readonly password: string }>> {
    const n = checkUserName(name);
    if (!n.ok) return n;
    const pw = password ?? generatePassword();
    const c = checkPassword(pw);
    if (!c.ok) return c;
    const hash = await hashSecret(pw);
    const res = this.db
      .prepare(
        'INSERT INTO users(name, role, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(name, role, hash, this.iso());
    if (res.changes === 0) return err(`user "${name}" exists already`);
    return ok({ user: this.get(name) as UserInfo, password: pw });
  }

  /** Set a new password (generated when absent) and end the user's sessions. Returns it. */
  async setPassword(name: string, password?: string): Promise<Result<string>> {
    const pw = password ?? generatePassword();
    const c = checkPassword(pw);
    if (!c.ok) return c;
    const hash = await hashSecret(pw);
    const done = this.db.transaction(() => {
      const n = this.db.prepare('UPDATE users SET password_hash = ? WHERE name = ?').run(hash, name).changes;
      this.db.prepare('DELETE FROM user_sessions WHERE user = ?').run(name);
      return n;
    })();
    return done > 0 ? ok(pw) : err(`no user "${name}"`);
  }

  setRole(name: string, role: Role): Result<UserInfo> {
    const n = this.db.prepare('UPDATE users SET role = ? WHERE name = ?').run(role, name).changes;
    const u = this.get(name);
    return n > 0 && u ? ok(u) : err(`no user "${name}"`);
  }

  /** Disable a user: sessions end, API keys are revoked, the name stays taken. Twice is not an error. */
  disable(name: string): Result<UserInfo> {
    const at = this.iso();
    const n = this.db.transaction(() => {
      const changes = this.db
        .prepare('UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE name = ?')
        .run(at, name).changes;
      this.db.prepare('DELETE FROM user_sessions WHERE user = ?').run(name);
      this.db
        .prepare('UPDATE user_api_keys SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL')
        .run(at, name);
      return changes;
    })();
    const u = this.get(name);
    return n > 0 && u ? ok(u) : err(`no user "${name}"`);
  }

  /** The user when the password is right and the user enabled; same time for every failure. */
  async verifyPassword(name: string, password: string): Promise<ApiUser | undefined> {
    if (password === '' || password.length > MAX_PASSWORD) return undefined;
    const r = name.length <= 64 ? this.row(name) : undefined;
    if (!r || r.password_hash === null) {
      await verifySecret(password, await decoyHash());
      return undefined;
    }
    if (!(await verifySecret(password, r.password_hash))) return undefined;
    const fresh = this.row(name); // read again: disabled while hashing?
    if (!fresh || fresh.disabled_at !== null) return undefined;
    return { name: fresh.name, role: toUser(fresh).role };
  }

  createSession(name: string): NewSession {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const t = this.now();
    this.db
      .prepare(
        'INSERT INTO user_sessions(token_hash, user, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)',
      )
      .run(digest(token), name, csrfToken, t, t);
    // Expired sessions of anyone are dropped now and then (here: at each login).
    this.db
      .prepare('DELETE FROM user_sessions WHERE last_seen < ? OR created_at < ?')
      .run(t - this.idleMs, t - this.maxAgeMs);
    return { token, csrfToken, maxAgeSeconds: Math.floor(this.maxAgeMs / 1000) };
  }

  /** The live session of a cookie token (its user enabled), touched; undefined otherwise. */
  session(token: string): Session | undefined {
    if (token.length !== 43) return undefined;
    const id = digest(token);
    const s = this.getSession.get(id) as
      | { user: string; csrf: string; created_at: number; last_seen: number }
      | undefined;
    if (!s) return undefined;
    const t = this.now();
    if (t - s.last_seen >= this.idleMs || t - s.created_at >= this.maxAgeMs) {
      this.db.prepare('DELETE FROM user_sessions WHERE token_hash = ?').run(id);
      return undefined;
    }
    const u = this.row(s.user);
    if (!u || u.disabled_at !== null) return undefined;
    if (t - s.last_seen >= TOUCH_MS)
      this.db.prepare('UPDATE user_sessions SET last_seen = ? WHERE token_hash = ?').run(t, id);
    return { user: { name: u.name, role: toUser(u).role }, csrfToken: s.csrf, id };
  }

  deleteSession(token: string): void {
    this.db.prepare('DELETE FROM user_sessions WHERE token_hash = ?').run(digest(token));
  }

  /** Whether `given` is the session's CSRF token (constant time). */
  static csrfMatches(session: Session, given: string | undefined): boolean {
    if (given === undefined) return false;
    const a = Buffer.from(session.csrfToken);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async issueKey(
    name: string,
    label?: string,
  ): Promise<Result<{ readonly info: ApiKeyInfo; readonly key: string }>> {
    const u = this.row(name);
    if (!u) return err(`no user "${name}"`);
    if (u.disabled_at !== null) return err(`user "${name}" is disabled`);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const hash = await hashSecret(secret);
    this.db
      .prepare('INSERT INTO user_api_keys(id, user, label, hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, name, label ?? null, hash, this.iso());
    return ok({
      info: toKey(this.getKey.get(id) as KeyRow),
      key: `${USER_KEY_PREFIX}.${id}.${secret}`,
    });
  }

  listKeys(name: string): ApiKeyInfo[] {
    return (
      this.db
        .prepare('SELECT * FROM user_api_keys WHERE user = ? ORDER BY created_at, id')
        .all(name) as KeyRow[]
    ).map(toKey);
  }

  revokeKey(name: string, id: string): Result<ApiKeyInfo> {
    this.db
      .prepare('UPDATE user_api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND user = ?')
      .run(this.iso(), id, name);
    const r = this.getKey.get(id) as KeyRow | undefined;
    if (!r || r.user !== name) return err(`user "${name}" has no API key "${id}"`);
    this.cache.forget(id);
    return ok(toKey(r));
  }

  /** Whether a string is shaped like one of our API keys (so the hook can tell it from other schemes). */
  static isKey(key: string): boolean {
    return KEY.test(key);
  }

  /**
   * Whether this exact key was verified within the last minutes (in-process memory, no hashing).
   * Such a key is not held by failed-login limits (else a guesser could lock a script out); it is
   * still checked for revocation by verifyKey.
   */
  recentlyVerified(key: string): boolean {
    const m = KEY.exec(key);
    return m ? this.cache.has(m[1] as string, m[2] as string) : false;
  }

  /** The user of a live API key (not revoked, user enabled); undefined otherwise. */
  async verifyKey(key: string): Promise<{ readonly user: ApiUser; readonly keyId: string } | undefined> {
    const m = KEY.exec(key);
    if (!m) return undefined;
    const [id, secret] = [m[1] as string, m[2] as string];
    const r = this.getKey.get(id) as KeyRow | undefined;
    if (!r) {
      await verifySecret(secret, await decoyHash());
      return undefined;
    }
    if (!this.cache.has(id, secret)) {
      if (!(await verifySecret(secret, r.hash))) return undefined;
      this.cache.remember(id, secret);
    }
    const fresh = this.getKey.get(id) as KeyRow | undefined;
    if (!fresh || fresh.revoked_at !== null) return undefined;
    const u = this.row(fresh.user);
    if (!u || u.disabled_at !== null) return undefined;
    return { user: { name: u.name, role: toUser(u).role }, keyId: id };
  }
}
