/**
 * Keep the heap of a long ingest near what it holds alive.
 *
 * An ingest allocates fast and keeps little (one batch, the flushes in flight), and V8 answers a
 * high allocation rate by growing the old generation far beyond the live data: the main thread's
 * heap kept growing with the length of the input (60 MiB after a million rows, 130 MiB after four
 * million), and with it the process's peak RSS. A smaller heap growing factor makes V8 collect
 * instead of growing; it is a soft bound (unlike --max-old-space-size it can never run the
 * process out of memory). V8 reads the factor whenever it sizes the heap, so setting it when the
 * command starts works; worker threads started afterwards get it too.
 *
 * An operator's own setting (node --heap-growing-percent=N, or in NODE_OPTIONS) is left alone;
 * ACCORD_HEAP_GROWING_PERCENT sets another value (measured in BENCHMARKS.md).
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 35;

export function boundHeapGrowth(env: NodeJS.ProcessEnv = process.env): void {
  const flag = 'heap-growing-percent';
  const given = [...process.execArgv, env.NODE_OPTIONS ?? ''].some((a) =>
    a.replace(/_/g, '-').includes(flag),
  );
  if (given) return;
  const n = Number(env.ACCORD_HEAP_GROWING_PERCENT ?? HEAP_GROWING_PERCENT);
  if (!Number.isInteger(n) || n <= 0 || n > 1000) return;
  setFlagsFromString(`--${flag}=${n}`);
}
