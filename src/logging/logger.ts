/**
 * The process logger: pino, JSON lines on standard error, so standard output stays free for the
 * data a command prints (a --json summary, an export). Writes are synchronous: a line that was
 * logged is on its way out even when the process is killed right after (the crash test relies on
 * it), and log volume is small (a progress line every few seconds, capped quarantine lines).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** pino level; default from ACCORD_LOG_LEVEL, else "info". */
  readonly level?: string;
  /** File descriptor to write to (default 2, standard error). */
  readonly fd?: number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.ACCORD_LOG_LEVEL ?? 'info';
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: options.fd ?? 2, sync: true }),
  );
}
