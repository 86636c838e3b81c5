/**
 * Options of the mapped CSV parser, and their validation. The options type is the docs: every
 * error names the option path at fault (e.g. `mapping.when.time_format`).
 */
import type { RawFields } from '../../../domain/schema/event.js';
import { FIELD_TYPES } from '../../../domain/schema/field-types.js';
import { FIELDS, isFieldName } from '../../../domain/schema/fields.js';
import { defaultBounds } from '../../../domain/time.js';
import type { ShortRows } from '../csv/tokenizer.js';
import { checkDialectChar } from '../csv/tokenizer.js';
import { compileTimeFormat, type TimeReader } from './time-format.js';

/** One column's mapping: the field it fills, and for timestamp fields how its time is written. */
export interface ColumnTarget {
  /** A schema field (e.g. "source.ip") or "extra.<name>". */
  readonly field: string;
  /**
   * Time format of this column; default the parser's time_format for timestamp fields. On an
   * extra.* field it turns the column into a canonical timestamp too.
   */
  readonly timeFormat?: string;
  /** Lower-case the value (malware.name always is). */
  readonly lower?: boolean;
}

export interface MappedCsvOptions {
  /**
   * Column -> field. A column is named by its header name, or by its 1-based index ("3").
   * In config a value is a field name, or { field, time_format?, lower? }.
   */
  readonly mapping: ReadonlyMap<string, ColumnTarget>;
  /** Field values every record gets (validated against the schema when the options are read). */
  readonly constants: Readonly<RawFields>;
  /** Time format of timestamp fields: strftime ("%Y-%m-%d %H:%M:%S"), "epoch", "epoch_ms" or "iso". Default "iso". */
  readonly timeFormat: string;
  /** Field separator, one character. Default ",". */
  readonly delimiter: string;
  /** Quote character, one character. Default '"'. */
  readonly quote: string;
  /** Whether the first record is a header row naming the columns. Default true. */
  readonly header: boolean;
  /** Physical lines to skip at the start (before the header), e.g. a title. Default 0. */
  readonly skipLines: number;
  /** Lines starting with this text are comments. Default none. */
  readonly commentPrefix?: string;
  /** Columns without a mapping: kept as extra.<column name> ("extra") or dropped ("drop"). Default "extra". */
  readonly unmapped: 'extra' | 'drop';
  /** Rows with fewer columns than the header: rejected ("reject") or padded with empty values ("pad"). Default "reject". */
  readonly shortRows: ShortRows;
  /** Compiled readers, one per distinct time format in use. */
  readonly timeReaders: ReadonlyMap<string, TimeReader>;
}

const KNOWN = new Set([
  'mapping',
  'constants',
  'time_format',
  'delimiter',
  'quote',
  'header',
  'skip_lines',
  'comment_prefix',
  'unmapped',
  'short_rows',
]);

type Parsed = { ok: true; value: MappedCsvOptions } | { ok: false; error: string };

function checkField(path: string, field: unknown): string | undefined {
  if (typeof field !== 'string' || field === '') return `${path}: expected a field name`;
  if (field.startsWith('extra.'))
    return field.length > 6 ? undefined : `${path}: "extra." needs a name after it`;
  if (!isFieldName(field))
    return `${path}: unknown field "${field}" (see docs/fields.md, or use "extra.<name>")`;
  if (field === 'extra' || field === 'raw' || field === 'time.observation')
    return `${path}: "${field}" is set by Accord, not mapped from a column`;
  return undefined;
}

