import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawLine } from '../contract.js';
import {
  type CsvDialect,
  type CsvLimits,
  CsvTokenizer,
  DEFAULT_DIALECT,
  DEFAULT_LIMITS,
} from './tokenizer.js';

type Out = Array<{ rec: string[]; line: number; raw: string } | { rej: string; line: number; raw: string }>;

function tokenize(
  text: string,
  dialect: CsvDialect = DEFAULT_DIALECT,
  limits: CsvLimits = DEFAULT_LIMITS,
  setup?: (t: CsvTokenizer) => void,
  batch = 3,
): Out {
  const lines: RawLine[] = text.split('\n').map((t, i) => ({ no: i + 1, text: t }));
  const out: Out = [];
  const sink = {
    onRecord: (rec: string[], line: number, raw: string) => out.push({ rec, line, raw }),
    onReject: (rej: string, line: number, raw: string) => out.push({ rej, line, raw }),
  };
  const fixed = {
    onRecord: sink.onRecord,
    onReject: (line: number, reason: string, raw: string) => sink.onReject(reason, line, raw),
  };
  const t = new CsvTokenizer(dialect, limits);
  setup?.(t);
  for (let i = 0; i < lines.length; i += batch) t.push(lines.slice(i, i + batch), fixed);
  t.end(fixed);
  return out;
}

const recs = (o: Out) => o.map((x) => ('rec' in x ? x.rec : `REJECT@${x.line}: ${x.rej}`));

