import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.js';
import { collect, jsonOut, runCli, startCli } from './run-cli.js';

const { dir, cleanup } = tempDir('feeds');
afterAll(cleanup);

const SAMPLES = fileURLToPath(new URL('../../samples/accord.yaml', import.meta.url));

function writeConfig(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('accord feeds', () => {
  it('lists every problem of a bad config with its path, exit 1, nothing created', async () => {
    const f = writeConfig(
      'bad.yaml',
      `feeds:
  - name: a
    source: https://evil.example.net/x
  - name: b
    source: b.txt
    schedule: every banana
    colour: blue
`,
    );
    const r = await runCli(['feeds', 'list', '--config', f], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}: feeds[0].source: host "evil.example.net" is not in allowed_hosts`);
    expect(r.stderr).toContain(
      `${f}: feeds[1].schedule: "every banana" is not a duration or a cron schedule`,
    );
    expect(r.stderr).toContain(`${f}: feeds[1].colour: unknown key`);
    const missing = await runCli(['feeds', 'list'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no config file at ./accord.yaml');
  });

  it('runs the shipped sample config, then lists the feeds with their health (ACCORD_CONFIG)', async () => {
    const env = { ACCORD_CONFIG: SAMPLES };
    const run = await runCli(['feeds', 'run', '--db', 'samples.db', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const out = jsonOut(run) as {
      failed: number;
      feeds: Array<{ feed: string; status: string; read: number }>;
    };
    expect(out.failed).toBe(0);
    expect(out.feeds.length).toBeGreaterThanOrEqual(7);
    for (const f of out.feeds) expect(f.read, f.feed).toBeGreaterThan(0);
    const list = await runCli(['feeds', 'list', '--db', 'samples.db', '--json'], { cwd: dir, env });
    expect(list.code, list.stderr).toBe(0);
    const feeds = (
      jsonOut(list) as { feeds: Array<{ name: string; health: Record<string, unknown> | null }> }
    ).feeds;
    const c2 = feeds.find((f) => f.name === 'example-c2-list');
    expect(c2?.health).toMatchObject({ lastStatus: 'ok', lastRead: 5, lastQuarantined: 0, failures: 0 });
    const text = await runCli(['feeds', 'list', '--db', 'samples.db'], { cwd: dir, env });
    expect(text.stdout).toMatch(
      /example-c2-list\s+mapped-csv\s+every 30m\s+ok\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+5\/0/,
    );
  });

  it('runs one named feed; an unknown name is a usage error', async () => {
    const r = await runCli(['feeds', 'run', 'example-scanners', '--config', SAMPLES, '--db', 'one.db'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^example-scanners: ok: read 5, new 5, folded 0, quarantined 0/);
    const bad = await runCli(['feeds', 'run', 'nope', '--config', SAMPLES, '--db', 'one.db'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no feed named "nope"');
  });

  it('a failing feed makes exit code 2 and is listed with its error', async () => {
    const f = writeConfig('failing.yaml', 'feeds:\n  - { name: gone, source: gone/*.txt, schedule: 1h }\n');
    const r = await runCli(['feeds', 'run', '--config', f, '--db', 'failing.db'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`gone: FAILED: ${join(dir, 'gone/*.txt')}: no file matches`);
    const list = await runCli(['feeds', 'list', '--config', f, '--db', 'failing.db'], { cwd: dir });
    expect(list.stdout).toMatch(/gone: last error .* \(1 failed run\(s\) in a row\): .*no file matches/);
  });

  it('watch polls on schedule and stops gracefully on SIGINT', async () => {
    writeFileSync(join(dir, 'w.txt'), '192.0.2.10\n192.0.2.11\n');
    const f = writeConfig(
      'watch.yaml',
      'feeds:\n  - { name: w, source: w.txt, format: ip-list, classification: scanner, schedule: every 300ms }\n',
    );
    const child = startCli(['feeds', 'watch', '--config', f, '--db', 'watch.db', '--json'], { cwd: dir });
    const done = collect(child, 20_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100 && out.split('\n').filter(Boolean).length < 3; i++)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const runs = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { feed: string; status: string; read: number; nextRunAt: string | null });
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.every((x) => x.feed === 'w' && x.status === 'ok' && x.read === 2)).toBe(true);
    expect(r.stderr).toContain('SIGINT: stopping');
    const list = jsonOut(
      await runCli(['feeds', 'list', '--config', f, '--db', 'watch.db', '--json'], { cwd: dir }),
    );
    expect((list.feeds as Array<{ health: { lastStatus: string } }>)[0]?.health.lastStatus).toBe('ok');
  });

  it('watch --for stops by itself; without a scheduled feed it is a usage error', async () => {
    const f = writeConfig(
      'for.yaml',
      'feeds:\n  - { name: w, source: w.txt, format: ip-list, classification: scanner, schedule: every 10m }\n',
    );
    const t0 = Date.now();
    const r = await runCli(['feeds', 'watch', '--config', f, '--db', 'for.db', '--for', '500ms'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const none = writeConfig('none.yaml', 'feeds:\n  - { name: w, source: w.txt }\n');
    const n = await runCli(['feeds', 'watch', '--config', none, '--db', 'for.db'], { cwd: dir });
    expect(n.code).toBe(1);
    expect(n.stderr).toContain('has a schedule');
  });
});
