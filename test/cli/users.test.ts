/**
 * `accord users` and the dashboard/API side of `accord serve` as a user runs them: the real
 * command, a real SQLite file, a real server on 127.0.0.1 (port 0).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.js';
import { collect, jsonOut, runCli, startCli } from './run-cli.js';

const { dir, cleanup } = tempDir('users');
const opts = { cwd: dir, env: { ACCORD_DB: join(dir, 'u.db') } };
afterAll(cleanup);

async function startServe() {
  const child = startCli(['serve', '--port', '0'], opts);
  const done = collect(child, 30_000);
  let stderr = '';
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 20_000);
    child.stderr?.on('data', (d: string) => {
      stderr += d;
      const m = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
      if (m && stderr.includes('dashboard')) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  return { child, done, address };
}

const login = (address: string, username: string, password: string) =>
  fetch(`${address}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('accord serve, first start', () => {
  it('creates admin with a password in admin-password.txt (0600), once; the API and / answer', async () => {
    const s = await startServe();
    const file = join(dir, 'admin-password.txt');
    try {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, 'utf8').trim();
      const ok = await login(s.address, 'admin', password);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly/);
      const bad = await login(s.address, 'admin', 'wrong password!');
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ error: { code: 'ACCORD_BAD_CREDENTIALS' } });
      const home = await fetch(`${s.address}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(home.headers.get('x-frame-options')).toBe('DENY');
      const docs = await fetch(`${s.address}/api/docs/json`);
      expect(((await docs.json()) as { info: { title: string } }).info.title).toBe('Accord API');
    } finally {
      s.child.kill('SIGTERM');
    }
    const r = await s.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`log in as admin, password in ${file}`);
    // A second start reuses the users: no new password.
    const before = readFileSync(file, 'utf8');
    const again = await startServe();
    again.child.kill('SIGTERM');
    const r2 = await again.done;
    expect(r2.stderr).not.toContain('log in as admin');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('accord users', () => {
  it('add, list, passwd, key, disable; secrets printed once, never listed', async () => {
    const help = await runCli(['users', '--help'], opts);
    expect(help.stdout).toContain('read-only');
    for (const sub of ['add', 'list', 'passwd', 'disable', 'key'])
      expect((await runCli(['users', sub, '--help'], opts)).code).toBe(0);

    const badRole = await runCli(['users', 'add', 'alice', '--role', 'boss'], opts);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/read-only, analyst or admin/);

    const added = jsonOut(await runCli(['users', 'add', 'alice', '--role', 'analyst', '--json'], opts));
    expect(added.user).toMatchObject({ name: 'alice', role: 'analyst' });
    expect(String(added.password).length).toBeGreaterThanOrEqual(32);

    const fromStdin = await runCli(['users', 'add', 'bob', '--role', 'read-only', '--password-stdin'], {
      ...opts,
      input: 'bobs long password\n',
    });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).not.toContain('bobs long password');
    const short = await runCli(['users', 'add', 'carl', '--role', 'read-only', '--password-stdin'], {
      ...opts,
      input: 'short',
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12/);
    const dup = await runCli(['users', 'add', 'alice', '--role', 'admin'], opts);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/exists already/);

    const list = jsonOut(await runCli(['users', 'list', '--json'], opts));
    expect((list.users as { name: string }[]).map((u) => u.name)).toEqual(['admin', 'alice', 'bob']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|password/);

    const pw = jsonOut(await runCli(['users', 'passwd', 'alice', '--json'], opts));
    expect(pw.password).not.toBe(added.password);

    const key = jsonOut(await runCli(['users', 'key', 'alice', '--label', 'cron', '--json'], opts));
    expect(String(key.key)).toMatch(/^accu\.[0-9a-f]{16}\./);
    const keys = await runCli(['users', 'key', 'alice', '--list'], opts);
    expect(keys.stdout).toContain('cron');
    expect(keys.stdout).not.toContain(String(key.key).split('.')[2]);

    // The key works against a running server, and disabling alice refuses it at the next request.
    const s = await startServe();
    try {
      const auth = { authorization: `Bearer ${String(key.key)}` };
      expect((await fetch(`${s.address}/api/v1/auth/me`, { headers: auth })).status).toBe(200);
      expect((await login(s.address, 'bob', 'bobs long password')).status).toBe(200);
      const disabled = await runCli(['users', 'disable', 'alice'], opts);
      expect(disabled.code).toBe(0);
      expect((await fetch(`${s.address}/api/v1/auth/me`, { headers: auth })).status).toBe(401);
    } finally {
      s.child.kill('SIGTERM');
      await s.done;
    }
    const missing = await runCli(['users', 'passwd', 'nobody'], opts);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no user "nobody"/);
  });
});
