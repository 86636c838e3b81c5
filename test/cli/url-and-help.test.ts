import { writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixedInput, tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('url');
let server: Server;
let base = '';
const open = new Set<ServerResponse>();

beforeAll(async () => {
  const good = mixedInput();
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    if (req.url === '/feed.jsonl') res.end(good);
    else if (req.url === '/missing') {
      res.writeHead(404);
      res.end();
    } else if (req.url === '/error') {
      res.writeHead(500);
      res.end();
    } else if (req.url === '/stall') {
      const head = good.subarray(0, good.indexOf('\n', good.indexOf('\n') + 1) + 1); // two whole lines
      res.writeHead(200, { 'content-length': good.length * 10 });
      res.write(Buffer.concat([head, Buffer.from('{"feed.na')]));
    } // anything else: never answers
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of open) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  cleanup();
});

describe('accord ingest <url>', () => {
  it('ingests a URL', async () => {
    const r = await runCli(['ingest', `${base}/feed.jsonl`, '--db', 'u.db', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ status: 'ok', source: `${base}/feed.jsonl`, read: 8, new: 4 });
  });

  it('404, 500 and a silent server: a message naming URL and status, exit 2', async () => {
    const a = await runCli(['ingest', `${base}/missing`, '--db', 'u.db', '--json'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`cannot read ${base}/missing: HTTP 404 Not Found`);
    expect(a.stdout).toBe('');
    const b = await runCli(['ingest', `${base}/error`, '--db', 'u.db'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${base}/error: HTTP 500 Internal Server Error`);
    const c = await runCli(['ingest', `${base}/silent`, '--db', 'u.db', '--timeout', '0.5'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`${base}/silent: no answer within 0.5 s`);
  });

  it('a stalled download: what arrived is kept, the run is failed, exit 2', async () => {
    const r = await runCli(['ingest', `${base}/stall`, '--db', 's.db', '--timeout', '0.5', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    const s = jsonOut(r);
    expect(s).toMatchObject({ status: 'failed', read: 2, new: 2 });
    expect(String(s.error)).toContain('stalled');
    expect(r.stderr).toContain('the records read before are kept');
  });
});

const COMMANDS = [
  [],
  ['ingest'],
  ['quarantine'],
  ['quarantine', 'list'],
  ['quarantine', 'show'],
  ['quarantine', 'export'],
  ['demo'],
];

describe('help', () => {
  it('every command and subcommand has help with examples; exit codes are documented', async () => {
    for (const c of COMMANDS) {
      const r = await runCli([...c, '--help'], { cwd: dir });
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout, c.join(' ')).toContain(`Usage: accord ${c.join(' ')}`.trimEnd());
      expect(r.stdout, c.join(' ')).toContain('Examples:');
      expect(r.stdout, c.join(' ')).toMatch(/\$ accord /);
    }
    const top = await runCli(['--help'], { cwd: dir });
    expect(top.stdout).toContain('Exit codes:');
    expect(top.stdout).toMatch(/2 {2}an input could not be read/);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command is a usage error', async () => {
    writeFileSync(join(dir, 'x'), '');
    const r = await runCli(['frobnicate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
