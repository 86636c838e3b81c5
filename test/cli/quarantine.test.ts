import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIXED, mixedInput, tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('quarantine');
const opts = { cwd: dir, env: { ACCORD_DB: join(dir, 'q.db') } };

beforeAll(async () => {
  writeFileSync(join(dir, 'mixed.jsonl'), mixedInput());
  const r = await runCli(['ingest', 'mixed.jsonl', '--json'], opts);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanup);

interface Entry {
  id: string;
  feed: string;
  source: string;
  line: number;
  reason: string;
  raw: string;
  rawEncoding: string;
  rawBase64?: string;
  rawHex?: string;
}

describe('accord quarantine', () => {
  it('list: every entry with feed, file:line and reason; --json, --limit, --feed', async () => {
    const r = await runCli(['quarantine', 'list'], opts);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^[0-9a-f]{24} {2}mixed {2}mixed\.jsonl:3 {2}source\.ip: 10\.1\.2\.3 is not a public/m,
    );
    expect(r.stdout).toContain('mixed.jsonl:5  not valid JSON');
    expect(r.stdout).toContain('mixed.jsonl:7  invalid UTF-8');
    const j = jsonOut(await runCli(['quarantine', 'list', '--json'], opts)) as {
      count: number;
      entries: Entry[];
    };
    expect(j.count).toBe(MIXED.quarantined);
    expect(j.entries.map((e) => e.line)).toEqual([3, 5, 7]);
    const one = jsonOut(await runCli(['quarantine', 'list', '--json', '--limit', '1'], opts));
    expect(one.count).toBe(1);
    const none = await runCli(['quarantine', 'list', '--feed', 'other'], opts);
    expect(none.stdout).toContain('quarantine is empty for feed "other"');
    expect((await runCli(['quarantine', 'list', '--limit', 'x'], opts)).code).toBe(1);
  });

  it('show: reason, feed, file, line and raw; hex and base64 for non-UTF-8 bytes', async () => {
    const j = jsonOut(await runCli(['quarantine', 'list', '--json'], opts)) as { entries: Entry[] };
    const bin = j.entries.find((e) => e.line === 7) as Entry;
    const shown = await runCli(['quarantine', 'show', bin.id], opts);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('file     mixed.jsonl:7');
    expect(shown.stdout).toContain('reason   invalid UTF-8');
    const line7 = mixedInput().toString('latin1').split('\n')[6] as string;
    const bytes = Buffer.from(line7, 'latin1');
    expect(shown.stdout).toContain(`hex    ${bytes.toString('hex')}`);
    const sj = jsonOut(await runCli(['quarantine', 'show', bin.id, '--json'], opts)) as unknown as Entry;
    expect(sj).toMatchObject({ id: bin.id, feed: 'mixed', line: 7, rawEncoding: 'bytes' });
    expect(Buffer.from(sj.rawBase64 as string, 'base64').equals(bytes)).toBe(true);
    const text = j.entries.find((e) => e.line === 5) as Entry;
    const st = jsonOut(await runCli(['quarantine', 'show', text.id, '--json'], opts)) as unknown as Entry;
    expect(st).toMatchObject({ rawEncoding: 'utf8', raw: '{"feed.name": "cli-test", not json' });
    const missing = await runCli(['quarantine', 'show', 'ffffffffffffffffffffffff'], opts);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no quarantine entry with id ffffffffffffffffffffffff');
  });

  it('export: every entry as JSON lines or CSV, to stdout or a file', async () => {
    const jl = await runCli(['quarantine', 'export'], opts);
    expect(jl.code, jl.stderr).toBe(0);
    const rows = jl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry);
    expect(rows.map((r) => r.line)).toEqual([3, 5, 7]);
    const out = await runCli(['quarantine', 'export', '--format', 'csv', '--out', 'q.csv', '--json'], opts);
    expect(out.code, out.stderr).toBe(0);
    expect(jsonOut(out)).toEqual({ exported: 3, format: 'csv', out: 'q.csv' });
    const csv = readFileSync(join(dir, 'q.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('id,at,feed,source,format,line,reason,field,raw,raw_base64');
    expect(csv.filter((l) => l !== '').length).toBe(4);
    expect(csv[2]).toContain(',"{""feed.name"": ""cli-test"", not json",');
    const bad = await runCli(['quarantine', 'export', '--format', 'xml'], opts);
    expect(bad.code).toBe(1);
  });

  it('export streams past one page (more than 1,000 entries)', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `{"feed.name": "many", broken ${i}`).join('\n');
    writeFileSync(join(dir, 'many.jsonl'), `${lines}\n`);
    const env = { ACCORD_DB: join(dir, 'many.db') };
    const ing = await runCli(['ingest', 'many.jsonl', '--format', 'intelmq-jsonl', '--json'], {
      cwd: dir,
      env,
    });
    expect(jsonOut(ing)).toMatchObject({ read: 2500, quarantined: 2500 });
    const ex = await runCli(['quarantine', 'export', '--feed', 'many'], { cwd: dir, env });
    const got = ex.stdout.trim().split('\n');
    expect(got.length).toBe(2500);
    expect(new Set(got.map((l) => (JSON.parse(l) as Entry).line)).size).toBe(2500);
  });

  it('a missing database is an input error (exit 2), not a new empty store', async () => {
    const r = await runCli(['quarantine', 'list', '--db', 'nope.db'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no database at');
  });
});
