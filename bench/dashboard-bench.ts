// The dashboard's speed on a national data set (issue 5): how long each API call of the overview
// takes, and how long the overview page takes to become usable in Chromium, with a store of
// millions of generated events.
//
//   npm run build
//   npx tsx bench/dashboard-bench.ts --db /path/to/store.db          # an existing store
//   npx tsx bench/dashboard-bench.ts --rows 14000000 --dir /tmp/dash  # generate and ingest first
//
// --rows N generates N event4_sinkhole rows in two files of N/2 rows, 30 days each, one period
// after the other (so the overview has a period and a previous one), and ingests them with
// `accord ingest` (progress on stderr); a store already in --dir is reused. Then it starts the
// real `accord serve` on loopback, logs in as an analyst, and times:
//   - each overview API call (the calls web/src/pages/overview makes: auth/me, stats, stats/daily),
//     unfiltered and filtered by the top C2 country, family and network: one cold call, then
//     --runs warm ones (median, p95, max);
//   - the overview page in Chromium (/usr/bin/chromium): from navigation to the four headline
//     figures showing numbers and the world map drawn, --page-runs times.
// Every loop is bounded in count; every request goes to 127.0.0.1.
/// <reference lib="dom" />
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    rows: { type: 'string' },
    dir: { type: 'string', default: 'bench/out/dashboard' },
    runs: { type: 'string', default: '10' },
    'page-runs': { type: 'string', default: '5' },
    country: { type: 'string', default: 'CN' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const MAIN = join(root, 'bin/accord.js');
const runs = Math.min(100, Math.max(1, Number(values.runs)));
const pageRuns = Math.min(20, Math.max(1, Number(values['page-runs'])));
const log = (m: string) => process.stderr.write(`${m}\n`);
const env = { ...process.env, ACCORD_COUNTRY: values.country, ACCORD_LOG_LEVEL: 'info' };

function accord(args: string[], input?: string): string {
  return execFileSync(process.execPath, [MAIN, ...args], {
    env,
    input,
    stdio: ['pipe', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

log(
  `machine: ${cpus().length} cpu (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}`,
);

// 1. The store.
let db = values.db;
if (!db) {
  const rows = Number(values.rows ?? '14000000');
  const dir = values.dir as string;
  mkdirSync(dir, { recursive: true });
  db = join(dir, `dashboard-${rows}.db`);
  if (existsSync(db)) log(`reusing ${db}`);
  else {
    const half = Math.ceil(rows / 2);
    const today = Date.now();
    for (const [seed, daysAgo] of [
      [1, 61],
      [2, 31],
    ] as const) {
      const date = new Date(today - daysAgo * 86_400_000).toISOString().slice(0, 10);
      const csv = join(dir, `national-${half}-seed${seed}-${date}.csv`);
      if (!existsSync(csv)) {
        log(`generating ${half} rows from ${date} over 30 days: ${csv}`);
        accord([
          'generate',
          '--rows',
          String(half),
          '--seed',
          String(seed),
          '--date',
          date,
          '--days',
          '30',
          '--out',
          csv,
        ]);
      }
      log(`ingesting ${csv}`);
      const t = Date.now();
      execFileSync(process.execPath, [MAIN, 'ingest', csv, '--db', db], { env, stdio: 'inherit' });
      log(`  ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }
}
const counts = JSON.parse(accord(['stats', '--db', db, '--json'])) as {
  period: { since: string; until: string };
  infectedHosts: { current: number };
  c2ByCountry: Array<{ key: string | null }>;
  c2ByFamily: Array<{ key: string | null }>;
  topNetworks: Array<{ key: string | null }>;
};
const reader = new Database(db, { readonly: true });
const stored = reader.prepare('SELECT count(*) AS n, sum(count) AS events FROM observations').get() as {
  n: number;
  events: number;
};
reader.close();
log(
  `store ${db}: ${stored.events.toLocaleString('en')} events in ${stored.n.toLocaleString('en')} observations; period ${counts.period.since}..${counts.period.until}: ${counts.infectedHosts.current.toLocaleString('en')} infected hosts`,
);

// 2. The server and a user.
const user = `bench-${process.pid}`;
const password = `bench-password-${process.pid}`;
accord(['users', 'add', user, '--role', 'analyst', '--password-stdin', '--db', db], `${password}\n`);
const server: ChildProcess = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--db', db], {
  env,
  stdio: ['ignore', 'ignore', 'pipe'],
});
const base = await new Promise<string>((resolve, reject) => {
  let err = '';
  const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 120_000);
  server.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    const m = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(err);
    if (m?.[1]) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  server.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
});

try {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;

  // 3. The API calls of the overview.
  const period = `since=${counts.period.since}&until=${counts.period.until}`;
  const filters: Array<[string, string]> = [['', '']];
  const pick = (rows: Array<{ key: string | null }>) => rows.find((r) => r.key !== null)?.key;
  const cc = pick(counts.c2ByCountry);
  const family = pick(counts.c2ByFamily);
  const network = pick(counts.topNetworks);
  if (cc) filters.push(['c2Country', cc]);
  if (family) filters.push(['family', family]);
  if (network) filters.push(['network', network]);
  const rowsOut: string[] = [];
  const time = async (url: string) => {
    const t = performance.now();
    const r = await fetch(`${base}${url}`, { headers: { cookie } });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
    return performance.now() - t;
  };
  const calls = ['/api/v1/auth/me'];
  for (const [k, v] of filters) {
    const f = k ? `&${k}=${encodeURIComponent(v)}` : '';
    calls.push(`/api/v1/stats?${period}&top=10${f}`, `/api/v1/stats/daily?${period}${f}`);
  }
  let worst = 0;
  for (const url of calls) {
    const cold = await time(url);
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await time(url));
    warm.sort((a, b) => a - b);
    const q = (p: number) => warm[Math.min(warm.length - 1, Math.floor(p * warm.length))] as number;
    worst = Math.max(worst, cold, q(1));
    rowsOut.push(
      `| \`${url.replace(period, '<period>')}\` | ${cold.toFixed(0)} | ${q(0.5).toFixed(0)} | ${q(0.95).toFixed(0)} | ${q(1).toFixed(0)} |`,
    );
  }
  console.log('| call | cold ms | median ms | p95 ms | max ms |\n|---|---|---|---|---|');
  console.log(rowsOut.join('\n'));
  console.log(`slowest call: ${worst.toFixed(0)} ms (target: under 300 ms each)`);

  // 4. The page.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const times: number[] = [];
    for (let i = 0; i < pageRuns; i++) {
      const t = performance.now();
      await page.goto(`${base}/?${period}`);
      for (const id of [
        'figure-infected-hosts',
        'figure-hosts-c2-abroad',
        'figure-c2-servers-abroad',
        'figure-compromised-websites',
      ])
        await page.waitForFunction(
          (tid) => /\d/.test(document.querySelector(`[data-testid="${tid}"]`)?.textContent ?? ''),
          id,
          { timeout: 30_000 },
        );
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid="world-map"] canvas, [data-testid="world-map"] svg') !== null,
        undefined,
        { timeout: 30_000 },
      );
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `overview page usable (figures and map): median ${times[Math.floor(times.length / 2)]?.toFixed(0)} ms, max ${times[times.length - 1]?.toFixed(0)} ms over ${pageRuns} loads (target: under 2 s)`,
    );
  } finally {
    await browser.close();
  }
} finally {
  server.kill('SIGTERM');
  try {
    accord(['users', 'disable', user, '--db', db]);
  } catch {
    // the bench user stays; it is only a name in a bench store
  }
}
