/**
 * `accord stats`: the situation at a glance for a period (domestic infected hosts, the C2
 * servers abroad that control them, compromised websites), each figure beside the previous
 * period of the same length. docs/stats.md defines every figure.
 */
import { renderReport } from '../../reports/stats/render.js';
import { statsReport } from '../../reports/stats/report.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { dbPath, openStore } from '../store-path.js';

export interface StatsCommandOptions {
  readonly since?: string;
  readonly until?: string;
  readonly country?: string;
  readonly top?: number;
  readonly json?: boolean;
  readonly db?: string;
}

export async function statsCommand(o: StatsCommandOptions): Promise<ExitCode> {
  const country = o.country ?? (process.env.ACCORD_COUNTRY || undefined);
  const store = await openStore(dbPath(o.db), true);
  try {
    const started = performance.now();
    const r = await statsReport(store, {
      ...(o.since !== undefined ? { since: o.since } : {}),
      ...(o.until !== undefined ? { until: o.until } : {}),
      ...(country !== undefined ? { country } : {}),
      ...(o.top !== undefined ? { top: o.top } : {}),
      today: new Date().toISOString().slice(0, 10),
    });
    if (!r.ok) throw new CliError(r.error, EXIT.usage);
    const seconds = Math.round(performance.now() - started) / 1000;
    if (o.json) process.stdout.write(`${JSON.stringify({ ...r.report, seconds })}\n`);
    else process.stdout.write(`${renderReport(r.report)}\n(computed in ${seconds.toFixed(2)} s)\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
