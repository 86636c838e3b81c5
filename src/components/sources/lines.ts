/**
 * Splits a byte stream into numbered lines, in batches, fast: whole chunks are decoded at once and
 * split on "\n"; only a chunk with a suspect byte falls back to line-by-line checks.
 *
 * Lines that cannot be handed to a parser are returned as problems with their reason and raw
 * text, so the pipeline quarantines them and goes on: invalid UTF-8, NUL bytes (binary data),
 * or longer than `maxLineBytes`.
 */
import { isUtf8 } from 'node:buffer';
import type { RawLine } from '../parsers/contract.js';

export interface LineProblem {
  readonly no: number;
  readonly reason: string;
  /** The line as text (invalid bytes shown as U+FFFD) ... */
  readonly raw: string;
  /** ... and its exact bytes when they are not valid UTF-8. */
  readonly bytes?: Buffer;
}

export interface LineBatch {
  readonly lines: RawLine[];
  readonly problems: LineProblem[];
  /** Bytes consumed from the input by this batch. */
  readonly bytes: number;
}

export interface LineReaderOptions {
  /** Lines longer than this go to quarantine instead of the parser (default 1 MiB). */
  readonly maxLineBytes?: number;
  /** Beyond this a too-long line's raw text is cut in quarantine (default 16 MiB). */
  readonly maxRawBytes?: number;
  /**
   * Number of the first line, when the bytes start in the middle of an input (a part read by an
   * ingest worker): lines keep their numbers in the whole input, and no byte-order mark is
   * stripped (one belongs only at the start of the input). Default 1.
   */
  readonly startLine?: number;
}

const NL = 10;

export async function* readLines(
  chunks: AsyncIterable<Buffer | Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<LineBatch> {
  const maxLine = options.maxLineBytes ?? 1024 * 1024;
  const maxRaw = options.maxRawBytes ?? 16 * 1024 * 1024;
  /** Bytes of an unfinished line held in memory: a line within maxLine (+ CR, BOM) is never cut. */
  const holdLimit = Math.max(maxRaw, maxLine + 4);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of the current over-long line that were discarded past maxRaw. */
  let droppedBytes = 0;
  /** Last byte dropped: it ends the line when nothing follows the drop (a final "\r" to strip). */
  let lastDropped = -1;
  let lineNo = (options.startLine ?? 1) - 1;
  let first = lineNo === 0;

  /** `endsInBuf`: the line's last byte is buf's (false when the line ended in dropped bytes). */
  const emitLine = (buf: Buffer, lines: RawLine[], problems: LineProblem[], endsInBuf = true) => {
    lineNo++;
    let end = buf.length;
    let cr = 0;
    if (endsInBuf) {
      if (end > 0 && buf[end - 1] === 13) end--;
    } else if (lastDropped === 13) cr = 1;
    let start = 0;
    if (first) {
      first = false;
      if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    const bytes = buf.subarray(start, end);
    const total = bytes.length + droppedBytes - cr;
    droppedBytes = 0;
    lastDropped = -1;
    if (total > maxLine) {
      problems.push(tooLong(lineNo, bytes, total, maxLine, maxRaw));
      return;
    }
    checkLine(bytes, lineNo, lines, problems);
  };

  for await (const chunk of chunks) {
    const buf =
      typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const lines: RawLine[] = [];
    const problems: LineProblem[] = [];
    let pos = 0;
    let nl = buf.indexOf(NL, pos);
    if (nl < 0) {
      // No line end in this chunk: keep it (bounded: past holdLimit only its size is counted).
      if (pendingBytes < holdLimit) {
        pending.push(buf);
        pendingBytes += buf.length;
      } else if (buf.length > 0) {
        droppedBytes += buf.length;
        lastDropped = buf[buf.length - 1] as number;
      }
      yield { lines, problems, bytes: buf.length };
      continue;
    }
    if (pending.length > 0) {
      pending.push(buf.subarray(0, nl));
      emitLine(Buffer.concat(pending), lines, problems, droppedBytes === 0 || nl > 0);
      pending = [];
      pendingBytes = 0;
      pos = nl + 1;
    }
    const last = buf.lastIndexOf(NL);
    if (last >= pos) {
      const region = buf.subarray(pos, last);
      if (!first && region.indexOf(0) < 0) {
        // Fast path: decode the whole region once.
        const text = region.toString('utf8');
        if (text.indexOf('\uFFFD') < 0 && text.length <= maxLine) {
          const parts = text.split('\n');
          for (let i = 0; i < parts.length; i++) {
            let t = parts[i] as string;
            if (t.length > 0 && t.charCodeAt(t.length - 1) === 13) t = t.slice(0, -1);
            lineNo++;
            if (t.length > maxLine / 4 && Buffer.byteLength(t) > maxLine) {
              const b = Buffer.from(t);
              problems.push(tooLong(lineNo, b, b.length, maxLine, maxRaw));
            } else lines.push({ no: lineNo, text: t });
          }
          pos = last + 1;
        }
      }
      // Slow path, line by line.
      while (pos <= last) {
        nl = buf.indexOf(NL, pos);
        emitLine(buf.subarray(pos, nl), lines, problems);
        pos = nl + 1;
      }
    }
    if (pos < buf.length) {
      pending.push(buf.subarray(pos));
      pendingBytes += buf.length - pos;
    }
    yield { lines, problems, bytes: buf.length };
  }
  if (pending.length > 0 || droppedBytes > 0) {
    const lines: RawLine[] = [];
    const problems: LineProblem[] = [];
    const rest = Buffer.concat(pending);
    if (rest.length > 0 || droppedBytes > 0) emitLine(rest, lines, problems, droppedBytes === 0);
    yield { lines, problems, bytes: 0 };
  }
}

/**
 * The problem for a line over the limit. Its size and raw text do not depend on how the input was
 * cut into chunks: the raw text is the first `maxRaw` bytes (backed off to a whole character).
 */
function tooLong(no: number, bytes: Buffer, total: number, maxLine: number, maxRaw: number): LineProblem {
  let keep = Math.min(bytes.length, maxRaw);
  if (total > keep) keep = wholeCharacters(bytes, keep);
  const cut = total > keep;
  return {
    no,
    reason: `line is ${total.toLocaleString('en')} bytes, over the ${maxLine.toLocaleString('en')}-byte limit${
      cut ? `; raw text cut to its first ${keep.toLocaleString('en')} bytes` : ''
    }`,
    raw: bytes.subarray(0, keep).toString('utf8'),
  };
}

/** `end`, or less so that bytes[0..end) does not finish with the start of a cut multi-byte character. */
function wholeCharacters(b: Uint8Array, end: number): number {
  for (let j = end - 1; j >= 0 && j >= end - 4; j--) {
    const c = b[j] as number;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back for its lead
    const size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return end - j < size ? j : end;
  }
  return end;
}

function checkLine(bytes: Buffer, no: number, lines: RawLine[], problems: LineProblem[]): void {
  if (bytes.indexOf(0) >= 0) {
    problems.push({
      no,
      reason: 'line contains NUL bytes: binary data, not text',
      raw: bytes.toString('latin1'),
      bytes: Buffer.from(bytes),
    });
    return;
  }
  const text = bytes.toString('utf8');
  if (text.indexOf('\uFFFD') >= 0 && !isUtf8(bytes)) {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    problems.push({
      no,
      reason: `invalid UTF-8 at byte ${at + 1} of the line`,
      raw: text,
      bytes: Buffer.from(bytes),
    });
    return;
  }
  lines.push({ no, text });
}

/** Offset of the first byte that breaks UTF-8 (a linear scan; only run on lines already known bad). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let need = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
