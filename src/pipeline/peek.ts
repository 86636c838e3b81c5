/**
 * Read the head of a byte stream without losing it: the returned stream yields it again.
 *
 * `ended` says the head is the whole input (the source ended while peeking), so a caller can tell
 * an input that is blank from one whose first 64 KiB happen to be.
 * When the consumer stops early (an error downstream), the source is closed (its iterator's
 * `return()`), so a file descriptor or socket is not left open.
 */
export async function peek(
  chunks: AsyncIterable<Buffer | Uint8Array | string>,
  bytes: number,
): Promise<{ head: Buffer; ended: boolean; chunks: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let total = 0;
  let done = false;
  // A source that fails after some bytes (a stalled download): the bytes that arrived are still
  // handed on, and the error is raised after them, so whole records read before it are kept.
  let failed: { error: unknown } | undefined;
  while (total < bytes) {
    let r: IteratorResult<Buffer | Uint8Array | string>;
    try {
      r = await it.next();
    } catch (error) {
      if (seen.length === 0) throw error;
      failed = { error };
      break;
    }
    if (r.done) {
      done = true;
      break;
    }
    const b = toBuffer(r.value);
    seen.push(b);
    total += b.length;
  }
  const head = Buffer.concat(seen);
  async function* replay(): AsyncGenerator<Buffer> {
    let finished = done || failed !== undefined;
    try {
      if (head.length > 0) yield head;
      if (failed) throw failed.error;
      if (finished) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          finished = true;
          return;
        }
        yield toBuffer(r.value);
      }
    } finally {
      // Stopped before the source ended: release it.
      if (!finished) await it.return?.();
    }
  }
  return { head, ended: done, chunks: replay() };
}

function toBuffer(v: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  return typeof v === 'string' ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
