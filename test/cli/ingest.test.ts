import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIXED, mixedInput, tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('ingest');
beforeAll(() => writeFileSync(join(dir, 'mixed.jsonl'), mixedInput()));
afterAll(cleanup);

const count = (db: string, table: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    d.close();
  }
};

describe('accord ingest', () => {
  it('--json prints one object with the counts, and read = new + folded + quarantined', async () => {
    const r = await runCli(['ingest', 'mixed.jsonl', '--db', 'a.db', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const s = jsonOut(r);
    for (const k of ['read', 'new', 'folded', 'quarantined', 'seconds', 'newObservations', 'eventsPerSecond'])
      expect(typeof s[k], k).toBe('number');
    expect({ read: s.read, new: s.new, folded: s.folded, quarantined: s.quarantined }).toEqual(MIXED);
    expect(s.status).toBe('ok');
    expect(s.format).toBe('intelmq-jsonl');
    expect(s.db).toBe('a.db');
    // each quarantined record is logged with file:line and reason
    expect(r.stderr).toContain('mixed.jsonl:3: source.ip: 10.1.2.3 is not a public address');
    expect(r.stderr).toContain('mixed.jsonl:5: not valid JSON');
    expect(r.stderr).toContain('mixed.jsonl:7: invalid UTF-8');
    expect(count(join(dir, 'a.db'), 'events')).toBe(MIXED.new);
    expect(count(join(dir, 'a.db'), 'quarantine')).toBe(MIXED.quarantined);

    // The same input again: nothing new, everything folded or quarantined again (not duplicated).
    const again = jsonOut(await runCli(['ingest', 'mixed.jsonl', '--db', 'a.db', '--json'], { cwd: dir }));
    expect(again).toMatchObject({ read: 8, new: 0, folded: 5, quarantined: 3, newObservations: 0 });
    expect(count(join(dir, 'a.db'), 'events')).toBe(MIXED.new);
    expect(count(join(dir, 'a.db'), 'quarantine')).toBe(MIXED.quarantined);
  });

  it('prints a human summary without --json', async () => {
    const r = await runCli(['ingest', 'mixed.jsonl', '--db', 'h.db'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/read\s+8\n/);
    expect(r.stdout).toMatch(/new events\s+4\n/);
    expect(r.stdout).toMatch(/folded\s+1 /);
    expect(r.stdout).toMatch(/quarantined\s+3 .*accord quarantine list/);
    expect(r.stdout).toMatch(/new observations\s+4\n/);
    expect(r.stdout).toMatch(/elapsed\s+[\d.]+ s\n/);
    expect(r.stdout).toMatch(/events\/s\s+[\d,]+\n/);
  });

  it('chooses the store: --db, else ACCORD_DB, else ./data/accord.db', async () => {
    const sub = join(dir, 'where');
    mkdirSync(sub);
    writeFileSync(join(sub, 'in.jsonl'), mixedInput());
    expect((await runCli(['ingest', 'in.jsonl', '--json'], { cwd: sub })).code).toBe(0);
    expect(existsSync(join(sub, 'data/accord.db'))).toBe(true);
    const env = { ACCORD_DB: join(sub, 'env.db') };
    expect(jsonOut(await runCli(['ingest', 'in.jsonl', '--json'], { cwd: sub, env })).db).toBe(env.ACCORD_DB);
    expect(count(env.ACCORD_DB, 'events')).toBe(MIXED.new);
    const r = await runCli(['ingest', 'in.jsonl', '--db', 'flag.db', '--json'], { cwd: sub, env });
    expect(jsonOut(r).db).toBe('flag.db');
    expect(existsSync(join(sub, 'flag.db'))).toBe(true);
  });

  it('--dry-run stores nothing', async () => {
    const r = await runCli(['ingest', 'mixed.jsonl', '--db', 'dry.db', '--dry-run', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ ...MIXED, db: null });
    expect(existsSync(join(dir, 'dry.db'))).toBe(false);
  });

  it('reads standard input with -', async () => {
    const r = await runCli(['ingest', '-', '--db', 'stdin.db', '--json'], { cwd: dir, input: mixedInput() });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ ...MIXED, source: '-' });
  });

  it('a missing file: a message naming it, exit 2, no store created', async () => {
    const r = await runCli(['ingest', 'nope.jsonl', '--db', 'missing.db', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read nope.jsonl: no such file');
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });

  it('an unknown format: exit 1 and the list of known formats', async () => {
    const r = await runCli(['ingest', 'mixed.jsonl', '--format', 'no-such', '--db', 'u.db'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown format "no-such"; known formats: .*intelmq-jsonl/);
    expect(existsSync(join(dir, 'u.db'))).toBe(false);
  });

  it('an input no parser recognises: exit 1, asks for --format', async () => {
    writeFileSync(join(dir, 'prose.txt'), 'just some words\nnothing to see\n');
    const r = await runCli(['ingest', 'prose.txt', '--db', 'p.db'], { cwd: dir });
    if (r.code === 0) return; // a free-text parser may claim prose; then it is not an error
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--format');
  });

  it('an empty file: exit 0, zero counts and a warning', async () => {
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const r = await runCli(['ingest', 'empty.jsonl', '--db', 'e.db', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const s = jsonOut(r);
    expect(s).toMatchObject({ read: 0, new: 0, folded: 0, quarantined: 0 });
    expect(String(s.warnings)).toContain('empty');
  });

  it('usage errors exit 1: unknown option, missing argument, bad --set', async () => {
    const a = await runCli(['ingest', 'mixed.jsonl', '--no-such-option'], { cwd: dir });
    expect(a.code).toBe(1);
    expect(a.stderr).toContain("unknown option '--no-such-option'");
    expect((await runCli(['ingest'], { cwd: dir })).code).toBe(1);
    const s = await runCli(['ingest', 'mixed.jsonl', '--set', 'nonsense.field=1'], { cwd: dir });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('--set nonsense.field=1: unknown field "nonsense.field"');
  });

  it('--config and --set set feed settings; a bad config names the key at fault', async () => {
    writeFileSync(
      join(dir, 'ips.jsonl'),
      `${JSON.stringify({ 'source.ip': '203.0.113.7', 'time.source': '2026-10-30T10:00:00Z' })}\n`,
    );
    writeFileSync(
      join(dir, 'feed.yaml'),
      'format: intelmq-jsonl\nfeed:\n  name: example-c2\n  provider: Example CERT\n  defaults:\n    classification.type: c2-server\n',
    );
    const r = await runCli(
      [
        'ingest',
        'ips.jsonl',
        '--config',
        'feed.yaml',
        '--set',
        'malware.name=emotet',
        '--db',
        'cfg.db',
        '--json',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ feed: 'example-c2', new: 1 });
    const d = new Database(join(dir, 'cfg.db'), { readonly: true });
    const ev = JSON.parse((d.prepare('SELECT data FROM events').get() as { data: string }).data);
    d.close();
    expect(ev).toMatchObject({
      'feed.name': 'example-c2',
      'feed.provider': 'Example CERT',
      'classification.type': 'c2-server',
      'classification.taxonomy': 'malicious-code',
      'malware.name': 'emotet',
    });

    writeFileSync(join(dir, 'bad.yaml'), 'feed:\n  defaults:\n    classification.type: no-such-type\n');
    const bad = await runCli(['ingest', 'ips.jsonl', '--config', 'bad.yaml', '--db', 'cfg.db'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.yaml: feed.defaults["classification.type"]:');
    writeFileSync(join(dir, 'bad2.json'), '{"feed": {"nmae": "x"}}');
    const bad2 = await runCli(['ingest', 'ips.jsonl', '--config', 'bad2.json'], { cwd: dir });
    expect(bad2.code).toBe(1);
    expect(bad2.stderr).toContain('bad2.json: feed.nmae: unknown key');
  });

  it('logs progress lines (pino JSON on stderr) when stderr is not a terminal', async () => {
    const r = await runCli(['ingest', 'mixed.jsonl', '--db', 'prog.db', '--batch-size', '1'], {
      cwd: dir,
      env: { ACCORD_PROGRESS_SECONDS: '0' },
    });
    expect(r.code, r.stderr).toBe(0);
    const logs = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const progress = logs.filter((l) => String(l.msg).startsWith('progress:'));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ level: 30, totalBytes: mixedInput().length });
    expect(typeof progress[0]?.recordsPerSecond).toBe('number');
  });

  it('caps the per-record quarantine lines', async () => {
    const lines = Array.from({ length: 45 }, (_, i) => `{"feed.name": "cap", broken ${i}`).join('\n');
    writeFileSync(join(dir, 'cap.jsonl'), `${lines}\n`);
    const r = await runCli(['ingest', 'cap.jsonl', '--format', 'intelmq-jsonl', '--db', 'cap.db', '--json'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ read: 45, quarantined: 45 });
    expect(r.stderr.match(/cap\.jsonl:\d+: not valid JSON/g)?.length).toBe(20);
    expect(r.stderr).toContain('... and 25 more; see accord quarantine list --feed \\"cap\\" --db cap.db');
  });
});
