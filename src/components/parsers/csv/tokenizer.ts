/**
 * A fast CSV record tokenizer over numbered lines (RFC 4180, lenient where real feeds are).
 *
 * It is the hot path of every CSV feed, so it is written for speed:
 * - a line without the quote character is split on the delimiter (one native call);
 * - otherwise fields are found with `indexOf` jumps, not char-by-char string building, and a
 *   quoted field is one `slice` unless it holds a doubled quote;
 * - no regular expression and no closure per field or record.
 *
 * A quoted field may span lines (the line break is kept as "\n"), but only so far: if a quoted
 * field is still open after `maxRecordLines` lines or `maxRecordChars` characters, the record's
 * first line is rejected ("unbalanced quote starting at column N") and the lines buffered after it
 * are parsed again, so one stray quote costs one line, not the rest of the file. The same happens
 * when the column count is known and a multi-line record closes with the wrong count (the stray
 * quote was "closed" by the next record's first quote).
 *
 * A quote inside an unquoted field is literal (`ab"c`). Text after a closing quote (`"ab"c`) is
 * not guessed at: it means an unbalanced or undoubled quote, and reading on would shift every
 * following column (an IP address landing in a city field), so the line is rejected instead.
 */
import type { RawLine } from '../contract.js';

export interface CsvDialect {
  /** Field separator, one character. Default ",". */
  readonly delimiter: string;
  /** Quote character, one character. Default '"'. */
  readonly quote: string;
  /** Lines starting with this prefix (outside a quoted field) are skipped. Default none. */
  readonly commentPrefix?: string;
}

export interface CsvLimits {
  /** A quoted field may span at most this many lines. Default 16. */
  readonly maxRecordLines: number;
  /** ... and at most this many characters. Default 65,536. */
  readonly maxRecordChars: number;
}

/** What the tokenizer hands over: records (fields) and rejected lines with their reason. */
export interface CsvSink {
  /** One record. `fields` is a fresh array the sink may keep. `line` is its first line. */
  onRecord(fields: string[], line: number, raw: string): void;
  onReject(line: number, reason: string, raw: string): void;
}

export const DEFAULT_DIALECT: CsvDialect = { delimiter: ',', quote: '"' };
export const DEFAULT_LIMITS: CsvLimits = { maxRecordLines: 16, maxRecordChars: 64 * 1024 };

/** How rows with fewer fields than expected are handled. */
export type ShortRows = 'reject' | 'pad';

export class CsvTokenizer {
  private readonly delim: string;
  private readonly delimCode: number;
  private readonly quote: string;
  private readonly quoteCode: number;
  private readonly comment: string | undefined;
  private readonly maxLines: number;
  private readonly maxChars: number;

  /** Lines of a record whose quoted field is still open. */
  private pending: RawLine[] = [];
  private pendingChars = 0;
  /** Set by `scan` when it returns undefined: where the open quote starts (1-based). */
  private openColumn = 0;
  private openChar = 0;
  /** Set by `scan` when it returns null: a closing quote followed by something else than a delimiter. */
  private badReason = '';

  /** Expected number of fields per record; 0 = not checked. */
  private columns = 0;
  private shortRows: ShortRows = 'reject';

  constructor(dialect: CsvDialect = DEFAULT_DIALECT, limits: CsvLimits = DEFAULT_LIMITS) {
    this.delim = dialect.delimiter;
    this.delimCode = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quote;
    this.quoteCode = dialect.quote.charCodeAt(0);
    this.comment = dialect.commentPrefix === '' ? undefined : dialect.commentPrefix;
    this.maxLines = limits.maxRecordLines;
    this.maxChars = limits.maxRecordChars;
  }

  /**
   * Check the field count of every following record: more fields than `n` is rejected with
   * "expected n columns, found m"; fewer is rejected too, except that with `short` = "pad" a row
   * missing only its LAST column is read with that column empty (some exporters drop a trailing
   * empty field). More than one missing column means a damaged row: rejected either way.
   */
  expectColumns(n: number, short: ShortRows = 'reject'): void {
    this.columns = n;
    this.shortRows = short;
  }

  /** A record is still open (a quoted field spanning lines): its lines are held. */
  get open(): boolean {
    return this.pending.length > 0;
  }

  push(lines: readonly RawLine[], sink: CsvSink): void {
    for (let i = 0; i < lines.length; i++) this.feed(lines[i] as RawLine, sink);
  }

  /** The input ended: a record still open is an unbalanced quote; what followed it is re-read. */
  end(sink: CsvSink): void {
    if (this.pending.length > 0) this.fail(sink, 'at the end of the input');
  }

