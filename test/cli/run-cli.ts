/**
 * Runs the real `accord` command (bin/accord.js over dist/, built once by test/global-setup.ts)
 * as a child process, so the tests see exactly what a user sees: exit code, standard output,
 * standard error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../bin/accord.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  /** Extra environment; ACCORD_DB is removed unless given here. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to standard input (closed afterwards). */
  readonly input?: string | Buffer;
  /** Kill the child after this long (default 30 s): every run is bounded. */
  readonly timeoutMs?: number;
}

export function startCli(args: readonly string[], o: CliOptions): ChildProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...o.env };
  if (o.env?.ACCORD_DB === undefined) delete env.ACCORD_DB;
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: o.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (o.input !== undefined) child.stdin?.end(o.input);
  else child.stdin?.end();
  return child;
}

export function runCli(args: readonly string[], o: CliOptions): Promise<CliResult> {
  const child = startCli(args, o);
  return collect(child, o.timeoutMs ?? 30_000);
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`accord did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The single JSON object a --json command printed (fails when stdout holds anything else). */
export function jsonOut(r: CliResult): Record<string, unknown> {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1)
    throw new Error(
      `expected one JSON line on stdout, got ${lines.length}:\n${r.stdout}\nstderr:\n${r.stderr}`,
    );
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}
