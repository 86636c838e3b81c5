/** /api/v1/quarantine: analysts only, pages with a cursor, one record with raw text and bytes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../../test-support.js';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi();
  await t.store.writeBatch({
    events: [],
    quarantine: [1, 2, 3].map((line) => ({
      feed: 'example-c2-list',
      source: 'samples/x.csv',
      format: 'mapped-csv',
      line,
      reason: `bad line ${line}`,
      raw: `raw,text,${line}`,
      ...(line === 3 ? { bytes: Buffer.from([0xff, 0xfe, 0x41]) } : {}),
    })),
  });
}, 60_000);
afterAll(() => t?.close());

const get = (url: string, role: 'read-only' | 'analyst' | 'admin' = 'read-only') =>
  t.app.inject({ url: `/api/v1/${url}`, headers: t.bearer(role) });

describe('GET /api/v1/quarantine', () => {
  it('is for analysts; pages with a cursor; one record has its raw text and bytes', async () => {
    expect((await get('quarantine')).statusCode).toBe(403);
    const first = (await get('quarantine?limit=2&feed=example-c2-list', 'analyst')).json();
    expect(first.items.map((q: { line: number }) => q.line)).toEqual([1, 2]);
    expect(first.items[0]).toMatchObject({ reason: 'bad line 1', raw: 'raw,text,1', format: 'mapped-csv' });
    expect(first.next).toBe(first.items[1].id);
    const second = (
      await get(`quarantine?limit=2&feed=example-c2-list&cursor=${first.next}`, 'analyst')
    ).json();
    expect(second.items.map((q: { line: number }) => q.line)).toEqual([3]);
    expect(second.next).toBeNull();
    const one = (await get(`quarantine/${second.items[0].id}`, 'admin')).json();
    expect(one).toMatchObject({
      reason: 'bad line 3',
      raw: 'raw,text,3',
      bytes: Buffer.from([0xff, 0xfe, 0x41]).toString('base64'),
    });
    expect((await get('quarantine?feed=other', 'analyst')).json()).toEqual({ items: [], next: null });
  });

  it('bad input and unknown ids', async () => {
    expect((await get('quarantine/0123456789abcdef01234567', 'analyst')).statusCode).toBe(404);
    expect((await get('quarantine/nope', 'analyst')).statusCode).toBe(400);
    expect((await get('quarantine?cursor=0123456789abcdef01234567', 'analyst')).statusCode).toBe(400);
    expect((await get('quarantine?limit=0', 'analyst')).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/quarantine' })).statusCode).toBe(401);
  });
});