export function parseMappedCsvOptions(raw: Readonly<Record<string, unknown>>): Parsed {
  for (const k of Object.keys(raw)) if (!KNOWN.has(k)) return { ok: false, error: `unknown option "${k}"` };
  const fail = (error: string): Parsed => ({ ok: false, error });

  const delimiter = raw.delimiter ?? ',';
  const quote = raw.quote ?? '"';
  const bad = checkDialectChar('delimiter', delimiter) ?? checkDialectChar('quote', quote);
  if (bad) return fail(bad);
  if (delimiter === quote) return fail('quote: must differ from delimiter');

  const header = raw.header ?? true;
  if (typeof header !== 'boolean') return fail('header: expected true or false');
  const skipLines = raw.skip_lines ?? 0;
  if (typeof skipLines !== 'number' || !Number.isInteger(skipLines) || skipLines < 0)
    return fail('skip_lines: expected a whole number, 0 or more');
  const commentPrefix = raw.comment_prefix;
  if (commentPrefix !== undefined && (typeof commentPrefix !== 'string' || commentPrefix === ''))
    return fail('comment_prefix: expected a non-empty text');
  const unmapped = raw.unmapped ?? 'extra';
  if (unmapped !== 'extra' && unmapped !== 'drop') return fail('unmapped: expected "extra" or "drop"');
  const shortRows = raw.short_rows ?? 'reject';
  if (shortRows !== 'reject' && shortRows !== 'pad') return fail('short_rows: expected "reject" or "pad"');

  const timeFormat = raw.time_format ?? 'iso';
  if (typeof timeFormat !== 'string' || timeFormat === '') return fail('time_format: expected a time format');
  const timeReaders = new Map<string, TimeReader>();
  const addReader = (path: string, f: string): string | undefined => {
    if (timeReaders.has(f)) return undefined;
    const r = compileTimeFormat(f);
    if (typeof r === 'string') return `${path}: ${r}`;
    timeReaders.set(f, r);
    return undefined;
  };
  const tfErr = addReader('time_format', timeFormat);
  if (tfErr) return fail(tfErr);

  if (raw.mapping === undefined) return fail('mapping: required (column -> field), e.g. {"ip": "source.ip"}');
  if (raw.mapping === null || typeof raw.mapping !== 'object' || Array.isArray(raw.mapping))
    return fail('mapping: expected an object of column -> field');
  const mapping = new Map<string, ColumnTarget>();
  for (const [column, target] of Object.entries(raw.mapping as Record<string, unknown>)) {
    const path = `mapping.${column}`;
    if (column.trim() === '') return fail('mapping: a column name is empty');
    const isIndex = /^\d+$/.test(column);
    if (isIndex && Number(column) < 1) return fail(`${path}: column indexes start at 1`);
    if (!isIndex && !header)
      return fail(`${path}: naming a column needs header: true; use its 1-based index`);
    let t: ColumnTarget;
    if (typeof target === 'string') t = { field: target };
    else if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      const o = target as Record<string, unknown>;
      for (const k of Object.keys(o))
        if (k !== 'field' && k !== 'time_format' && k !== 'lower') return fail(`${path}: unknown key "${k}"`);
      if (o.time_format !== undefined && (typeof o.time_format !== 'string' || o.time_format === ''))
        return fail(`${path}.time_format: expected a time format`);
      if (o.lower !== undefined && typeof o.lower !== 'boolean')
        return fail(`${path}.lower: expected true or false`);
      t = {
        field: o.field as string,
        ...(o.time_format !== undefined ? { timeFormat: o.time_format as string } : {}),
        ...(o.lower !== undefined ? { lower: o.lower as boolean } : {}),
      };
    } else return fail(`${path}: expected a field name or {"field": ..., "time_format": ...}`);
    const fe = checkField(typeof target === 'string' ? path : `${path}.field`, t.field);
    if (fe) return fail(fe);
    if (t.timeFormat !== undefined) {
      const isTime = isFieldName(t.field) && FIELDS[t.field].type === 'timestamp';
      if (!isTime && !t.field.startsWith('extra.'))
        return fail(`${path}.time_format: ${t.field} is not a timestamp field (nor extra.*)`);
      const e = addReader(`${path}.time_format`, t.timeFormat);
      if (e) return fail(e);
    }
    mapping.set(column, t);
  }
  if (mapping.size === 0) return fail('mapping: map at least one column');

  const constants: RawFields = {};
  if (raw.constants !== undefined) {
    if (raw.constants === null || typeof raw.constants !== 'object' || Array.isArray(raw.constants))
      return fail('constants: expected an object of field -> value');
    const ctx = { time: defaultBounds(Date.now()) };
    for (const [field, value] of Object.entries(raw.constants as Record<string, unknown>)) {
      const path = `constants.${field}`;
      const fe = checkField(path, field);
      if (fe) return fail(fe);
      if (isFieldName(field)) {
        const def = FIELDS[field];
        const r = FIELD_TYPES[def.type].normalise(value, def.constraints ?? {}, ctx);
        if (typeof r === 'string') return fail(`${path}: ${r}`);
      }
      constants[field] = value;
    }
  }
  return {
    ok: true,
    value: {
      mapping,
      constants,
      timeFormat,
      delimiter: delimiter as string,
      quote: quote as string,
      header,
      skipLines,
      ...(commentPrefix !== undefined ? { commentPrefix: commentPrefix as string } : {}),
      unmapped,
      shortRows,
      timeReaders,
    },
  };
}
