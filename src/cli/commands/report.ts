/**
 * `accord report`: the national situation report for a year, quarter, month or range of days,
 * as a printable HTML page, a PDF (headless Chromium) or JSON. docs/report.md describes it.
 */
import { writeFileSync } from 'node:fs';
import { situationReport } from '../../reports/situation/model.js';
import { REPORT_FORMATS, type ReportFormat, renderSituation } from '../../reports/situation/render.js';
import { sqliteDaily } from '../../reports/situation/sqlite-daily.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { dbPath, openStore } from '../store-path.js';

export interface ReportCommandOptions {
  readonly period?: string;
  readonly format: string;
  readonly out?: string;
  readonly country?: string;
  readonly top?: number;
  readonly db?: string;
  /** accord.yaml whose constituency enricher names the organisations in the tables. */
  readonly config?: string;
}

type OrgLookup = (id: string) => { readonly name: string; readonly sector?: string | undefined } | undefined;

/** The constituency organisations of the config's constituency enricher (none without one). */
async function organisations(file: string): Promise<OrgLookup | undefined> {
  const { loadConfig } = await import('../../config/load-config.js');
  const config = await loadConfig(file);
  if (!config.ok) throw new CliError(config.error.join('\n'), EXIT.usage);
  const entry = config.value.enrichment.find((e) => e.name === 'constituency');
  if (entry === undefined) return undefined;
  const { loadConstituency } = await import('../../components/enrichers/constituency/index.js');
  const loaded = await loadConstituency(
    entry.options as import('../../components/enrichers/constituency/index.js').ConstituencyOptions,
    config.value.baseDir,
  );
  for (const w of loaded.warnings) process.stderr.write(`accord: ${w}\n`);
  return (id) => loaded.constituency.orgs.get(id);
}

export async function reportCommand(o: ReportCommandOptions): Promise<ExitCode> {
  const format = o.format.toLowerCase() as ReportFormat;
  if (!REPORT_FORMATS.includes(format))
    throw new CliError(`--format ${o.format}: expected one of ${REPORT_FORMATS.join(', ')}`, EXIT.usage);
  if (format === 'pdf' && o.out === undefined && process.stdout.isTTY)
    throw new CliError('--format pdf: give --out FILE (or redirect standard output)', EXIT.usage);
  const country = o.country ?? (process.env.ACCORD_COUNTRY || undefined);
  const configFile = o.config ?? (process.env.ACCORD_CONFIG || undefined);
  const organisation = configFile === undefined ? undefined : await organisations(configFile);
  const store = await openStore(dbPath(o.db), true);
  try {
    const r = await situationReport(store, {
      ...(o.period !== undefined ? { period: o.period } : {}),
      ...(country !== undefined ? { country } : {}),
      ...(o.top !== undefined ? { top: o.top } : {}),
      today: new Date().toISOString().slice(0, 10),
      daily: sqliteDaily(store),
      ...(organisation ? { organisation } : {}),
    });
    if (!r.ok) throw new CliError(r.error, EXIT.usage);
    const out = await renderSituation(r.report, format);
    if (!out.ok) throw new CliError(out.error, EXIT.input);
    if (o.out === undefined) {
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(out.body, (err) => (err ? reject(err) : resolve())),
      );
    } else {
      writeFileSync(o.out, out.body);
      process.stderr.write(
        `accord: wrote the ${format.toUpperCase()} report for ${r.report.period.title} to ${o.out} (${out.body.length.toLocaleString('en-US')} bytes)\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
