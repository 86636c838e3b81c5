/**
 * `accord start` (npm start): the first start reads the sample feeds, generates and ingests the
 * national data set, creates the admin and serves the dashboard, saying where and how to log in;
 * the second start reuses all of it. Real child processes, loopback only, bounded in time.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.js';
import { startCli } from './run-cli.js';

const { dir, cleanup } = tempDir('start');
afterAll(cleanup);

/** Start, wait for the "running" message, fetch a few pages, stop; everything said on the way. */
async function startOnce(): Promise<{
  stdout: string;
  stderr: string;
  home: string;
  me: number;
  feeds: number;
}> {
  const child = startCli(
    ['start', '--db', join(dir, 'data', 'accord.db'), '--port', '0', '--national-rows', '3000'],
    {
      cwd: dir,
      env: { ACCORD_LOG_LEVEL: 'warn' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "running" line in time; stderr:\n${stderr}`)),
        180_000,
      );
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const m = /Accord is running: open (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`accord start exited (${code}); stderr:\n${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 200)); // the rest of the message
    const home = await (await fetch(`${url}/`)).text();
    const me = (await fetch(`${url}/api/v1/auth/me`)).status;
    const password = readFileSync(join(dir, 'data', 'admin-password.txt'), 'utf8').trim();
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const feeds = (
      (await (await fetch(`${url}/api/v1/feeds`, { headers: { cookie } })).json()) as { items: unknown[] }
    ).items.length;
    return { stdout, stderr, home, me, feeds };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

describe('accord start', () => {
  it('loads the samples and a national data set, serves the dashboard and says how to log in; a second start reuses the data', async () => {
    const first = await startOnce();
    expect(first.stderr).toContain('1/3 the sample feeds');
    expect(first.stdout).toMatch(/shadowserver-event4_sinkhole/); // feeds run lines
    expect(first.stdout).toMatch(/National data set into/);
    expect(first.stdout).toMatch(/Log in as admin with the password in .*admin-password\.txt \(created now/);
    expect(first.home).toMatch(/<div id="root">|not built/);
    expect(first.me).toBe(401); // the API wants a login
    expect(first.feeds).toBeGreaterThanOrEqual(5); // the shipped configuration's feeds
    const file = join(dir, 'data', 'admin-password.txt');
    expect(statSync(file).mode & 0o077).toBe(0);
    const password = readFileSync(file, 'utf8');

    const second = await startOnce();
    expect(second.stdout).toMatch(/total: read 0, new events 0/); // the national files were not read again
    expect(second.stdout).toMatch(/Log in as admin with the password in .*admin-password\.txt\.\n/);
    expect(second.stdout).not.toContain('created now');
    expect(readFileSync(file, 'utf8')).toBe(password);
    expect(existsSync(join(dir, 'data', 'accord.db'))).toBe(true);
  }, 400_000);
});
