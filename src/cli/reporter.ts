/**
 * How a long command talks while it runs, on standard error (standard output is for results):
 * on a terminal a one-line progress bar redrawn at most 10 times a second and plain message
 * lines; otherwise (a pipe, a log file, a service) pino JSON lines, with a progress line every
 * few seconds.
 */
import type { Logger } from '../logging/logger.js';
import type { IngestProgress } from '../pipeline/ingest.js';
import { bytes, int } from './format.js';

export interface Reporter {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  progress(p: IngestProgress): void;
  /** Clear the bar (before the summary is printed). */
  done(): void;
}

export interface ReporterOptions {
  /** Force terminal or log mode; default: terminal when stderr is a TTY. */
  readonly tty?: boolean;
  /** Seconds between progress log lines in log mode (default $ACCORD_PROGRESS_SECONDS, else 5). */
  readonly logEverySeconds?: number;
  /** Suppress info-level messages and the bar (--json uses this on a terminal). */
  readonly quiet?: boolean;
}

export async function createReporter(options: ReporterOptions = {}): Promise<Reporter> {
  const tty = options.tty ?? process.stderr.isTTY === true;
  if (tty) return new TerminalReporter(options.quiet ?? false);
  const { createLogger } = await import('../logging/logger.js');
  const env = Number(process.env.ACCORD_PROGRESS_SECONDS);
  return new LogReporter(
    createLogger(),
    options.logEverySeconds ?? (process.env.ACCORD_PROGRESS_SECONDS && env >= 0 ? env : 5),
  );
}

function rate(p: IngestProgress): number {
  return p.seconds > 0 ? p.read / p.seconds : 0;
}

class TerminalReporter implements Reporter {
  private last = 0;
  private bar = '';
  constructor(private readonly quiet: boolean) {}

  private line(text: string): void {
    const w = process.stderr;
    if (this.bar) w.write('\r\x1b[2K');
    w.write(`${text}\n`);
    if (this.bar) w.write(this.bar);
  }
  info(msg: string): void {
    if (!this.quiet) this.line(msg);
  }
  warn(msg: string): void {
    this.line(`warning: ${msg}`);
  }
  error(msg: string): void {
    this.line(`error: ${msg}`);
  }
  progress(p: IngestProgress): void {
    if (this.quiet) return;
    const now = performance.now();
    if (now - this.last < 100) return; // at most 10 redraws a second
    this.last = now;
    const width = 24;
    let head = '';
    if (p.totalBytes && p.totalBytes > 0) {
      const f = Math.min(1, p.bytes / p.totalBytes);
      const fill = Math.round(f * width);
      head = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${(f * 100).toFixed(0).padStart(3)}%  ${bytes(p.bytes)}/${bytes(p.totalBytes)}`;
    } else head = `${bytes(p.bytes)} read`;
    this.bar = `${head}  ${int(p.read)} records  ${int(rate(p))} rec/s  ${int(p.quarantined)} quarantined`;
    process.stderr.write(`\r\x1b[2K${this.bar}`);
  }
  done(): void {
    if (this.bar) process.stderr.write('\r\x1b[2K');
    this.bar = '';
  }
}

class LogReporter implements Reporter {
  private last = performance.now();
  constructor(
    private readonly log: Logger,
    private readonly everySeconds: number,
  ) {}
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.log.info(fields, msg);
  }
  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.log.warn(fields, msg);
  }
  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.log.error(fields, msg);
  }
  progress(p: IngestProgress): void {
    const now = performance.now();
    if (now - this.last < this.everySeconds * 1000) return;
    this.last = now;
    this.log.info(
      {
        read: p.read,
        new: p.new,
        folded: p.folded,
        quarantined: p.quarantined,
        bytes: p.bytes,
        ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}),
        recordsPerSecond: Math.round(rate(p)),
      },
      `progress: ${int(p.read)} records, ${bytes(p.bytes)}${
        p.totalBytes ? ` of ${bytes(p.totalBytes)} (${((100 * p.bytes) / p.totalBytes).toFixed(0)}%)` : ''
      }, ${int(rate(p))} records/s`,
    );
  }
  done(): void {}
}
