/**
 * Shadowserver CSV reports. The report type is recognised from the header row (its exact set of
 * columns, see reports.ts); the header is compiled once into a column plan and every row is then
 * a few assignments. With `schema_file` pointing at Shadowserver's published IntelMQ schema, any of
 * its report types can be read too (intelmq-schema.ts).
 *
 * A file that is not a Shadowserver report is not an exception: its header line is rejected with
 * what was expected, and every row after it with a pointer to that line.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import type { ParseOutcome, ParserContext, ParserDefinition, ParserInstance, RawLine } from '../contract.js';
import { type CsvSink, CsvTokenizer, type ShortRows } from '../csv/tokenizer.js';
import { chooseSchemaReport, type LoadedSchema, loadSchema } from './intelmq-schema.js';
import { applyPlan, type ColumnMapping, compilePlan, type Plan } from './plan.js';
import { headerKey, REPORT_TYPES, type ReportType } from './reports.js';

export interface ShadowserverOptions {
  /**
   * Report type to read the input as, when the header cannot tell (event4_sinkhole and
   * event4_microsoft_sinkhole share one header) and the file name does not say. A built-in name,
   * or with schema_file any report key or file_name of the schema. Default: recognised.
   */
  readonly report?: string;
  /** Path to Shadowserver's IntelMQ schema (JSON), to read report types beyond the built-in table. */
  readonly schemaFile?: string;
  /**
   * Rows with fewer columns than the header: "pad" reads the missing trailing columns as empty
   * (Shadowserver's older exports drop trailing empty columns), "reject" quarantines them.
   * More columns than the header is always rejected. Default "pad".
   */
  readonly shortRows: ShortRows;
}

const BY_HEADER = new Map<string, ReportType[]>();
for (const r of REPORT_TYPES) {
  const k = headerKey(r.columns);
  const list = BY_HEADER.get(k);
  if (list) list.push(r);
  else BY_HEADER.set(k, [r]);
}
const BUILTIN = new Map(REPORT_TYPES.map((r) => [r.name, r]));
const BUILTIN_MAPS = new Map(
  REPORT_TYPES.map((r) => [r.name, new Map<string, readonly ColumnMapping[]>(Object.entries(r.map))]),
);

function builtinPlan(r: ReportType, header: readonly string[]): Plan {
  return compilePlan(
    r.name,
    header,
    BUILTIN_MAPS.get(r.name) as ReadonlyMap<string, readonly ColumnMapping[]>,
    r.constants,
  );
}

/** Among reports sharing a header, the one the file name names (longest match), else the first. */
function pickByName(candidates: readonly ReportType[], sourceName: string): ReportType {
  const base = sourceName.split(/[\\/]/).pop() ?? sourceName;
  let best = candidates[0] as ReportType;
  let len = 0;
  for (const c of candidates)
    if (c.name.length > len && base.includes(c.name)) {
      best = c;
      len = c.name.length;
    }
  return best;
}

function listed(xs: readonly string[]): string {
  const shown = xs.slice(0, 5).join(', ');
  return xs.length > 5 ? `${shown} and ${xs.length - 5} more` : shown;
}

