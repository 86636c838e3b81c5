import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateChunks } from '../../generate/index.js';
import { CliError } from '../exit-codes.js';
import { generateCommand } from './generate.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('accord generate', () => {
  it('writes the data set to a file, the same bytes as the library, and nothing else behind', async () => {
    const out = join(dir, 'sinkhole.csv');
    const code = await generateCommand({ rows: 3000, seed: 5, out, country: 'CN', json: true });
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      [...generateChunks({ rows: 3000, seed: 5, country: 'CN' })].join(''),
    );
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('rejects bad options as usage errors and writes no file', async () => {
    const out = join(dir, 'bad.csv');
    await expect(generateCommand({ rows: 10, seed: 1, out, country: 'China' })).rejects.toThrow(CliError);
    await expect(generateCommand({ rows: 10, seed: 1, out, country: 'CN', profile: 'nope' })).rejects.toThrow(
      /unknown profile/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('reports a file it cannot write as an input error', async () => {
    await expect(
      generateCommand({ rows: 10, seed: 1, out: join(dir, 'missing', 'x.csv'), country: 'CN' }),
    ).rejects.toMatchObject({ exitCode: 2 });
  });
});
