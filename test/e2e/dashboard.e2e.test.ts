/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against a real
 * `accord serve` (child process, loopback) over a store the real `accord demo` filled. What an
 * analyst does on a first morning: log in, read the overview (its numbers are `accord stats
 * --json`'s), click a country, pivot on a C2 server, and what must not work: a wrong password, an
 * analyst on the admin pages. Screenshots of every page go to test-output/screenshots/.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOut, runCli, startCli } from '../cli/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../test-output/screenshots/', import.meta.url).pathname;
const SAMPLE_CONFIG = new URL('../../samples/accord.yaml', import.meta.url).pathname;
const ANALYST_PASSWORD = 'analyst-password-for-e2e';

let dir: string;
let db: string;
let server: ChildProcess | undefined;
let base: string;
let browser: Browser | undefined;
let adminPassword: string;
let stats: StatsJson;

interface Compared {
  readonly current: number;
}
interface StatsJson {
  readonly period: { readonly since: string; readonly until: string };
  readonly infectedHosts: Compared;
  readonly hostsTalkingToC2Abroad: Compared;
  readonly c2ServersAbroad: Compared;
  readonly compromisedWebsites: Compared;
  readonly c2ByCountry: ReadonlyArray<{ key: string | null; servers: Compared; hosts: Compared }>;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const env = { ACCORD_COUNTRY: 'CN', ACCORD_LOG_LEVEL: 'info' };

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function newSession(): Promise<{ context: BrowserContext; page: Page }> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  return { context, page };
}

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The figure's text, once it shows a number. */
async function figure(page: Page, id: string): Promise<string> {
  const el = page.getByTestId(id);
  await expect.poll(async () => /\d/.test((await el.textContent()) ?? ''), { timeout: 30_000 }).toBe(true);
  return ((await el.textContent()) ?? '').trim();
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-e2e-'));
    db = join(dir, 'data', 'accord.db');
    const demo = await runCli(['demo', '--db', db, '--national-rows', '20000', '--json'], {
      cwd: dir,
      env,
      timeoutMs: 240_000,
    });
    expect(demo.code, demo.stderr).toBe(0);
    stats = jsonOut(
      await runCli(['stats', '--db', db, '--country', 'CN', '--json'], { cwd: dir, env }),
    ) as unknown as StatsJson;
    expect(stats.infectedHosts.current).toBeGreaterThan(0);

    // With the sample configuration: its feeds are what the Feeds page lists.
    server = startCli(['serve', '--port', '0', '--db', db, '--config', SAMPLE_CONFIG], { cwd: dir, env });
    let stderr = '';
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 60_000);
      server?.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const m = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      server?.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    // The first start made the admin and wrote its password beside the store; then an analyst.
    adminPassword = readFileSync(join(dir, 'data', 'admin-password.txt'), 'utf8').trim();
    const added = await runCli(['users', 'add', 'ana', '--role', 'analyst', '--password-stdin', '--db', db], {
      cwd: dir,
      input: `${ANALYST_PASSWORD}\n`,
    });
    expect(added.code, added.stderr).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a wrong password and says so', async () => {
    const { context, page } = await newSession();
    try {
      await logIn(page, 'admin', 'not-the-password');
      await expect.poll(() => page.getByTestId('login-error').isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await page.getByTestId('figure-infected-hosts').count()).toBe(0);
      await shot(page, 'login-refused');
    } finally {
      await context.close();
    }
  });

  it('shows the figures accord stats gives, and a click on a country filters the page', async () => {
    const { context, page } = await newSession();
    try {
      await logIn(page, 'admin', adminPassword);
      expect(await figure(page, 'figure-infected-hosts')).toBe(fmt(stats.infectedHosts.current));
      expect(await figure(page, 'figure-hosts-c2-abroad')).toBe(fmt(stats.hostsTalkingToC2Abroad.current));
      expect(await figure(page, 'figure-c2-servers-abroad')).toBe(fmt(stats.c2ServersAbroad.current));
      expect(await figure(page, 'figure-compromised-websites')).toBe(fmt(stats.compromisedWebsites.current));
      await expect.poll(() => page.getByTestId('world-map').isVisible(), { timeout: 20_000 }).toBe(true);
      await shot(page, 'overview');

      const top = stats.c2ByCountry.find((r) => r.key !== null);
      if (!top?.key) throw new Error('no C2 country in the stats');
      await page.getByTestId(`country-row-${top.key}`).click();
      await expect
        .poll(async () => (await page.getByTestId('active-filter').textContent()) ?? '', { timeout: 20_000 })
        .toMatch(new RegExp(top.key));
      await expect
        .poll(async () => (await page.getByTestId('figure-c2-servers-abroad').textContent())?.trim(), {
          timeout: 20_000,
        })
        .toBe(fmt(top.servers.current));
      expect(await figure(page, 'figure-hosts-c2-abroad')).toBe(fmt(top.hosts.current));
      expect(page.url()).toContain(top.key);
      await shot(page, 'overview-filtered');
    } finally {
      await context.close();
    }
  });

  it('pivots on a known C2 server and shows the hosts it controls', async () => {
    // The C2 server with the most hosts in the stats period, and one of its hosts, from the store itself.
    const sqlite = new Database(db, { readonly: true });
    const c2 = sqlite
      .prepare(
        `SELECT destination_ip AS ip, count(DISTINCT source) AS hosts FROM observations
         WHERE type = 'infected-system' AND destination_ip IS NOT NULL AND day BETWEEN ? AND ?
         GROUP BY destination_ip ORDER BY hosts DESC LIMIT 1`,
      )
      .get(stats.period.since, stats.period.until) as { ip: string; hosts: number };
    const host = sqlite
      .prepare(`SELECT source FROM observations WHERE destination_ip = ? ORDER BY source LIMIT 1`)
      .get(c2.ip) as { source: string };
    sqlite.close();
    const { context, page } = await newSession();
    try {
      await logIn(page, 'admin', adminPassword);
      await figure(page, 'figure-infected-hosts');
      await page.goto(`${base}/pivot?q=${encodeURIComponent(c2.ip)}`);
      const hosts = page.getByTestId('pivot-hosts');
      await expect
        .poll(async () => (await hosts.textContent()) ?? '', { timeout: 30_000 })
        .toContain(host.source);
      await shot(page, 'pivot-c2');

      await page.getByTestId('pivot-input').fill(host.source);
      await page.getByTestId('pivot-submit').click();
      await expect
        .poll(async () => (await page.getByTestId('pivot-c2s').textContent()) ?? '', { timeout: 30_000 })
        .toContain(c2.ip);
      await shot(page, 'pivot-host');

      await page.goto(`${base}/feeds`);
      await expect.poll(() => page.getByTestId('feeds-table').isVisible(), { timeout: 20_000 }).toBe(true);
      await shot(page, 'feeds');
      await page.goto(`${base}/partners`);
      await expect.poll(() => page.getByTestId('nav-partners').isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await page.getByTestId('not-allowed').count()).toBe(0);
      await shot(page, 'partners');
      await page.goto(`${base}/report`);
      await expect.poll(() => page.getByTestId('report-frame').isVisible(), { timeout: 60_000 }).toBe(true);
      await shot(page, 'report');
    } finally {
      await context.close();
    }
  });

  it('keeps an analyst out of the admin pages, in the page and in the API', async () => {
    const { context, page } = await newSession();
    try {
      await logIn(page, 'ana', ANALYST_PASSWORD);
      await figure(page, 'figure-infected-hosts');
      await page.goto(`${base}/partners`);
      await expect.poll(() => page.getByTestId('not-allowed').isVisible(), { timeout: 20_000 }).toBe(true);
      await shot(page, 'partners-analyst');
      const api = await page.evaluate(async () => {
        const r = await fetch('/api/v1/partners', { credentials: 'same-origin' });
        return { status: r.status, body: (await r.json()) as { error?: { code?: string } } };
      });
      expect(api.status).toBe(403);
      expect(api.body.error?.code).toBe('ACCORD_FORBIDDEN');
    } finally {
      await context.close();
    }
  });
});
