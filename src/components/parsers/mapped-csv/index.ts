/**
 * Any CSV, read through a mapping from the feed's config: which column fills which field, constant
 * values, the time format, the dialect. It cannot guess a mapping, so it never claims an input
 * (sniff 0): the feed config names it.
 *
 * Like the Shadowserver parser, the header is compiled once into a list of steps (column index,
 * field key, time reader), and each row is a loop of assignments.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import { FIELDS, isFieldName } from '../../../domain/schema/fields.js';
import type { ParseOutcome, ParserDefinition, ParserInstance, RawLine } from '../contract.js';
import { type CsvSink, CsvTokenizer } from '../csv/tokenizer.js';
import { type MappedCsvOptions, parseMappedCsvOptions } from './options.js';
import type { TimeReader } from './time-format.js';

interface Step {
  readonly idx: number;
  readonly column: string;
  readonly key: string;
  readonly time: TimeReader | undefined;
  readonly lower: boolean;
}

class MappedCsvParser implements ParserInstance, CsvSink {
  private readonly tokenizer: CsvTokenizer;
  private out: ParseOutcome[] = [];
  private steps: Step[] | undefined;
  /** Constants + every mapped key (null until set), built through JSON as one fast-mode shape. */
  private template: RawFields = {};
  private failure: string | undefined;

  constructor(private readonly o: MappedCsvOptions) {
    this.tokenizer = new CsvTokenizer({
      delimiter: o.delimiter,
      quote: o.quote,
      ...(o.commentPrefix !== undefined ? { commentPrefix: o.commentPrefix } : {}),
    });
  }

  push(lines: readonly RawLine[], out: ParseOutcome[]): void {
    this.out = out;
    const skip = this.o.skipLines;
    if (skip > 0 && lines.length > 0 && (lines[0] as RawLine).no <= skip) {
      this.tokenizer.push(
        lines.filter((l) => l.no > skip),
        this,
      );
      return;
    }
    this.tokenizer.push(lines, this);
  }

  end(out: ParseOutcome[]): void {
    this.out = out;
    this.tokenizer.end(this);
  }

  onReject(line: number, reason: string, raw: string): void {
    if (this.o.header && this.steps === undefined && this.failure === undefined) {
      // The header itself cannot be read: nothing after it can be mapped.
      this.failure = `the mapping does not fit the input (see line ${line})`;
      this.out.push({ kind: 'reject', line, reason: `header row: ${reason}`, raw });
      return;
    }
    this.out.push({ kind: 'reject', line, reason, raw });
  }

  onRecord(fields: string[], line: number, raw: string): void {
    if (this.steps === undefined && this.failure === undefined) {
      const names = this.o.header ? fields.map((f) => f.trim()) : undefined;
      const r = this.compile(names, fields.length);
      this.tokenizer.expectColumns(fields.length, this.o.shortRows);
      if (typeof r === 'string') {
        this.failure = `the mapping does not fit the input (see line ${line})`;
        this.out.push({ kind: 'reject', line, reason: r, raw });
        return;
      }
      this.steps = r;
      const keys: RawFields = { ...this.o.constants };
      for (const st of r) keys[st.key] ??= null;
      this.template = JSON.parse(JSON.stringify(keys)) as RawFields;
      if (this.o.header) return;
    }
    const steps = this.steps;
    if (steps === undefined) {
      this.out.push({ kind: 'reject', line, reason: this.failure ?? 'no mapping', raw });
      return;
    }
    const rec: RawFields = { ...this.template };
    for (let s = 0; s < steps.length; s++) {
      const st = steps[s] as Step;
      const v = fields[st.idx] as string;
      if (v === '') continue;
      if (st.time !== undefined) {
        const t = st.time(v);
        if (!t.ok) {
          this.out.push({
            kind: 'reject',
            line,
            reason: `column "${st.column}" (${st.key}): ${t.error}`,
            raw,
          });
          return;
        }
        rec[st.key] = t.value;
      } else rec[st.key] = st.lower ? v.toLowerCase() : v;
    }
    this.out.push({ kind: 'record', line, fields: rec, raw });
  }

  /** Resolve the mapping against the header (or the column count), once. */
  private compile(names: readonly string[] | undefined, count: number): Step[] | string {
    const o = this.o;
    const steps: Step[] = [];
    const mapped = new Set<number>();
    for (const [column, t] of o.mapping) {
      let idx: number;
      if (/^\d+$/.test(column)) {
        idx = Number(column) - 1;
        if (idx >= count) return `mapping.${column}: the input has only ${count} columns`;
      } else {
        idx = names?.indexOf(column) ?? -1;
        if (idx < 0)
          return `mapping.${column}: no column "${column}" in the header (columns: ${(names ?? []).join(', ').slice(0, 300)})`;
      }
      mapped.add(idx);
      const isTime =
        t.timeFormat !== undefined || (isFieldName(t.field) && FIELDS[t.field].type === 'timestamp');
      const fmt = t.timeFormat ?? o.timeFormat;
      steps.push({
        idx,
        column: names?.[idx] ?? String(idx + 1),
        key: t.field,
        time: isTime && fmt !== 'iso' ? o.timeReaders.get(fmt) : undefined,
        lower: t.lower === true || t.field === 'malware.name',
      });
    }
    if (o.unmapped === 'extra')
      for (let i = 0; i < count; i++) {
        if (mapped.has(i)) continue;
        const name = names?.[i];
        const key = name ? `extra.${name}` : `extra.column_${i + 1}`;
        steps.push({ idx: i, column: name ?? String(i + 1), key, time: undefined, lower: false });
      }
    return steps;
  }
}

export const mappedCsv: ParserDefinition<MappedCsvOptions> = {
  name: 'mapped-csv',
  description: 'any CSV, with a column-to-field mapping, constants and a time format in the feed config',
  options: [
    {
      name: 'mapping',
      type: 'object: column (header name or 1-based index) -> field, or {field, time_format, lower}',
      description: 'which column fills which field (schema field or extra.<name>); required',
    },
    { name: 'constants', type: 'object: field -> value', description: 'values every record gets' },
    {
      name: 'time_format',
      type: 'string',
      description:
        'time format of timestamp columns: strftime ("%Y-%m-%d %H:%M:%S", UTC unless %z), epoch, epoch_ms or iso',
      default: 'iso',
    },
    { name: 'delimiter', type: 'one character', description: 'field separator', default: ',' },
    { name: 'quote', type: 'one character', description: 'quote character', default: '"' },
    { name: 'header', type: 'boolean', description: 'the first record names the columns', default: true },
    {
      name: 'skip_lines',
      type: 'integer',
      description: 'physical lines to skip before the data',
      default: 0,
    },
    { name: 'comment_prefix', type: 'string', description: 'lines starting with it are skipped' },
    {
      name: 'unmapped',
      type: '"extra" | "drop"',
      description: 'columns without a mapping: kept as extra.<column> or dropped',
      default: 'extra',
    },
    {
      name: 'short_rows',
      type: '"reject" | "pad"',
      description:
        'rows with fewer columns than the first: reject, or read missing trailing columns as empty',
      default: 'reject',
    },
  ],
  parseOptions: parseMappedCsvOptions,
  sniff() {
    return 0;
  },
  create(options) {
    return new MappedCsvParser(options);
  },
};
