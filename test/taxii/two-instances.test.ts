/**
 * Two Accord instances exchange STIX over TAXII 2.1 on loopback, end to end, with nothing but the
 * real command: instance A (a.db) runs `accord serve`, with partner cert-b registered at
 * TLP:AMBER; instance B (b.db) knows A as partner cert-a with A's API root and the password A
 * issued to it (from an environment variable).
 *
 * A holds objects at CLEAR, GREEN, AMBER, AMBER+STRICT and RED. B pulls: it gets CLEAR, GREEN and
 * AMBER, byte for byte; AMBER+STRICT (above B's AMBER) and RED never reach it. Then B pushes its
 * own objects to its inbox on A, through B's own release policy for A: A sees them, and not B's RED.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP_ORDER, TLP2_MARKING_IDS, type TlpLevel } from '../../src/domain/tlp.js';
import { KNOWLEDGE_COLLECTION, type StoredObject } from '../../src/knowledge/knowledge-store.js';
import { openSqliteKnowledgeStore } from '../../src/storage/knowledge/sqlite-knowledge-store.js';
import { indicator } from '../../src/taxii/client/test-support/objects.js';
import { tempDir } from '../cli/fixtures.js';
import { collect, jsonOut, runCli, startCli } from '../cli/run-cli.js';

const { dir, cleanup } = tempDir('taxii-e2e');
const A = { cwd: dir, env: { ACCORD_DB: join(dir, 'a.db') } };
let B = { cwd: dir, env: { ACCORD_DB: join(dir, 'b.db'), CERT_A_PASSWORD: '' } };

let server: ChildProcess | undefined;
let serverDone: ReturnType<typeof collect> | undefined;
let apiRoot = '';
let bInboxOnA = '';
let aInboxOnB = '';

const bundle = (objects: readonly object[]) =>
  `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[${objects.map((o) => JSON.stringify(o)).join(',\n')}]}`;

/** Every stored version of a collection, read from the SQLite file (what the instance holds). */
async function holdings(db: string, collection: string): Promise<StoredObject[]> {
  const k = openSqliteKnowledgeStore(db);
  try {
    const r = await k.list(collection, { versions: ['all'] }, { limit: 10_000 });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.more).toBe(false);
    return [...r.value.items];
  } finally {
    await k.close();
  }
}

const levels = (objs: readonly StoredObject[]) => {
  const by: Record<string, number> = {};
  for (const o of objs)
    if (o.type !== 'marking-definition') by[o.tlp ?? 'unmarked'] = (by[o.tlp ?? 'unmarked'] ?? 0) + 1;
  return by;
};

beforeAll(async () => {
  // A: the objects it holds (two at every level) and partner cert-b at AMBER.
  const ours = TLP_ORDER.flatMap((l) => [indicator(`a-${l}`, 1, l), indicator(`a-${l}`, 2, l)]);
  writeFileSync(join(dir, 'a.json'), bundle(ours));
  const imp = await runCli(['knowledge', 'import', 'a.json', '--json'], A);
  expect(imp.code, imp.stderr).toBe(0);
  const added = jsonOut(
    await runCli(['partners', 'add', 'cert-b', '--country', 'DE', '--max-tlp', 'amber', '--json'], A),
  ) as { partner: { inboxCollection: string }; credentials: Array<{ kind: string; secret: string }> };
  bInboxOnA = added.partner.inboxCollection;
  const password = added.credentials.find((c) => c.kind === 'basic')?.secret;
  expect(password).toBeTruthy();
  B = { ...B, env: { ...B.env, CERT_A_PASSWORD: password as string } };

  // A serves on a free loopback port.
  server = startCli(['serve', '--port', '0'], A);
  serverDone = collect(server, 120_000);
  let stderr = '';
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`accord serve did not start: ${stderr}`)), 30_000);
    server?.stderr?.on('data', (d: Buffer | string) => {
      stderr += String(d);
      const m = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  apiRoot = `${address}/taxii2/accord/`;

  // B: A as partner cert-a, reached with the password A issued (from the environment).
  const b = jsonOut(
    await runCli(
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
        apiRoot,
        '--remote-auth',
        'basic',
        '--remote-username',
        'cert-b',
        '--remote-password-env',
        'CERT_A_PASSWORD',
        '--remote-pull-collection',
        KNOWLEDGE_COLLECTION,
        '--remote-push-collection',
        bInboxOnA,
        '--json',
      ],
      B,
    ),
  ) as { partner: { inboxCollection: string } };
  aInboxOnB = b.partner.inboxCollection;
}, 120_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  if (serverDone) {
    const end = await serverDone;
    expect(end.code, end.stderr.slice(-2000)).toBe(0);
  }
  cleanup();
});