function difference(expected: readonly string[], header: readonly string[]): string {
  const h = new Set(header);
  const e = new Set(expected);
  const missing = expected.filter((c) => !h.has(c));
  const unexpected = header.filter((c) => !e.has(c));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${listed(missing)}`);
  if (unexpected.length > 0) parts.push(`unexpected ${listed(unexpected)}`);
  return parts.join('; ');
}

/** Why a header is not a known report, naming the closest one. */
function unknownHeaderReason(header: readonly string[], withSchema: boolean): string {
  const h = new Set(header);
  let best: ReportType | undefined;
  let bestScore = -1;
  for (const r of REPORT_TYPES) {
    let common = 0;
    for (const c of r.columns) if (h.has(c)) common++;
    const score = common / (r.columns.length + header.length - common);
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  const shown = header.length > 8 ? `${header.slice(0, 8).join(',')},...` : header.join(',');
  let reason = `not the header of a known Shadowserver report ("${shown.slice(0, 200)}", ${header.length} columns)`;
  if (best && bestScore >= 0.3) reason += `; closest is ${best.name}: ${difference(best.columns, header)}`;
  reason += withSchema
    ? '; no report type of schema_file matches either'
    : '; known: ' +
      REPORT_TYPES.map((r) => r.name).join(', ') +
      " (set schema_file to Shadowserver's schema for others)";
  return reason;
}

class ShadowserverParser implements ParserInstance, CsvSink {
  private readonly tokenizer = new CsvTokenizer();
  private out: ParseOutcome[] = [];
  private plan: Plan | undefined;
  private header: readonly string[] | undefined;
  private headerText = '';
  /** Set when the header cannot be used: every row is rejected with this reason. */
  private failure: string | undefined;
  private feedName: string | undefined;

  constructor(
    private readonly options: ShadowserverOptions,
    private readonly schema: LoadedSchema | undefined,
    private readonly ctx: ParserContext,
  ) {}

  push(lines: readonly RawLine[], out: ParseOutcome[]): void {
    this.out = out;
    this.tokenizer.push(lines, this);
  }

  end(out: ParseOutcome[]): void {
    this.out = out;
    this.tokenizer.end(this);
  }

  suggestedFeedName(): string | undefined {
    return this.feedName;
  }

  onReject(line: number, reason: string, raw: string): void {
    if (this.header === undefined) {
      // The first line is not even a CSV record: not a Shadowserver report at all.
      this.header = [];
      this.failure = `no Shadowserver report type recognised (see the header on line ${line})`;
      this.out.push({
        kind: 'reject',
        line,
        reason: `not the header of a Shadowserver report: ${reason}`,
        raw,
      });
      return;
    }
    this.out.push({ kind: 'reject', line, reason, raw });
  }

  onRecord(fields: string[], line: number, raw: string): void {
    const plan = this.plan;
    if (plan !== undefined) {
      // The same header again (reports concatenated): not a record.
      if (raw === this.headerText) return;
      const r = applyPlan(plan, fields);
      if (typeof r === 'string') this.out.push({ kind: 'reject', line, reason: r, raw });
      else this.out.push({ kind: 'record', line, fields: r, raw });
      return;
    }
    if (this.header === undefined) {
      this.readHeader(fields, line, raw);
      return;
    }
    if (raw === this.headerText) return;
    this.out.push({ kind: 'reject', line, reason: this.failure ?? 'no report type', raw });
  }

  private readHeader(fields: string[], line: number, raw: string): void {
    const header = fields.map((f) => f.trim());
    this.header = header;
    this.headerText = raw;
    const result = this.choose(header);
    if (typeof result === 'string') {
      this.failure = `no Shadowserver report type recognised (see the header on line ${line})`;
      this.out.push({ kind: 'reject', line, reason: result, raw });
      return;
    }
    this.plan = result.plan;
    this.feedName = `shadowserver-${result.name}`;
    this.tokenizer.expectColumns(header.length, this.options.shortRows);
  }

  private choose(header: readonly string[]): { plan: Plan; name: string } | string {
    const { report } = this.options;
    if (report !== undefined) {
      const b = BUILTIN.get(report);
      if (b) {
        if (headerKey(b.columns) !== headerKey(header))
          return `header does not match report ${report}: ${difference(b.columns, header)}`;
        return { plan: builtinPlan(b, header), name: b.name };
      }
      const c =
        this.schema?.reports.get(report) ??
        [...(this.schema?.reports.values() ?? [])].find((x) => x.ok && x.report.fileName === report);
      if (!c) return `report ${report} is neither built in nor in schema_file`;
      return this.schemaPlan(c, header);
    }
    const candidates = BY_HEADER.get(headerKey(header));
    if (candidates) {
      const r = pickByName(candidates, this.ctx.sourceName);
      return { plan: builtinPlan(r, header), name: r.name };
    }
    if (this.schema) {
      const c = chooseSchemaReport(this.schema, header, this.ctx.sourceName);
      if (c) return this.schemaPlan(c, header);
    }
    return unknownHeaderReason(header, this.schema !== undefined);
  }

  private schemaPlan(
    c: NonNullable<ReturnType<typeof chooseSchemaReport>>,
    header: readonly string[],
  ): { plan: Plan; name: string } | string {
    if (!c.ok) return `schema_file ${c.error}`;
    const r = c.report;
    const cols = new Set(header);
    const missing = r.requiredColumns.filter((x) => !cols.has(x));
    if (missing.length > 0)
      return `header lacks the columns report ${r.fileName} of schema_file requires: ${listed(missing)}`;
    return { plan: compilePlan(r.fileName, header, r.map, r.constants as RawFields), name: r.fileName };
  }
}

const OPTION_NAMES = new Set(['report', 'schema_file', 'short_rows']);

export const shadowserver: ParserDefinition<ShadowserverOptions> = {
  name: 'shadowserver',
  description: `Shadowserver CSV reports (${REPORT_TYPES.map((r) => r.name).join(', ')}; others with schema_file)`,
  options: [
    {
      name: 'report',
      type: 'string',
      description:
        'report type to read the input as when neither the header nor the file name tells (e.g. event4_microsoft_sinkhole)',
    },
    {
      name: 'schema_file',
      type: 'string',
      description:
        "path to Shadowserver's published IntelMQ report schema (JSON), to read its other report types",
    },
    {
      name: 'short_rows',
      type: '"pad" | "reject"',
      description:
        'a row one column short of the header: read its missing last column as empty (real exports drop a trailing empty field), or reject it; rows short by more are always rejected',
      default: 'pad',
    },
  ],
  parseOptions(raw) {
    for (const k of Object.keys(raw))
      if (!OPTION_NAMES.has(k)) return { ok: false, error: `unknown option "${k}"` };
    const shortRows = raw.short_rows ?? 'pad';
    if (shortRows !== 'pad' && shortRows !== 'reject')
      return { ok: false, error: 'short_rows: expected "pad" or "reject"' };
    let schemaFile: string | undefined;
    if (raw.schema_file !== undefined) {
      if (typeof raw.schema_file !== 'string' || raw.schema_file === '')
        return { ok: false, error: 'schema_file: expected a file path' };
      const s = loadSchema(raw.schema_file);
      if (!s.ok) return { ok: false, error: `schema_file: ${s.error}` };
      schemaFile = raw.schema_file;
    }
    let report: string | undefined;
    if (raw.report !== undefined) {
      if (typeof raw.report !== 'string' || raw.report === '')
        return { ok: false, error: 'report: expected a report name' };
      report = raw.report;
      if (!BUILTIN.has(report)) {
        const s = schemaFile === undefined ? undefined : loadSchema(schemaFile);
        const known =
          s?.ok === true &&
          (s.value.reports.has(report) ||
            [...s.value.reports.values()].some((x) => x.ok && x.report.fileName === report));
        if (!known)
          return {
            ok: false,
            error: `report: unknown report type "${report}"; built in: ${REPORT_TYPES.map((r) => r.name).join(', ')}${
              schemaFile === undefined ? ' (set schema_file for others)' : ', or one of schema_file'
            }`,
          };
      }
    }
    return {
      ok: true,
      value: {
        shortRows,
        ...(report !== undefined ? { report } : {}),
        ...(schemaFile !== undefined ? { schemaFile } : {}),
      },
    };
  },
  sniff({ lines }) {
    const first = lines.find((l) => l.trim() !== '');
    if (first === undefined) return 0;
    let header: string[] | undefined;
    const t = new CsvTokenizer();
    t.push([{ no: 1, text: first }], {
      onRecord: (f) => {
        header = f;
      },
      onReject: () => {},
    });
    if (!header) return 0;
    return BY_HEADER.has(headerKey(header.map((h) => h.trim()))) ? 1 : 0;
  },
  splittable: {
    headerLines: 1,
    /**
     * After this line no quoted field can be open, whatever came before: read alone it leaves
     * nothing open, and its first quote is followed by a character that is neither a quote nor a
     * delimiter. Were a field from an earlier line still open, that quote would close it followed
     * by text, which the tokenizer rejects by failing the open record and reading the lines after
     * its first again from a clean state; so this line always ends clean (csv/tokenizer.ts).
     */
    canSplitAfter(line) {
      const q = line.indexOf('"');
      const next = line.charCodeAt(q + 1);
      if (q < 0 || Number.isNaN(next) || next === 34 || next === 44) return false;
      const t = new CsvTokenizer();
      t.push([{ no: 1, text: line }], { onRecord: () => {}, onReject: () => {} });
      return !t.open;
    },
  },
  create(options, ctx) {
    let schema: LoadedSchema | undefined;
    if (options.schemaFile !== undefined) {
      const s = loadSchema(options.schemaFile);
      // parseOptions loaded it already; a file changed in between is read again or reported per row.
      schema = s.ok ? s.value : undefined;
    }
    return new ShadowserverParser(options, schema, ctx);
  },
};
