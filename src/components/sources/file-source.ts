/** Byte sources: a file, standard input. (HTTP lives in http-source.ts.) */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface ByteSource {
  /** File path, URL or "-" for standard input: used in messages and quarantine. */
  readonly name: string;
  /** Total size when known, for progress. */
  readonly size?: number;
  /** Set for a regular file: it can be read again, in parts (ingest --workers). */
  readonly path?: string;
  readonly chunks: AsyncIterable<Buffer>;
}

const CHUNK = 1024 * 1024;

export async function fileSource(path: string): Promise<ByteSource> {
  if (path === '-') return { name: '-', chunks: process.stdin as AsyncIterable<Buffer> };
  const st = await stat(path); // throws ENOENT with the path in its message
  if (st.isDirectory()) throw new Error(`${path} is a directory, not a file`);
  return { name: path, size: st.size, path, chunks: createReadStream(path, { highWaterMark: CHUNK }) };
}
