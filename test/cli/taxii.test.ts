/**
 * `accord taxii pull|push|collections` as a user runs them: the real command and SQLite file, a
 * partner added with `accord partners add`, and a TAXII 2.1 server on 127.0.0.1 standing in for
 * the partner's (the test-support server; the two-Accord exchange is test/taxii-e2e.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP_ORDER, TLP2_MARKING_IDS } from '../../src/domain/tlp.js';
import { prepareObject } from '../../src/knowledge/knowledge-store.js';
import { MemoryKnowledgeStore } from '../../src/storage/knowledge/memory-knowledge-store.js';
import {
  type MiniTaxiiServer,
  startMiniTaxiiServer,
} from '../../src/taxii/client/test-support/mini-taxii-server.js';
import { indicator } from '../../src/taxii/client/test-support/objects.js';
import { tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const REMOTE = '0a6e3c1d-5b7f-4e2a-9c8d-1f2e3d4c5b6a';
const INBOX = 'c0ffee00-1111-4222-8333-444455556666';
const { dir, cleanup } = tempDir('taxii');
const env = { ACCORD_DB: join(dir, 't.db'), CERT_A_PW: 'pw-a' };
const opts = { cwd: dir, env };

let server: MiniTaxiiServer;
let theirs: MemoryKnowledgeStore;

beforeAll(async () => {
  theirs = new MemoryKnowledgeStore();
  for (let i = 0; i < 12; i++) await theirs.put(REMOTE, [prepareObject(indicator('theirs', i, 'GREEN'))]);
  server = await startMiniTaxiiServer({
    knowledge: theirs,
    collections: [REMOTE, INBOX],
    maxPage: 5,
    basic: { username: 'cert-z', password: 'pw-a' },
  });
  const add = await runCli(
    [
      'partners',
      'add',
      'cert-a',
      '--country',
      'FR',
      '--max-tlp',
      'amber',
      '--credential',
      'none',
      '--remote-api-root',
      server.apiRoot,
      '--remote-auth',
      'basic',
      '--remote-username',
      'cert-z',
      '--remote-password-env',
      'CERT_A_PW',
      '--remote-pull-collection',
      REMOTE,
      '--json',
    ],
    opts,
  );
  expect(add.code, add.stderr).toBe(0);
  const objects = TLP_ORDER.map((l) => JSON.stringify(indicator(`ours-${l}`, 1, l)));
  writeFileSync(
    join(dir, 'ours.json'),
    `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[${objects.join(',')}]}`,
  );
  const imp = await runCli(['knowledge', 'import', 'ours.json', '--json'], opts);
  expect(imp.code, imp.stderr).toBe(0);
});
afterAll(async () => {
  await server?.close();
  cleanup();
});

describe('accord taxii', () => {
  it('prints help for every command', async () => {
    for (const cmd of [['taxii'], ['taxii', 'pull'], ['taxii', 'push'], ['taxii', 'collections']]) {
      const r = await runCli([...cmd, '--help'], opts);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: accord taxii/);
      expect(r.stdout).toMatch(/Examples:/);
    }
    const pull = await runCli(['taxii', 'pull', '--help'], opts);
    expect(pull.stdout).toMatch(/--since <time>/);
    expect(pull.stdout).toMatch(/X-TAXII-Date-Added-Last/);
  });

  it('collections: lists what the partner offers', async () => {
    const r = jsonOut(await runCli(['taxii', 'collections', 'cert-a', '--json'], opts));
    expect(r).toMatchObject({ partner: 'cert-a', apiRoot: server.apiRoot, title: 'mini api root' });
    expect((r.collections as Array<{ id: string }>).map((c) => c.id)).toEqual([REMOTE, INBOX]);
  });

  it('pull: pages into the partner inbox, then resumes with only what is new', async () => {
    const first = jsonOut(await runCli(['taxii', 'pull', 'cert-a', '--json', '--limit', '5'], opts));
    expect(first).toMatchObject({
      status: 'ok',
      pages: 3,
      objects: 12,
      added: 12,
      existing: 0,
      quarantined: 0,
    });
    expect(first.from).toBeUndefined();
    await theirs.put(REMOTE, [prepareObject(indicator('theirs', 100, 'AMBER'))]);
    const second = jsonOut(await runCli(['taxii', 'pull', 'cert-a', '--json'], opts));
    expect(second).toMatchObject({ status: 'ok', from: first.cursor, pages: 1, objects: 1, added: 1 });
    const human = await runCli(['taxii', 'pull', 'cert-a'], opts);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /^cert-a: pulled 1 page\(s\), 0 objects: 0 added, 0 already stored, 0 quarantined/,
    );
    expect(human.stdout).toMatch(/the next pull resumes after /);
  });

  it('push: sends what the agreement allows (never RED) and only new versions the second time', async () => {
    const dry = jsonOut(await runCli(['taxii', 'push', 'cert-a', INBOX, '--dry-run', '--json'], opts));
    expect(dry).toMatchObject({ dryRun: true, sent: 3, withheld: { tlp: { 'AMBER+STRICT': 1, RED: 1 } } });
    const posts = () => server.requests.filter((q) => q.method === 'POST');
    expect(posts()).toHaveLength(0);
    const r = jsonOut(await runCli(['taxii', 'push', 'cert-a', INBOX, '--json'], opts));
    // cert-a's agreement stops at AMBER: AMBER+STRICT is above it.
    expect(r).toMatchObject({ status: 'ok', sent: 3, markingDefinitions: 3, accepted: 6, failed: 0 });
    expect(r.withheld).toEqual({ tlp: { 'AMBER+STRICT': 1, RED: 1 }, type: 0 });
    for (const q of posts()) expect(q.body).not.toContain(TLP2_MARKING_IDS.RED);
    const again = await runCli(['taxii', 'push', 'cert-a', INBOX], opts);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^cert-a: sent 0 object version\(s\) in 0 envelope\(s\)/);
  });

  it('feeds run and list: a TAXII feed in accord.yaml pulls from the partner like taxii pull', async () => {
    writeFileSync(
      join(dir, 'accord.yaml'),
      `allowed_hosts: [127.0.0.1]
feeds:
  - name: cert-a-feed
    source: { taxii: { partner: cert-a, into: from-feed } }
    schedule: every 1h
`,
    );
    const run = jsonOut(await runCli(['feeds', 'run', '--config', 'accord.yaml', '--json'], opts));
    expect(run).toMatchObject({ ok: 1, failed: 0 });
    const feed = (run.feeds as Array<Record<string, unknown>>)[0];
    // Its own resume point (partner, collection, local collection): everything, into from-feed.
    expect(feed).toMatchObject({ feed: 'cert-a-feed', status: 'ok', read: 13, new: 13 });
    await theirs.put(REMOTE, [prepareObject(indicator('theirs', 200, 'GREEN'))]);
    const again = jsonOut(
      await runCli(['feeds', 'run', 'cert-a-feed', '--config', 'accord.yaml', '--json'], opts),
    );
    expect((again.feeds as Array<Record<string, unknown>>)[0]).toMatchObject({
      status: 'ok',
      read: 1,
      new: 1,
    });
    const list = await runCli(['feeds', 'list', '--config', 'accord.yaml'], opts);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/cert-a-feed\s+stix\s+every 1h\s+ok\s/);
    expect(list.stdout).toMatch(/taxii: cert-a/);
  });

  it('says what is wrong: unknown partner, missing secret, no collection to push to', async () => {
    const unknown = await runCli(['taxii', 'pull', 'cert-nope'], opts);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no partner named "cert-nope"/);
    const noSecret = await runCli(['taxii', 'pull', 'cert-a'], {
      ...opts,
      env: { ACCORD_DB: env.ACCORD_DB },
    });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/CERT_A_PW, which is not set/);
    const noTarget = await runCli(['taxii', 'push', 'cert-a'], opts);
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toMatch(/which collection of cert-a\?.*the server offers: /);
    const badSince = await runCli(['taxii', 'pull', 'cert-a', '--since', 'yesterday-ish'], opts);
    expect(badSince.code).toBe(1);
    expect(badSince.stderr).toMatch(/--since yesterday-ish: expected a date or timestamp/);
  });

  it('refuses a plain http API root on another host unless --allow-http is given', async () => {
    const add = await runCli(
      ['partners', 'add', 'cert-h', '--country', 'DE', '--max-tlp', 'green', '--credential', 'none'].concat([
        '--remote-api-root',
        'http://taxii.cert-h.example/api1/',
        '--remote-auth',
        'none',
        '--json',
      ]),
      opts,
    );
    expect(add.code, add.stderr).toBe(0);
    const refused = await runCli(['taxii', 'collections', 'cert-h'], opts);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is plain http: TAXII 2.1 requires HTTPS.*--allow-http/);
    // Allowed, it goes on to try the host (which does not exist): a network error, not a refusal.
    const allowed = await runCli(
      ['taxii', 'collections', 'cert-h', '--allow-http', '--timeout', '1', '--retries', '0', '--json'],
      opts,
    );
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).toMatch(/GET http:\/\/taxii\.cert-h\.example\/api1\/: /);
    expect(allowed.stderr).not.toMatch(/plain http/);
  });
});
