import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIXED, mixedInput, tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('demo');
afterAll(cleanup);

describe('accord demo', () => {
  it('loads every sample with a sidecar, skips the others, and a second run adds nothing', async () => {
    const samples = join(dir, 'samples');
    mkdirSync(join(samples, 'intelmq'), { recursive: true });
    writeFileSync(join(samples, 'intelmq', 'mixed.jsonl'), mixedInput());
    writeFileSync(
      join(samples, 'intelmq', 'mixed.jsonl.feed.json'),
      JSON.stringify({ format: 'intelmq-jsonl', feed: { name: 'demo-mixed', provider: 'Example CERT' } }),
    );
    writeFileSync(join(samples, 'no-sidecar.txt'), '198.51.100.1\n');
    const args = ['demo', '--samples', samples, '--db', 'demo.db', '--national-rows', '0'];
    const first = await runCli(args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Accord demo: 1 sample file(s)');
    expect(first.stdout).toMatch(/samples\/intelmq\/mixed\.jsonl\s+intelmq-jsonl\s+8\s+4\s+1\s+3/);
    expect(first.stdout).toContain('accord quarantine list --db demo.db');
    expect(first.stderr).toContain('skipping samples/no-sidecar.txt');

    const again = jsonOut(await runCli([...args, '--json'], { cwd: dir }));
    expect(again).toMatchObject({ read: MIXED.read, new: 0, folded: 5, quarantined: 3 });
    expect((again.files as Array<{ feed: string }>)[0]?.feed).toBe('demo-mixed');
  });

  it('zero samples is not an error', async () => {
    const r = await runCli(
      ['demo', '--samples', join(dir, 'none'), '--db', 'empty.db', '--json', '--national-rows', '0'],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ read: 0, new: 0, files: [] });
  });

  it('a bad sidecar is reported with its path and the other samples still load', async () => {
    const samples = join(dir, 'bad');
    mkdirSync(samples);
    writeFileSync(join(samples, 'a.jsonl'), mixedInput());
    writeFileSync(join(samples, 'a.jsonl.feed.json'), '{"feed": {"name": "a"}}');
    writeFileSync(join(samples, 'b.jsonl'), mixedInput());
    writeFileSync(join(samples, 'b.jsonl.feed.json'), '{"fromat": "x"}');
    const r = await runCli(
      ['demo', '--samples', samples, '--db', 'bad.db', '--json', '--national-rows', '0'],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    const s = jsonOut(r);
    expect(s).toMatchObject({ read: 8, new: 4 });
    expect(String((s.failed as Array<{ error: string }>)[0]?.error)).toContain(
      'b.jsonl.feed.json: fromat: unknown key',
    );
  });

  it('generates a national data set once, ingests it once, and shows the situation at a glance', async () => {
    const args = ['demo', '--samples', join(dir, 'none'), '--db', 'national/n.db', '--national-rows', '3000'];
    const first = await runCli(args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /national\/national-cn-1500-seed1-\d{4}-\d{2}-\d{2}\.csv\s+shadowserver\s+1,500\s+1,500\s+0\s+0/,
    );
    expect(first.stdout).toMatch(
      /national\/national-cn-1500-seed2-\d{4}-\d{2}-\d{2}\.csv\s+shadowserver\s+1,500\s+1,500\s+0\s+0/,
    );
    expect(first.stdout).toContain('Domestic hosts seen infected');
    expect(first.stdout).toContain('C2 servers abroad by country');
    const again = await runCli(args, { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already ingested');
    expect(again.stdout).toContain('Domestic hosts seen infected');
  });
});
