/**
 * Who is asking: HTTP Basic (the TAXII default) or a bearer API key, verified by the PartnerStore,
 * with failed attempts limited per client address and per username (or API key id).
 *
 * Attempts being verified count against the limit while they run (FailureLimiter.begin/end), so a
 * burst of guesses sent at once is cut at the same number as guesses sent one by one. A client that
 * sends the same credential on several requests at once (a TAXII client fetching pages in
 * parallel) shares one verification: the same Authorization header in flight is verified once.
 *
 * A credential that succeeded within the last minutes is not held by the limits: otherwise anyone
 * who knows a partner's name (or shares its address) could keep it out by failing on purpose. Only
 * the exact header that succeeded is remembered (as a keyed digest), so this helps no guesser; the
 * store still checks it, revocation included, on every request.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { parseApiKey } from '../../partners/credentials.js';
import type { AuthFailure, PartnerStore, Principal } from '../../partners/partner-store.js';
import type { FailureLimiter } from './rate-limit.js';

export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401; readonly reason: AuthFailure | 'missing' }
  | { readonly ok: false; readonly status: 429; readonly retryAfter: number };

/** WWW-Authenticate challenges sent with every 401. */
export const CHALLENGES = ['Basic realm="accord-taxii", charset="UTF-8"', 'Bearer realm="accord-taxii"'];

/**
 * The rate-limiting key of a client address. An IPv6 client usually holds a whole /64 (and can
 * pick any address in it), so IPv6 addresses count by their /64; IPv4-mapped ones as IPv4.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `ip:${mapped[1]}`;
  const bare = ip.split('%')[0] ?? ip;
  if (!isIPv6(bare)) return `ip:${ip}`;
  const [head = '', tail] = bare.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  const prefix = groups
    .slice(0, 4)
    .map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16).toString(16) : '0'))
    .join(':');
  return `ip6:${prefix}::/64`;
}

type Presented =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly key: string }
  | { readonly kind: 'malformed' };

function presented(header: string): Presented {
  const sp = header.indexOf(' ');
  const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
  const value = sp < 0 ? '' : header.slice(sp + 1).trim();
  if (scheme === 'basic') {
    const text = Buffer.from(value, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon <= 0) return { kind: 'malformed' };
    return { kind: 'basic', username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (scheme === 'bearer' && value !== '') return { kind: 'bearer', key: value };
  return { kind: 'malformed' };
}

type Verified = Awaited<ReturnType<PartnerStore['verifyBasic']>>;

/**
 * What authentication remembers between requests, by a keyed digest of the Authorization header:
 * verifications in flight (bounded by the open requests) and headers that succeeded recently
 * (bounded in number, each for `ttlMs`).
 */
export class AuthMemory {
  readonly inFlight = new Map<string, Promise<Verified>>();
  private readonly recent = new Map<string, number>();
  private readonly key = randomBytes(32);

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxRecent = 10_000,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  digest(authorization: string): string {
    return createHmac('sha256', this.key).update(authorization).digest('base64url');
  }

  succeededRecently(digest: string): boolean {
    const until = this.recent.get(digest);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.recent.delete(digest);
    return false;
  }

  succeeded(digest: string): void {
    this.recent.delete(digest);
    while (this.recent.size >= this.maxRecent) {
      const oldest = this.recent.keys().next();
      if (oldest.done) break;
      this.recent.delete(oldest.value);
    }
    this.recent.set(digest, this.now() + this.ttlMs);
  }

  failed(digest: string): void {
    this.recent.delete(digest);
  }
}

export async function authenticate(
  authorization: string | undefined,
  ip: string,
  partners: PartnerStore,
  limiter: FailureLimiter,
  memory: AuthMemory = new AuthMemory(),
): Promise<AuthOutcome> {
  if (authorization === undefined || authorization.trim() === '')
    return { ok: false, status: 401, reason: 'missing' };
  const p = presented(authorization);
  const ipKey = clientKey(ip);
  const userKey =
    p.kind === 'basic'
      ? `user:${p.username.slice(0, 200)}`
      : p.kind === 'bearer'
        ? `key:${parseApiKey(p.key)?.lookup ?? 'malformed'}`
        : undefined;
  const digest = memory.digest(authorization);
  const shared = memory.inFlight.get(digest);
  let r: Verified;
  if (shared) r = await shared;
  else {
    if (!memory.succeededRecently(digest)) {
      const wait = Math.max(limiter.retryAfter(ipKey), userKey ? limiter.retryAfter(userKey) : 0);
      if (wait > 0) return { ok: false, status: 429, retryAfter: wait };
    }
    const keys = userKey ? [ipKey, userKey] : [ipKey];
    for (const k of keys) limiter.begin(k);
    const verifying: Promise<Verified> =
      p.kind === 'basic'
        ? partners.verifyBasic(p.username, p.password)
        : p.kind === 'bearer'
          ? partners.verifyApiKey(p.key)
          : Promise.resolve({ ok: false, error: 'malformed' } as const);
    memory.inFlight.set(digest, verifying);
    try {
      r = await verifying;
    } finally {
      memory.inFlight.delete(digest);
      for (const k of keys) limiter.end(k);
    }
    if (!r.ok) {
      memory.failed(digest);
      limiter.fail(ipKey);
      if (userKey) limiter.fail(userKey);
    }
  }
  if (r.ok) {
    memory.succeeded(digest);
    if (userKey) limiter.clear(userKey);
    return { ok: true, principal: r.value };
  }
  return { ok: false, status: 401, reason: r.error };
}