describe('CsvTokenizer', () => {
  it('splits plain lines and keeps empty fields', () => {
    expect(recs(tokenize('a,b,c\n,,\nx,,z,'))).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
      ['x', '', 'z', ''],
    ]);
  });

  it('reads quoted fields, quoted delimiters and doubled quotes', () => {
    expect(recs(tokenize('"a","b,c",d\n"say ""hi""",""\n"x"",y",1,"end"'))).toEqual([
      ['a', 'b,c', 'd'],
      ['say "hi"', ''],
      ['x",y', '1', 'end'],
    ]);
  });

  it('handles a trailing delimiter after a quoted field and empty quoted fields', () => {
    expect(recs(tokenize('"a",\n"",""\n"a",,"b"'))).toEqual([
      ['a', ''],
      ['', ''],
      ['a', '', 'b'],
    ]);
  });

  it('reads a quote inside an unquoted field literally, and rejects text after a closing quote', () => {
    expect(recs(tokenize('"ab"c,d\nab"c,"e"\n"1","2,"3"'))).toEqual([
      'REJECT@1: unbalanced quote in column 1: the quoted field opened at character 1 closes at character 4 but is followed by "c" instead of ","',
      ['ab"c', 'e'],
      'REJECT@3: unbalanced quote in column 2: the quoted field opened at character 5 closes at character 8 but is followed by "3" instead of ","',
    ]);
  });

  it('joins a quoted field that spans lines and reports its first line', () => {
    const out = tokenize('h1,h2\n"multi\nline\n""text""",2\nx,y');
    expect(recs(out)).toEqual([
      ['h1', 'h2'],
      ['multi\nline\n"text"', '2'],
      ['x', 'y'],
    ]);
    expect(out[1]).toMatchObject({ line: 2, raw: '"multi\nline\n""text""",2' });
    expect(out[2]).toMatchObject({ line: 5 });
  });

  it('supports another delimiter and quote character', () => {
    expect(recs(tokenize("'a;b';c\nd;'e''f'", { delimiter: ';', quote: "'" }))).toEqual([
      ['a;b', 'c'],
      ['d', "e'f"],
    ]);
    expect(recs(tokenize('a\tb\t"c\td"', { delimiter: '\t', quote: '"' }))).toEqual([['a', 'b', 'c\td']]);
  });

  it('skips blank and comment lines outside quoted fields only', () => {
    expect(
      recs(
        tokenize('# note\na,b\n\n"x\n# not a comment",y', { delimiter: ',', quote: '"', commentPrefix: '#' }),
      ),
    ).toEqual([
      ['a', 'b'],
      ['x\n# not a comment', 'y'],
    ]);
  });

  it('rejects an unbalanced quote after 16 lines and re-reads the lines after it', () => {
    const body = ['a,"open here', ...Array.from({ length: 20 }, (_, i) => `r${i},v${i}`)].join('\n');
    const out = tokenize(body, DEFAULT_DIALECT, DEFAULT_LIMITS, undefined, 4);
    expect(out[0]).toEqual({
      rej: 'unbalanced quote starting at column 2 (character 3); the quoted field is still open after 16 lines',
      line: 1,
      raw: 'a,"open here',
    });
    expect(out.slice(1).map((o) => ('rec' in o ? o.rec[0] : 'REJ'))).toEqual(
      Array.from({ length: 20 }, (_, i) => `r${i}`),
    );
    expect(out[1]).toMatchObject({ line: 2 });
  });

  it('rejects an unbalanced quote past the character limit', () => {
    const out = tokenize(`"x${'y'.repeat(50)}\nok,1`, DEFAULT_DIALECT, {
      maxRecordLines: 16,
      maxRecordChars: 20,
    });
    expect(recs(out)).toEqual([
      'REJECT@1: unbalanced quote starting at column 1 (character 1); the quoted field is still open after 52 characters',
      ['ok', '1'],
    ]);
  });

  it('rejects an open quote at the end of the input and re-reads what followed', () => {
    expect(recs(tokenize('a,b\nc,"d\ne,f\ng,h'))).toEqual([
      ['a', 'b'],
      'REJECT@2: unbalanced quote starting at column 2 (character 3); the quoted field is at the end of the input',
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('recovers from one unbalanced quote after another', () => {
    // With no quote among them, every buffered line is re-read as a record of its own.
    const lines = ['"a', '1', '2', '3', '"b', ...Array.from({ length: 12 }, (_, i) => `${i + 4}`)].join('\n');
    const out = recs(tokenize(lines, DEFAULT_DIALECT, { maxRecordLines: 4, maxRecordChars: 1e6 }));
    expect(out.filter((o) => typeof o === 'string')).toEqual([
      'REJECT@1: unbalanced quote starting at column 1 (character 1); the quoted field is still open after 4 lines',
      'REJECT@5: unbalanced quote starting at column 1 (character 1); the quoted field is still open after 4 lines',
    ]);
    expect(out.filter((o) => typeof o !== 'string').flat()).toEqual(
      Array.from({ length: 15 }, (_, i) => `${i + 1}`),
    );
  });

  it('reports wrong column counts with expected vs found, or pads short rows when asked', () => {
    const reject = tokenize('a,b,c\n1,2\n1,2,3,4\n1,2,3', DEFAULT_DIALECT, DEFAULT_LIMITS, (t) =>
      t.expectColumns(3),
    );
    expect(recs(reject)).toEqual([
      ['a', 'b', 'c'],
      'REJECT@2: expected 3 columns, found 2',
      'REJECT@3: expected 3 columns, found 4',
      ['1', '2', '3'],
    ]);
    const pad = tokenize('1,2\n1,2,3,4', DEFAULT_DIALECT, DEFAULT_LIMITS, (t) => t.expectColumns(3, 'pad'));
    expect(recs(pad)).toEqual([['1', '2', ''], 'REJECT@2: expected 3 columns, found 4']);
  });

  it('gives the same fields whichever path a line takes', () => {
    // A seeded mix of fields, written quoted or not, must read back identically.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ['a', 'b', ',', '"', ' ', '1', '\n', 'é'];
    for (let n = 0; n < 300; n++) {
      const fields = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () =>
        Array.from(
          { length: Math.floor(rnd() * 6) },
          () => alphabet[Math.floor(rnd() * alphabet.length)],
        ).join(''),
      );
      const line = fields
        .map((f) => (/[,"\n]/.test(f) || rnd() < 0.3 ? `"${f.replaceAll('"', '""')}"` : f))
        .join(',');
      if (line === '') continue;
      const out = tokenize(line);
      expect(recs(out)).toEqual([fields]);
    }
  });
});

describe('CsvTokenizer: a stray quote closed by the next record', () => {
  it('rejects only the line with the stray quote when the column count is known', () => {
    const text = '"a","b","c"\n"1","2,3\n"4","5","6"\n"7","8","9"';
    const out = tokenize(text, DEFAULT_DIALECT, DEFAULT_LIMITS, (t) => t.expectColumns(3));
    expect(recs(out)).toEqual([
      ['a', 'b', 'c'],
      'REJECT@2: unbalanced quote starting at column 2 (character 5); the quoted field is closed only on line 3, where the closing quote is followed by more text',
      ['4', '5', '6'],
      ['7', '8', '9'],
    ]);
  });

  it('rejects a multi-line record whose column count is wrong, and re-reads the later lines', () => {
    const text = '"a","b","c"\n"1","2,3\n4",5,6\n7,8,9';
    const out = tokenize(text, DEFAULT_DIALECT, DEFAULT_LIMITS, (t) => t.expectColumns(3));
    expect(recs(out)).toEqual([
      ['a', 'b', 'c'],
      'REJECT@2: unbalanced quote starting at column 2 (character 5); the quoted field is closed only on line 3, which would make a record of 4 columns, expected 3',
      ['4"', '5', '6'],
      ['7', '8', '9'],
    ]);
  });

  it('keeps a genuine multi-line field with the right column count', () => {
    const out = tokenize('"a","b"\n"x\ny","z"', DEFAULT_DIALECT, DEFAULT_LIMITS, (t) => t.expectColumns(2));
    expect(recs(out)).toEqual([
      ['a', 'b'],
      ['x\ny', 'z'],
    ]);
  });
});

describe('CsvTokenizer: properties', () => {
  it('never throws, and covers every non-blank line exactly once, in order', () => {
    const alphabet = fc.constantFrom('a', '1', ',', '"', '""', '\n', ' ', ';', 'é', '\n\n');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')),
        fc.integer({ min: 0, max: 4 }),
        (text, columns) => {
          const out = tokenize(text, DEFAULT_DIALECT, { maxRecordLines: 4, maxRecordChars: 100 }, (t) => {
            if (columns > 0) t.expectColumns(columns, columns % 2 === 0 ? 'pad' : 'reject');
          });
          const covered: number[] = [];
          for (const o of out) {
            const span = 'rec' in o ? o.raw.split('\n').length : 1;
            for (let i = 0; i < span; i++) covered.push(o.line + i);
          }
          for (let i = 1; i < covered.length; i++)
            expect(covered[i]).toBeGreaterThan(covered[i - 1] as number);
          const lines = text.split('\n');
          lines.forEach((l, i) => {
            if (l !== '') expect(covered).toContain(i + 1);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
