/**
 * The line reader against a plain reference model, on random inputs cut into random chunks: the
 * fast paths, chunk joins and limits must give exactly what the obvious line-by-line reading gives.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawLine } from '../../src/components/parsers/contract.js';
import { type LineProblem, readLines } from '../../src/components/sources/lines.js';
import { cutAt } from './support.js';

/** Byte pieces that stress a line reader: line ends, BOM, multi-byte characters, NUL, bad bytes. */
const TOKENS: readonly Buffer[] = [
  '\n',
  '\r\n',
  '\r',
  'a',
  'line',
  ',',
  '"',
  ' ',
  'é',
  '日本',
  '🦊',
  '\uFFFD',
  '\uFEFF',
].map((s) => Buffer.from(s));
const BYTES: readonly Buffer[] = [
  [0x00],
  [0xff],
  [0xc3],
  [0xe6, 0x97],
  [0x80],
  [0xef, 0xbb, 0xbf],
  [0xed, 0xa0, 0x80],
].map((b) => Buffer.from(b));

const input = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS, ...BYTES), { maxLength: 80 }).map((a) => Buffer.concat(a)),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  // Long runs around the limits.
  fc
    .tuple(fc.nat(120), fc.constantFrom(...TOKENS, ...BYTES), fc.nat(3))
    .map(([n, t, k]) => Buffer.concat([Buffer.from('x'.repeat(n)), t, Buffer.from('\n'.repeat(k))])),
);

interface Model {
  lines: Array<{ no: number; text: string }>;
  problems: Array<{ no: number; kind: 'long' | 'nul' | 'utf8'; size?: number; bytes?: Buffer }>;
}

/** The obvious reading: split on LF, strip one CR and (line 1) a BOM, then check limit, NUL, UTF-8. */
function model(buf: Buffer, maxLine: number): Model {
  const out: Model = { lines: [], problems: [] };
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++)
    if (buf[i] === 10) {
      parts.push(buf.subarray(start, i));
      start = i + 1;
    }
  if (start < buf.length) parts.push(buf.subarray(start));
  parts.forEach((p, i) => {
    let b = p;
    if (b.length > 0 && b[b.length - 1] === 13) b = b.subarray(0, -1);
    if (i === 0 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    const no = i + 1;
    if (b.length > maxLine) out.problems.push({ no, kind: 'long', size: b.length });
    else if (b.includes(0)) out.problems.push({ no, kind: 'nul', bytes: Buffer.from(b) });
    else if (!isUtf8(b)) out.problems.push({ no, kind: 'utf8', bytes: Buffer.from(b) });
    else out.lines.push({ no, text: b.toString('utf8') });
  });
  return out;
}

async function read(chunks: Buffer[], maxLineBytes: number, maxRawBytes: number) {
  const lines: RawLine[] = [];
  const problems: LineProblem[] = [];
  let bytes = 0;
  async function* gen() {
    for (const c of chunks) yield c;
  }
  for await (const b of readLines(gen(), { maxLineBytes, maxRawBytes })) {
    lines.push(...b.lines);
    problems.push(...b.problems);
    bytes += b.bytes;
  }
  return { lines, problems, bytes };
}

describe('readLines (property)', () => {
  it('equals the reference model, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        input,
        fc.array(fc.nat(300), { maxLength: 12 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 40 }),
        async (buf, cuts, maxLine, maxRaw) => {
          const whole = await read([buf], maxLine, maxRaw);
          const cut = await read(cutAt(buf, cuts), maxLine, maxRaw);
          expect(cut).toEqual(whole);
          expect(whole.bytes).toBe(buf.length);
          const m = model(buf, maxLine);
          expect(whole.lines).toEqual(m.lines);
          expect(whole.problems.map((p) => p.no)).toEqual(m.problems.map((p) => p.no));
          whole.problems.forEach((p, i) => {
            const e = m.problems[i] as Model['problems'][number];
            if (e.kind === 'long') {
              expect(p.reason).toMatch(
                new RegExp(`^line is ${e.size} bytes, over the ${maxLine}-byte limit`),
              );
              expect(Buffer.byteLength(p.raw.replaceAll('\uFFFD', '?'))).toBeLessThanOrEqual(
                Math.max(maxRaw, 0),
              );
            } else {
              expect(p.reason).toMatch(e.kind === 'nul' ? /NUL/ : /^invalid UTF-8 at byte \d+ of the line$/);
              expect(p.bytes).toEqual(e.bytes);
            }
          });
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 400) },
    );
  });
});
