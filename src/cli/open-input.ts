/** The input of `accord ingest`: a file path, an http(s) URL, or "-" for standard input. */
import type { ByteSource } from '../components/sources/file-source.js';
import { CliError, EXIT } from './exit-codes.js';

export interface InputOptions {
  /** URL connect and idle timeout, ms. */
  readonly timeoutMs?: number;
  /** URL body size limit, bytes. */
  readonly maxBytes?: number;
}

export interface OpenedInput {
  readonly source: ByteSource;
  /** Release the input (abort a download); safe to call twice. */
  close(): void;
}

/** Open an input, or throw a CliError (exit 2) that says which input and why. */
export async function openInput(spec: string, options: InputOptions = {}): Promise<OpenedInput> {
  const { isHttpUrl, httpSource } = await import('../components/sources/http-source.js');
  if (isHttpUrl(spec)) {
    try {
      const src = await httpSource(spec, {
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      });
      return { source: src, close: () => src.close() };
    } catch (e) {
      throw new CliError(`cannot read ${(e as Error).message}`, EXIT.input);
    }
  }
  const { fileSource } = await import('../components/sources/file-source.js');
  try {
    const src = await fileSource(spec);
    return {
      source: src,
      // Standard input too: a run that stopped early (bad format) must not keep the process alive.
      close: () => (src.chunks as { destroy?: () => void }).destroy?.(),
    };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : (e as Error).message.replace(/^[A-Z]+: /, '');
    throw new CliError(`cannot read ${spec}: ${why}`, EXIT.input);
  }
}