  private feed(line: RawLine, sink: CsvSink): void {
    const text = line.text;
    if (this.pending.length === 0) {
      if (text.length === 0) return;
      if (this.comment !== undefined && text.startsWith(this.comment)) return;
      if (text.indexOf(this.quote) < 0) {
        this.emit(text.split(this.delim), line.no, text, sink);
        return;
      }
      const fields = this.scan(text);
      if (fields === null) {
        sink.onReject(line.no, this.badReason, text);
        return;
      }
      if (fields !== undefined) {
        this.emit(fields, line.no, text, sink);
        return;
      }
      this.pending.push(line);
      this.pendingChars = text.length;
      this.checkLimits(sink);
      return;
    }
    // Continuing an open quoted field: re-scan the joined record (bounded by the limits).
    this.pending.push(line);
    this.pendingChars += text.length + 1;
    let joined = (this.pending[0] as RawLine).text;
    for (let i = 1; i < this.pending.length; i++) joined += `\n${(this.pending[i] as RawLine).text}`;
    const fields = this.scan(joined);
    if (fields === null) {
      // The open quote was "closed" by a quote of a following line, which is followed by more text:
      // a stray quote on the first line. Blame it, re-read the others.
      this.fail(sink, `closed only on line ${line.no}, where the closing quote is followed by more text`);
      return;
    }
    if (fields !== undefined) {
      const n = this.columns;
      if (n !== 0 && fields.length !== n && !this.paddable(fields.length)) {
        // A stray quote is usually "closed" by the first quote of a following record: the joined
        // text then has the wrong number of columns. Blame the first line, re-read the others.
        this.fail(
          sink,
          `closed only on line ${line.no}, which would make a record of ${fields.length} columns, expected ${n}`,
        );
        return;
      }
      const first = (this.pending[0] as RawLine).no;
      this.pending = [];
      this.pendingChars = 0;
      this.emit(fields, first, joined, sink);
      return;
    }
    this.checkLimits(sink);
  }

  private checkLimits(sink: CsvSink): void {
    if (this.pending.length >= this.maxLines)
      this.fail(sink, `still open after ${this.pending.length} lines`);
    else if (this.pendingChars > this.maxChars)
      this.fail(sink, `still open after ${this.pendingChars.toLocaleString('en')} characters`);
  }

  /** Reject the first buffered line; feed the rest again from a clean state. */
  private fail(sink: CsvSink, why: string): void {
    const [first, ...rest] = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    if (first === undefined) return;
    // Find where the open quote of the first line starts (scan of that line alone).
    this.scan(first.text);
    sink.onReject(
      first.no,
      `unbalanced quote starting at column ${this.openColumn} (character ${this.openChar}); the quoted field is ${why}`,
      first.text,
    );
    for (const l of rest) this.feed(l, sink);
  }

  /** A row one column short, under "pad": its missing last column is read as empty. */
  private paddable(found: number): boolean {
    return this.shortRows === 'pad' && found === this.columns - 1;
  }

  private emit(fields: string[], line: number, raw: string, sink: CsvSink): void {
    const n = this.columns;
    if (n !== 0 && fields.length !== n) {
      if (this.paddable(fields.length)) {
        fields.push('');
      } else {
        sink.onReject(line, `expected ${n} columns, found ${fields.length}`, raw);
        return;
      }
    }
    sink.onRecord(fields, line, raw);
  }

  /**
   * Split one record. Returns undefined when a quoted field is still open at the end of `text`
   * (and sets openColumn/openChar), null when a closing quote is followed by other text than a
   * delimiter (and sets badReason).
   */
  private scan(text: string): string[] | undefined | null {
    const fields: string[] = [];
    const len = text.length;
    const d = this.delim;
    const q = this.quote;
    const qc = this.quoteCode;
    let pos = 0;
    for (;;) {
      if (pos < len && text.charCodeAt(pos) === qc) {
        // Quoted field: jump from quote to quote.
        const openAt = pos;
        let start = pos + 1;
        let value = '';
        let pieces = false;
        for (;;) {
          const j = text.indexOf(q, start);
          if (j < 0) {
            this.openColumn = fields.length + 1;
            this.openChar = openAt + 1;
            return undefined;
          }
          if (text.charCodeAt(j + 1) === qc) {
            value += text.slice(start, j + 1);
            pieces = true;
            start = j + 2;
            continue;
          }
          value = pieces ? value + text.slice(start, j) : text.slice(start, j);
          pos = j + 1;
          break;
        }
        if (pos >= len) {
          fields.push(value);
          return fields;
        }
        if (text.charCodeAt(pos) === this.delimCode) {
          fields.push(value);
          pos++;
          if (pos === len) {
            fields.push('');
            return fields;
          }
          continue;
        }
        this.badReason = `unbalanced quote in column ${fields.length + 1}: the quoted field opened at character ${
          openAt + 1
        } closes at character ${pos} but is followed by "${text.charAt(pos)}" instead of "${d}"`;
        return null;
      }
      const k = text.indexOf(d, pos);
      if (k < 0) {
        fields.push(text.slice(pos));
        return fields;
      }
      fields.push(text.slice(pos, k));
      pos = k + 1;
      if (pos === len) {
        fields.push('');
        return fields;
      }
    }
  }
}

/** Check a dialect from options; the message names the option at fault. */
export function checkDialectChar(name: string, v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length !== 1) return `${name}: expected exactly one character`;
  if (v === '\n' || v === '\r') return `${name}: a line break cannot be used`;
  return undefined;
}
