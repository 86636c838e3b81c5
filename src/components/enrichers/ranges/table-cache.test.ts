import { chmodSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIPv4 } from '../../../domain/ip.js';
import { loadAsnCsv, loadCountryCsv } from '../geo/csv-data.js';
import { newIpKey, setIpKey } from './ip-key.js';
import { parseIPv6Words } from './ip-words.js';
import { cacheDir, cacheKey, readCachedTable, writeCachedTable } from './table-cache.js';

let dir: string;
let cache: string;
const saved = process.env.ACCORD_CACHE_DIR;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-table-cache-'));
  cache = join(dir, 'cache');
  process.env.ACCORD_CACHE_DIR = cache;
});
afterEach(() => {
  if (saved === undefined) delete process.env.ACCORD_CACHE_DIR;
  else process.env.ACCORD_CACHE_DIR = saved;
});

const COUNTRY_CSV = [
  '1.0.0.0,1.0.0.255,AU',
  '1.0.1.0,1.0.3.255,CN',
  '1.0.2.0,1.0.2.255,JP', // inside the CN range: overlap warning, narrower wins
  '2.0.0.0,2.0.0.9,zz9', // bad code: warning
  '2001:db8::,2001:db8::ffff,DE',
].join('\n');

function lookups(t: Awaited<ReturnType<typeof loadCountryCsv>>) {
  const v4 = (ip: string) => t.table.get4(parseIPv4(ip) as number);
  const w = new Uint32Array(4);
  parseIPv6Words('2001:db8::42', w);
  return [v4('1.0.0.7'), v4('1.0.1.1'), v4('1.0.2.9'), v4('1.0.3.1'), v4('9.9.9.9'), t.table.get6(w)];
}

describe('range table cache', () => {
  it('loads the same table and the same warnings from the cache as from the files', async () => {
    const f = join(dir, 'country.csv');
    writeFileSync(f, COUNTRY_CSV);
    const w1: string[] = [];
    const fresh = await loadCountryCsv([f], (m) => w1.push(m));
    expect(readdirSync(cache).filter((n) => n.endsWith('.bin'))).toHaveLength(1);
    const w2: string[] = [];
    const cached = await loadCountryCsv([f], (m) => w2.push(m));
    expect(w1.length).toBeGreaterThan(0);
    expect(w2).toEqual(w1);
    expect(lookups(cached)).toEqual(lookups(fresh));
    expect(lookups(cached)).toEqual(['AU', 'CN', 'JP', 'CN', undefined, 'DE']);
    expect(Array.from(cached.table.starts4)).toEqual(Array.from(fresh.table.starts4));
  });

  it('keeps ASN values (number and name) through the cache', async () => {
    const f = join(dir, 'asn.csv');
    writeFileSync(f, '8.8.8.0,8.8.8.255,15169,GOOGLE\n1.1.1.0,1.1.1.255,13335,\n');
    const fresh = await loadAsnCsv([f], () => {});
    const cached = await loadAsnCsv([f], () => {});
    const key = (ip: string) => {
      const k = newIpKey();
      setIpKey(k, ip);
      return k;
    };
    expect(cached.asn(key('8.8.8.8'))).toEqual(fresh.asn(key('8.8.8.8')));
    expect(cached.asn(key('8.8.8.8'))).toMatchObject({ asn: 15169, name: 'GOOGLE', network: '8.8.8.0/24' });
    expect(cached.asn(key('1.1.1.1'))?.asn).toBe(13335);
    expect(cached.asn(key('1.1.1.1'))?.name).toBeUndefined();
  });

  it('never reads an entry of a changed file', async () => {
    const f = join(dir, 'country.csv');
    writeFileSync(f, '1.0.0.0,1.0.0.255,AU\n');
    const k1 = cacheKey('country', [f]);
    await loadCountryCsv([f], () => {});
    writeFileSync(f, '1.0.0.0,1.0.0.255,NZ\n');
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    expect(cacheKey('country', [f])).not.toBe(k1);
    const again = await loadCountryCsv([f], () => {});
    expect(again.table.get4(parseIPv4('1.0.0.1') as number)).toBe('NZ');
    expect(cacheKey('asn', [f])).not.toBe(cacheKey('country', [f]));
    expect(cacheKey('country', [join(dir, 'missing.csv')])).toBeUndefined();
  });

  it('ignores a truncated or corrupt entry and an unwritable directory', async () => {
    const f = join(dir, 'country.csv');
    writeFileSync(f, COUNTRY_CSV);
    const fresh = await loadCountryCsv([f], () => {});
    const key = cacheKey('country', [f]) as string;
    const file = join(cache, `${key}.bin`);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 3));
    expect(readCachedTable(cache, key)).toBeUndefined();
    writeFileSync(file, Buffer.from('not a cache entry at all'));
    expect(readCachedTable(cache, key)).toBeUndefined();
    const again = await loadCountryCsv([f], () => {});
    expect(lookups(again)).toEqual(lookups(fresh));
    expect(readCachedTable(cache, key)).toBeDefined(); // rewritten

    const ro = join(dir, 'read-only');
    writeFileSync(ro, 'a file where a directory should be');
    expect(writeCachedTable(join(ro, 'sub'), key, fresh.table, [])).toBe(false);
    chmodSync(ro, 0o644);
  });

  it('is off with ACCORD_CACHE_DIR=off and follows XDG_CACHE_HOME otherwise', () => {
    expect(cacheDir({ ACCORD_CACHE_DIR: 'off' })).toBeUndefined();
    expect(cacheDir({ ACCORD_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(cacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/accord');
  });
});
