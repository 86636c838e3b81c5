/**
 * `accord partners` and `accord serve` as a user runs them: the real command, a real SQLite file,
 * a real server on 127.0.0.1 (port 0), credentials printed once and revoked while it runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWLEDGE_COLLECTION } from '../../src/knowledge/knowledge-store.js';
import { tempDir } from './fixtures.js';
import { collect, jsonOut, runCli, startCli } from './run-cli.js';

const { dir, cleanup } = tempDir('partners');
const opts = { cwd: dir, env: { ACCORD_DB: join(dir, 'p.db') } };
afterAll(cleanup);

const TAXII = 'application/taxii+json;version=2.1';

/** Start `accord serve` and wait (bounded) for the address it logs. */
async function startServe(args: readonly string[]) {
  const child = startCli(['serve', '--port', '0', ...args], opts);
  const done = collect(child, 30_000);
  let stderr = '';
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 20_000);
    child.stderr?.on('data', (d: string) => {
      stderr += d;
      const m = /"address":"(https?:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  return { child, done, address };
}

describe('accord partners', () => {
  it('add: checks its options; issues credentials once; show and list never print secrets', async () => {
    const usage = await runCli(['partners', 'add', 'cert-xx', '--country', 'XX', '--max-tlp', 'red'], opts);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/RED never goes out/);
    const badName = await runCli(
      ['partners', 'add', 'Cert XX', '--country', 'XX', '--max-tlp', 'green'],
      opts,
    );
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/partner name/);
    const noRoot = await runCli(
      ['partners', 'add', 'cert-xx', '--country', 'XX', '--max-tlp', 'green', '--remote-auth', 'bearer'],
      opts,
    );
    expect(noRoot.code).toBe(1);
    expect(noRoot.stderr).toMatch(/--remote-api-root/);

    const r = await runCli(
      [
        'partners',
        'add',
        'cert-xx',
        '--country',
        'xx',
        '--max-tlp',
        'amber+strict',
        '--exclude-types',
        'sighting,note',
        '--credential',
        'both',
        '--remote-api-root',
        'https://taxii.cert-xx.example/api1',
        '--remote-auth',
        'basic',
        '--remote-username',
        'accord',
        '--remote-password-env',
        'CERT_XX_PASSWORD',
        '--json',
      ],
      opts,
    );
    expect(r.code, r.stderr).toBe(0);
    const added = jsonOut(r) as {
      partner: Record<string, unknown>;
      credentials: Array<{ id: string; kind: string; secret: string; username?: string }>;
    };
    expect(added.partner).toMatchObject({
      name: 'cert-xx',
      country: 'XX',
      agreement: {
        read: [KNOWLEDGE_COLLECTION],
        write: [],
        maxTlp: 'AMBER+STRICT',
        mayShareOnward: false,
        excludeTypes: ['sighting', 'note'],
      },
      remote: {
        apiRoot: 'https://taxii.cert-xx.example/api1/',
        auth: { kind: 'basic', username: 'accord', passwordEnv: 'CERT_XX_PASSWORD' },
      },
    });
    expect(added.credentials.map((c) => c.kind)).toEqual(['basic', 'api-key']);
    expect(added.credentials[0]?.username).toBe('cert-xx');

    const show = await runCli(['partners', 'show', 'cert-xx'], opts);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/inbox collection/);
    for (const c of added.credentials) {
      expect(show.stdout).toContain(c.id);
      expect(show.stdout).not.toContain(c.secret);
    }
    const list = jsonOut(await runCli(['partners', 'list', '--json'], opts));
    expect(list).toMatchObject({ count: 1 });
    expect(JSON.stringify(list)).not.toContain(added.credentials[0]?.secret);

    const again = await runCli(['partners', 'add', 'cert-xx', '--country', 'XX', '--max-tlp', 'green'], opts);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists/);
    const missing = await runCli(['partners', 'show', 'cert-nobody'], opts);
    expect(missing.code).toBe(1);
  });

  it('serve: partners reach the TAXII server with their credential; a revocation applies at once', async () => {
    const add = jsonOut(
      await runCli(['partners', 'add', 'cert-yy', '--country', 'YY', '--max-tlp', 'green', '--json'], opts),
    ) as { partner: { inboxCollection: string }; credentials: Array<{ id: string; secret: string }> };
    const password = add.credentials[0]?.secret as string;
    const admin = jsonOut(
      await runCli(['partners', 'credential', 'admin', '--kind', 'api-key', '--json'], opts),
    );
    const { child, done, address } = await startServe([]);
    try {
      const call = (path: string, authorization: string) =>
        fetch(`${address}${path}`, {
          headers: { accept: TAXII, authorization },
          signal: AbortSignal.timeout(10_000),
        });
      const basic = `Basic ${Buffer.from(`cert-yy:${password}`).toString('base64')}`;
      const cols = await call('/taxii2/accord/collections/', basic);
      expect(cols.status).toBe(200);
      expect(cols.headers.get('content-type')).toBe(TAXII);
      const ids = ((await cols.json()) as { collections: Array<{ id: string }> }).collections.map(
        (c) => c.id,
      );
      expect(ids).toEqual([KNOWLEDGE_COLLECTION, add.partner.inboxCollection]);
      expect((await call('/taxii2/', `Bearer ${admin.secret}`)).status).toBe(200);

      const revoke = await runCli(
        ['partners', 'revoke', '--credential', add.credentials[0]?.id as string, '--json'],
        opts,
      );
      expect(revoke.code, revoke.stderr).toBe(0);
      const refused = await call('/taxii2/accord/collections/', basic);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/Basic/);
      await refused.arrayBuffer();
    } finally {
      child.kill('SIGTERM');
    }
    const end = await done;
    expect(end.code).toBe(0);
  });

  it('serve --trust-proxy: failed logins are limited per client behind the proxy, not for all', async () => {
    const { child, done, address } = await startServe(['--trust-proxy', '127.0.0.1']);
    try {
      const attempt = (client: string, user: string) =>
        fetch(`${address}/taxii2/`, {
          headers: {
            accept: TAXII,
            authorization: `Basic ${Buffer.from(`${user}:wrong`).toString('base64')}`,
            'x-forwarded-for': client,
          },
          signal: AbortSignal.timeout(10_000),
        });
      // the default limit: 10 failures, each under a different unknown name (only the client counts)
      for (let i = 0; i < 10; i++) {
        const r = await attempt('203.0.113.5', `ghost-${i}`);
        expect(r.status).toBe(401);
        await r.arrayBuffer();
      }
      const limited = await attempt('203.0.113.5', 'ghost-x');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toBe(TAXII);
      await limited.arrayBuffer();
      const other = await attempt('203.0.113.6', 'ghost-y');
      expect(other.status).toBe(401);
      await other.arrayBuffer();
    } finally {
      child.kill('SIGTERM');
    }
    expect((await done).code).toBe(0);
  });

  it('revoke: a partner and all its credentials; needs a name or --credential', async () => {
    const usage = await runCli(['partners', 'revoke'], opts);
    expect(usage.code).toBe(1);
    const r = jsonOut(await runCli(['partners', 'revoke', 'cert-xx', '--json'], opts)) as {
      partner: { revokedAt?: string };
    };
    expect(r.partner.revokedAt).toBeDefined();
    const list = jsonOut(await runCli(['partners', 'list', '--json'], opts)) as {
      partners: Array<{ name: string }>;
    };
    expect(list.partners.map((p) => p.name)).toEqual(['cert-yy']);
    const all = jsonOut(await runCli(['partners', 'list', '--all', '--json'], opts)) as { count: number };
    expect(all.count).toBe(2);
    const shown = jsonOut(await runCli(['partners', 'show', 'cert-xx', '--json'], opts)) as {
      credentials: Array<{ revokedAt?: string }>;
    };
    expect(shown.credentials.every((c) => c.revokedAt !== undefined)).toBe(true);
  });
  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!openssl) console.warn('openssl not found: skipping the accord serve --tls-cert test');

  it.skipIf(!openssl)('serve --tls-cert/--tls-key: HTTPS with the given certificate', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1']
        .concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'])
        .concat(['-keyout', key, '-out', cert]),
      { stdio: 'ignore', timeout: 20_000 },
    );
    const admin = jsonOut(
      await runCli(['partners', 'credential', 'admin', '--kind', 'api-key', '--json'], opts),
    );
    const half = await runCli(['serve', '--tls-cert', cert], opts);
    expect(half.code).toBe(1);
    expect(half.stderr).toMatch(/go together/);
    const { child, done, address } = await startServe(['--tls-cert', cert, '--tls-key', key]);
    try {
      expect(address).toMatch(/^https:/);
      const res = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const r = request(
          `${address}/taxii2/`,
          {
            ca: readFileSync(cert),
            headers: { accept: TAXII, authorization: `Bearer ${admin.secret}` },
            timeout: 10_000,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (d: string) => (body += d));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
            );
          },
        );
        r.on('error', reject);
        r.on('timeout', () => r.destroy(new Error('timeout')));
        r.end();
      });
      expect(res.status).toBe(200);
      expect(res.type).toBe(TAXII);
      expect(JSON.parse(res.body).api_roots).toEqual([`${address}/taxii2/accord/`]);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await done).code).toBe(0);
  });
});
