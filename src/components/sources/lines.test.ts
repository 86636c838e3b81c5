/**
 * The line reader: numbering, line ends, BOM, chunk boundaries, over-long lines, invalid UTF-8,
 * NUL bytes. The property tests in test/property/ check chunking invariance on random input.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawLine } from '../parsers/contract.js';
import { firstInvalidUtf8, type LineProblem, type LineReaderOptions, readLines } from './lines.js';

interface Read {
  lines: RawLine[];
  problems: LineProblem[];
  bytes: number;
}

async function read(chunks: Array<Buffer | string>, options: LineReaderOptions = {}): Promise<Read> {
  const out: Read = { lines: [], problems: [], bytes: 0 };
  async function* gen() {
    for (const c of chunks) yield c;
  }
  for await (const b of readLines(gen(), options)) {
    out.lines.push(...b.lines);
    out.problems.push(...b.problems);
    out.bytes += b.bytes;
  }
  return out;
}

/** Cut `buf` into pieces of `size` bytes. */
function pieces(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

const texts = (r: Read) => r.lines.map((l) => [l.no, l.text]);

describe('readLines', () => {
  it('numbers lines from 1 and strips "\\n" and "\\r\\n"', async () => {
    const r = await read(['a\r\nb\nc\r\n']);
    expect(texts(r)).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(r.bytes).toBe(8);
  });

  it('keeps a final line without a newline', async () => {
    const r = await read(['a\nb']);
    expect(texts(r)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('keeps blank lines, numbered, and a lone "\\r" line becomes empty', async () => {
    const r = await read(['\n\na\n\r\n']);
    expect(texts(r)).toEqual([
      [1, ''],
      [2, ''],
      [3, 'a'],
      [4, ''],
    ]);
  });

  it('yields nothing for an empty input', async () => {
    const r = await read([]);
    expect(r).toEqual({ lines: [], problems: [], bytes: 0 });
    expect(await read([Buffer.alloc(0), ''])).toEqual({ lines: [], problems: [], bytes: 0 });
  });

  it('strips a UTF-8 BOM on the first line only, even when the BOM is split over chunks', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const input = Buffer.concat([bom, Buffer.from('x,y\n'), bom, Buffer.from('z\n')]);
    const whole = await read([input]);
    expect(texts(whole)).toEqual([
      [1, 'x,y'],
      [2, '\uFEFFz'],
    ]);
    for (const size of [1, 2, 3, 4, 5]) expect(await read(pieces(input, size))).toEqual(whole);
  });

  it('a "\\r\\n" split between chunks is one line end', async () => {
    const r = await read(['a\r', '\nb\r', '\n']);
    expect(texts(r)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('a multi-byte character cut by a chunk boundary is decoded whole', async () => {
    const input = Buffer.from('prefix\nÉté 🦊 日本\nlast é\n');
    const whole = await read([input]);
    expect(texts(whole)).toEqual([
      [1, 'prefix'],
      [2, 'Été 🦊 日本'],
      [3, 'last é'],
    ]);
    expect(whole.problems).toEqual([]);
    for (let size = 1; size <= 8; size++) expect(await read(pieces(input, size))).toEqual(whole);
  });

  it('a line over maxLineBytes is a problem giving its size; the lines around it are read', async () => {
    const long = 'x'.repeat(100);
    const input = `before\n${long}\nafter\n`;
    for (const chunks of [[input], pieces(Buffer.from(input), 7), pieces(Buffer.from(input), 1)]) {
      const r = await read(chunks, { maxLineBytes: 50 });
      expect(texts(r)).toEqual([
        [1, 'before'],
        [3, 'after'],
      ]);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ no: 2, raw: long });
      expect(r.problems[0]?.reason).toBe('line is 100 bytes, over the 50-byte limit');
    }
  });

  it('counts a long line in bytes, not characters (also on the fast path)', async () => {
    const line = 'é'.repeat(30); // 60 bytes, 30 characters
    // The first chunk makes the reader leave its first-line handling, so chunk 2 takes the fast path.
    const r = await read(['a\n', `${line}\nok\n`], { maxLineBytes: 50 });
    expect(texts(r)).toEqual([
      [1, 'a'],
      [3, 'ok'],
    ]);
    expect(r.problems[0]?.reason).toBe('line is 60 bytes, over the 50-byte limit');
  });

  it('cuts the raw text of a line over maxRawBytes the same way whatever the chunking', async () => {
    const long = `${'y'.repeat(99)}é${'z'.repeat(200)}`; // 301 bytes; byte 100 is inside "é"
    const input = Buffer.from(`a\n${long}\nb\n`);
    const opts = { maxLineBytes: 50, maxRawBytes: 100 };
    const whole = await read([input], opts);
    expect(whole.problems).toHaveLength(1);
    const p = whole.problems[0] as LineProblem;
    expect(p.no).toBe(2);
    expect(p.reason).toBe('line is 301 bytes, over the 50-byte limit; raw text cut to its first 99 bytes');
    expect(p.raw).toBe('y'.repeat(99)); // not a broken "é"
    expect(texts(whole)).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    for (const size of [1, 3, 16, 64, 101]) expect(await read(pieces(input, size), opts)).toEqual(whole);
  });

  it('a too-long final line without a newline is still reported', async () => {
    const r = await read(['ok\n', 'q'.repeat(40), 'q'.repeat(40)], { maxLineBytes: 50, maxRawBytes: 30 });
    expect(texts(r)).toEqual([[1, 'ok']]);
    expect(r.problems).toEqual([
      {
        no: 2,
        reason: 'line is 80 bytes, over the 50-byte limit; raw text cut to its first 30 bytes',
        raw: 'q'.repeat(30),
      },
    ]);
  });

  it('a line with invalid UTF-8 is a problem naming the byte, with the exact bytes kept', async () => {
    const bad = Buffer.from([0x61, 0x62, 0xff, 0x63]);
    const input = Buffer.concat([Buffer.from('ok\n'), bad, Buffer.from('\nok2\n')]);
    const r = await read([input]);
    expect(texts(r)).toEqual([
      [1, 'ok'],
      [3, 'ok2'],
    ]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.no).toBe(2);
    expect(r.problems[0]?.reason).toBe('invalid UTF-8 at byte 3 of the line');
    expect(r.problems[0]?.bytes).toEqual(bad);
    expect(r.problems[0]?.raw).toBe('ab\uFFFDc');
  });

  it('a valid U+FFFD in the text is not mistaken for invalid UTF-8', async () => {
    const r = await read(['a\n', 'replacement \uFFFD char\n']);
    expect(r.problems).toEqual([]);
    expect(r.lines[1]?.text).toBe('replacement \uFFFD char');
  });

  it('a line with a NUL byte is binary data, kept byte for byte', async () => {
    const bin = Buffer.from([0x00, 0x01, 0x41, 0x00, 0xfe]);
    const input = Buffer.concat([Buffer.from('x\n'), bin, Buffer.from('\ny\n')]);
    for (const chunks of [[input], pieces(input, 1), pieces(input, 3)]) {
      const r = await read(chunks);
      expect(texts(r)).toEqual([
        [1, 'x'],
        [3, 'y'],
      ]);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]?.no).toBe(2);
      expect(r.problems[0]?.reason).toMatch(/NUL/);
      expect(r.problems[0]?.bytes).toEqual(bin);
    }
  });

  it('accepts strings and Uint8Arrays as chunks', async () => {
    async function* gen() {
      yield 'a\n';
      yield new Uint8Array([0x62, 0x0a]);
    }
    const lines: RawLine[] = [];
    for await (const b of readLines(gen())) lines.push(...b.lines);
    expect(lines).toEqual([
      { no: 1, text: 'a' },
      { no: 2, text: 'b' },
    ]);
  });

  it('counts every byte it was given', async () => {
    const input = Buffer.from('abc\ndef\r\n\nlast');
    for (const size of [1, 2, 5, 100]) expect((await read(pieces(input, size))).bytes).toBe(input.length);
  });
});

describe('firstInvalidUtf8', () => {
  it('finds the first bad byte', () => {
    expect(firstInvalidUtf8(Buffer.from('plain ascii'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from('é🦊日'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x80]))).toBe(1); // lone continuation byte
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong NUL
    expect(firstInvalidUtf8(Buffer.from([0xe0, 0x80, 0x80]))).toBe(0); // overlong 3-byte
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // over U+10FFFF
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe6, 0x97]))).toBe(2); // truncated at the end
    expect(firstInvalidUtf8(Buffer.from([0xff]))).toBe(0);
  });

  it('agrees with isUtf8 on random bytes, and the prefix before the bad byte is valid', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (a) => {
        const b = Buffer.from(a);
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(isUtf8(b));
        if (at >= 0) expect(isUtf8(b.subarray(0, at))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with isUtf8 on mostly valid text with one flipped byte', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.nat(), fc.nat(255), (s, i, v) => {
        const b = Buffer.from(s);
        if (b.length > 0) b[i % b.length] = v;
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(isUtf8(b));
        if (at >= 0) expect(isUtf8(b.subarray(0, at))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