describe('two Accord instances over TAXII 2.1', () => {
  it('B pulls from A what A shares at AMBER, never AMBER+STRICT or RED, and resumes', async () => {
    const pull = jsonOut(await runCli(['taxii', 'pull', 'cert-a', '--json'], B));
    expect(pull, JSON.stringify(pull)).toMatchObject({ status: 'ok', added: 6, quarantined: 0 });
    const got = await holdings(B.env.ACCORD_DB, aInboxOnB);
    expect(levels(got)).toEqual({ CLEAR: 2, GREEN: 2, AMBER: 2 });
    for (const o of got) {
      expect(o.markings).not.toContain(TLP2_MARKING_IDS.RED);
      expect(o.markings).not.toContain(TLP2_MARKING_IDS['AMBER+STRICT']);
    }
    // Byte for byte what A holds.
    const atA = new Map((await holdings(A.env.ACCORD_DB, KNOWLEDGE_COLLECTION)).map((o) => [o.id, o.json]));
    for (const o of got) expect(o.json).toBe(atA.get(o.id));

    const again = jsonOut(await runCli(['taxii', 'pull', 'cert-a', '--json'], B));
    expect(again).toMatchObject({ status: 'ok', from: pull.cursor, added: 0 });
  });

  it('B pushes to its inbox on A through its own policy: A sees the objects, not B\u2019s RED', async () => {
    const mine: Array<[string, TlpLevel]> = [
      ['b-green', 'GREEN'],
      ['b-amber', 'AMBER'],
      ['b-red', 'RED'],
    ];
    writeFileSync(join(dir, 'b.json'), bundle(mine.map(([tag, l]) => indicator(tag, 1, l))));
    const imp = await runCli(['knowledge', 'import', 'b.json', '--json'], B);
    expect(imp.code, imp.stderr).toBe(0);
    const push = jsonOut(await runCli(['taxii', 'push', 'cert-a', '--json'], B));
    expect(push, JSON.stringify(push)).toMatchObject({
      status: 'ok',
      sent: 2,
      failed: 0,
      pending: 0,
      withheld: { tlp: { RED: 1 }, type: 0 },
    });
    const atA = await holdings(A.env.ACCORD_DB, bInboxOnA);
    expect(levels(atA)).toEqual({ GREEN: 1, AMBER: 1 });
    for (const o of atA) expect(o.markings).not.toContain(TLP2_MARKING_IDS.RED);

    const again = jsonOut(await runCli(['taxii', 'push', 'cert-a', '--json'], B));
    expect(again).toMatchObject({ status: 'ok', sent: 0 });
  });

  it('AMBER+STRICT reaches a partner at AMBER+STRICT that keeps it in house, never one that shares onward', async () => {
    const C = { cwd: dir, env: { ACCORD_DB: join(dir, 'c.db') } as Record<string, string> };
    for (const [name, onward] of [
      ['cert-c', false],
      ['cert-d', true],
    ] as const) {
      const added = jsonOut(
        await runCli(
          [
            'partners',
            'add',
            name,
            '--country',
            'NL',
            '--max-tlp',
            'amber+strict',
            ...(onward ? ['--share-onward'] : []),
            '--json',
          ],
          A,
        ),
      ) as { credentials: Array<{ kind: string; secret: string }> };
      const envName = `${name.replace('-', '_').toUpperCase()}_PASSWORD`;
      C.env[envName] = added.credentials.find((c) => c.kind === 'basic')?.secret as string;
      const remote = await runCli(
        [
          'partners',
          'add',
          `a-as-${name}`,
          '--country',
          'FR',
          '--max-tlp',
          'green',
          '--credential',
          'none',
          '--remote-api-root',
          apiRoot,
          '--remote-auth',
          'basic',
          '--remote-username',
          name,
          '--remote-password-env',
          envName,
          '--remote-pull-collection',
          KNOWLEDGE_COLLECTION,
        ],
        C,
      );
      expect(remote.code, remote.stderr).toBe(0);
    }
    const strict = jsonOut(await runCli(['taxii', 'pull', 'a-as-cert-c', '--into', 'strict', '--json'], C));
    expect(strict).toMatchObject({ status: 'ok', added: 8 });
    expect(levels(await holdings(C.env.ACCORD_DB as string, 'strict'))).toEqual({
      CLEAR: 2,
      GREEN: 2,
      AMBER: 2,
      'AMBER+STRICT': 2,
    });
    const onward = jsonOut(await runCli(['taxii', 'pull', 'a-as-cert-d', '--into', 'onward', '--json'], C));
    expect(onward).toMatchObject({ status: 'ok', added: 6 });
    expect(levels(await holdings(C.env.ACCORD_DB as string, 'onward'))).toEqual({
      CLEAR: 2,
      GREEN: 2,
      AMBER: 2,
    });
  });
});
