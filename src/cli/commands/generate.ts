/**
 * `accord generate`: the synthetic national-scale data set (src/generate/), streamed to a file or
 * standard output with back-pressure, so any row count runs in bounded memory. Progress goes to
 * standard error: a bar on a terminal, nothing otherwise; a one-line summary (or --json) at the end.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { type GenerateOptions, generate, planGeneration } from '../../generate/index.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { bytes, int, seconds } from '../format.js';

export interface GenerateCommandOptions {
  readonly rows: number;
  readonly seed: number;
  readonly out: string;
  readonly country: string;
  readonly profile?: string;
  readonly date?: string;
  readonly days?: number;
  readonly json?: boolean;
}

export async function generateCommand(o: GenerateCommandOptions): Promise<ExitCode> {
  const options: GenerateOptions = {
    rows: o.rows,
    seed: o.seed,
    country: o.country,
    ...(o.profile !== undefined ? { profile: o.profile } : {}),
    ...(o.date !== undefined ? { date: o.date } : {}),
    ...(o.days !== undefined ? { days: o.days } : {}),
  };
  const plan = planGeneration(options);
  if (!plan.ok) throw new CliError(plan.error, EXIT.usage);
  const toStdout = o.out === '-';
  // Written to a temporary name and renamed at the end: an interrupted run leaves no half file.
  const tmp = toStdout ? '' : `${o.out}.partial-${process.pid}`;
  const sink: NodeJS.WritableStream = toStdout
    ? process.stdout
    : createWriteStream(tmp, { highWaterMark: 1 << 20 });
  let failed: Error | undefined;
  sink.on('error', (e: Error) => {
    failed ??= e;
  });

  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let written = 0;
  let headerDone = false;
  let lastDraw = 0;
  const draw = (final: boolean) => {
    if (!tty) return;
    const now = performance.now();
    if (!final && now - lastDraw < 100) return;
    lastDraw = now;
    const s = (now - started) / 1000;
    const pct = o.rows > 0 ? Math.min(100, (100 * written) / o.rows) : 100;
    const width = 24;
    const fill = Math.round((pct / 100) * width);
    process.stderr.write(
      `\r\x1b[2K[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct.toFixed(0)}% ${int(written)}/${int(o.rows)} rows, ${int(s > 0 ? written / s : 0)} rows/s${final ? '\n' : ''}`,
    );
  };

  let result: { rows: number; bytes: number };
  try {
    result = await generate(options, (chunk) => {
      if (failed) throw failed;
      if (headerDone) {
        for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) written++;
        draw(false);
      } else headerDone = true; // the first chunk is the header line alone
      if (sink.write(chunk)) return undefined;
      return new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          sink.off('error', onError);
          resolve();
        };
        const onError = (e: Error) => {
          sink.off('drain', onDrain);
          reject(e);
        };
        sink.once('drain', onDrain);
        sink.once('error', onError);
      });
    });
    if (!toStdout)
      await new Promise<void>((resolve, reject) =>
        (sink as WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
    if (failed) throw failed;
    if (!toStdout) await rename(tmp, o.out);
  } catch (e) {
    if (!toStdout) await rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (toStdout && err.code === 'EPIPE') return EXIT.ok; // the reader stopped early (| head): not an error
    throw new CliError(`cannot write ${toStdout ? 'standard output' : o.out}: ${err.message}`, EXIT.input);
  }
  written = result.rows;
  draw(true);
  const secs = (performance.now() - started) / 1000;
  const p = plan.plan;
  const summary = {
    out: o.out,
    rows: result.rows,
    bytes: result.bytes,
    seconds: Number(secs.toFixed(3)),
    rowsPerSecond: secs > 0 ? Math.round(result.rows / secs) : 0,
    seed: p.seed,
    country: p.country,
    profile: p.profile.name,
    days: p.days,
    hosts: p.hosts,
    c2Servers: p.c2Servers,
  };
  // With --out -, standard output carries the data: the summary goes to standard error.
  const report = toStdout ? process.stderr : process.stdout;
  if (o.json) report.write(`${JSON.stringify(summary)}\n`);
  else if (!toStdout || tty)
    report.write(
      `generated ${int(result.rows)} event4_sinkhole rows (${bytes(result.bytes)}) to ${toStdout ? 'standard output' : o.out} in ${seconds(secs)}: ` +
        `${p.country} hosts (~${int(p.hosts)}) and ~${int(p.c2Servers)} C2 servers abroad, profile ${p.profile.name}, seed ${p.seed}\n`,
    );
  return EXIT.ok;
}
