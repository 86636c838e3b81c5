import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('knowledge');
const opts = { cwd: dir, env: { ACCORD_DB: join(dir, 'k.db') } };

const event = (feed: string, time: string, host: string, c2: string, tlp: string) =>
  JSON.stringify({
    'feed.name': feed,
    'time.source': time,
    'classification.type': 'infected-system',
    'source.ip': host,
    'destination.ip': c2,
    'destination.port': 443,
    'malware.name': 'emotet',
    tlp,
  });

beforeAll(async () => {
  writeFileSync(
    join(dir, 'drones.jsonl'),
    [
      event('drones', '2026-10-01T08:00:00+00:00', '198.51.100.1', '203.0.113.80', 'GREEN'),
      event('drones', '2026-10-02T08:00:00+00:00', '198.51.100.2', '203.0.113.80', 'GREEN'),
      event('partner', '2026-10-02T09:00:00+00:00', '198.51.100.3', '203.0.113.99', 'RED'),
    ].join('\n'),
  );
  const r = await runCli(['ingest', 'drones.jsonl', '--format', 'intelmq-jsonl', '--json'], opts);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanup);

describe('accord knowledge', () => {
  it('derive: needs our name; derives once; a second run changes nothing', async () => {
    const bad = await runCli(['knowledge', 'derive'], opts);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--org-name or ACCORD_ORG_NAME/);
    const first = jsonOut(
      await runCli(['knowledge', 'derive', '--org-name', 'CERT Example', '--country', 'NL', '--json'], opts),
    );
    expect(first).toMatchObject({ addresses: 2, versioned: 0, unchanged: 0 });
    expect(first.created).toBe(first.derived);
    const again = jsonOut(
      await runCli(['knowledge', 'derive', '--json'], {
        ...opts,
        env: { ...opts.env, ACCORD_ORG_NAME: 'CERT Example', ACCORD_ORG_COUNTRY: 'NL' },
      }),
    );
    expect(again).toMatchObject({ created: 0, versioned: 0, unchanged: first.derived });
  });

  it('export: what the TLP ceiling allows, never RED; CLEAR by default', async () => {
    const r = await runCli(['knowledge', 'export', '--tlp', 'amber', '--out', 'share.json', '--json'], opts);
    expect(r.code, r.stderr).toBe(0);
    const s = jsonOut(r);
    expect(s).toMatchObject({ maxTlp: 'AMBER', out: 'share.json', withheld: { RED: expect.any(Number) } });
    const text = readFileSync(join(dir, 'share.json'), 'utf8');
    const bundle = JSON.parse(text) as { type: string; objects: Array<{ type: string; value?: string }> };
    expect(bundle.objects.find((o) => o.type === 'ipv4-addr')?.value).toBe('203.0.113.80');
    expect(text).not.toContain('203.0.113.99');
    const dflt = await runCli(['knowledge', 'export'], opts);
    expect(dflt.code, dflt.stderr).toBe(0);
    expect(dflt.stderr).toMatch(/up to TLP:CLEAR; withheld .*--tlp to share more.*TLP:RED never leaves/);
    expect(
      (JSON.parse(dflt.stdout) as { objects: Array<{ type: string }> }).objects.map((o) => o.type),
    ).toEqual(['marking-definition', 'identity']);
    const wrong = await runCli(['knowledge', 'export', '--tlp', 'purple'], opts);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--tlp purple: expected one of CLEAR, GREEN/);
  });

  it('import: keeps valid objects, quarantines the rest with their position', async () => {
    const good =
      '{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}';
    const bad = '{"type":"indicator","id":"indicator--1"}';
    writeFileSync(
      join(dir, 'partner.json'),
      `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[${good},${bad}]}`,
    );
    const r = await runCli(['knowledge', 'import', 'partner.json', '--feed', 'partner-x', '--json'], opts);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ kind: 'bundle', read: 2, added: 1, existing: 0, quarantined: 1 });
    const q = await runCli(['quarantine', 'list', '--feed', 'partner-x'], opts);
    expect(q.stdout).toMatch(
      /partner-x {2}partner\.json:2 {2}object 2: indicator: id "indicator--1" is not "type--UUID"/,
    );
    const missing = await runCli(['knowledge', 'import', 'nope.json'], opts);
    expect(missing.code).toBe(2);
  });
});
