/**
 * The parser contract (IntelMQ's idea, Vector's shape): a parser maps records of one format to raw
 * harmonised fields. It never throws for bad input: a record it cannot read becomes a `reject`
 * outcome with a reason, and parsing goes on with the next one. Values are validated afterwards,
 * by the schema (src/domain/harmonise.ts), so a parser only decides which value goes to which field.
 *
 * Adding a format is one folder under src/components/parsers/ and one line in registry.ts.
 */
import type { RawFields } from '../../domain/schema/event.js';

/** One physical line of input, 1-based, without its line terminator. */
export interface RawLine {
  readonly no: number;
  readonly text: string;
}

export type ParseOutcome =
  | {
      readonly kind: 'record';
      /** Line the record starts on. */
      readonly line: number;
      readonly fields: RawFields;
      /** The record's text as read (joined lines for a multi-line record). */
      readonly raw: string;
    }
  | {
      readonly kind: 'reject';
      readonly line: number;
      /** What is wrong and where (column, field), for a person to act on. */
      readonly reason: string;
      readonly raw: string;
    };

/** A running parser over one input. Outcomes are appended to `out` (no per-record allocation of arrays). */
export interface ParserInstance {
  /** Feed the next lines, in order. */
  push(lines: readonly RawLine[], out: ParseOutcome[]): void;
  /** The input ended: flush what is pending (e.g. an open quoted field). */
  end(out: ParseOutcome[]): void;
  /** A feed name suggested by what was read (e.g. the Shadowserver report type), once known. */
  suggestedFeedName?(): string | undefined;
}

export interface ParserContext {
  /** File name or URL of the input, for messages and format hints. */
  readonly sourceName: string;
}

export interface SniffInput {
  /** The first lines of the input (up to ~64 KiB), already decoded. */
  readonly lines: readonly string[];
  readonly fileName?: string;
}

/** An option of a parser: the config type is also the docs. */
export interface OptionDoc {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly default?: unknown;
}

export interface ParserDefinition<O = unknown> {
  /** Format id used with --format and in feed config. */
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionDoc[];
  /** Validate the parser options from config; a message names the option at fault. */
  parseOptions(raw: Readonly<Record<string, unknown>>): { ok: true; value: O } | { ok: false; error: string };
  /** How sure the parser is (0..1) that this input is its format. 0 means "not mine". */
  sniff(input: SniffInput): number;
  create(options: O, ctx: ParserContext): ParserInstance;
  /**
   * Set when the parser can start in the middle of a file (for `ingest --workers`): after its
   * first `headerLines` lines (fed to it first), from the line after any line for which
   * `canSplitAfter` says no record can still be open (default: every line), it reads exactly what
   * it would have read going through the whole file. Absent: the parser needs all that came before.
   */
  readonly splittable?: {
    readonly headerLines: number;
    canSplitAfter?(line: string): boolean;
  };
}

/** Helper for parsers whose options are all optional and plain. */
export function noOptions(
  raw: Readonly<Record<string, unknown>>,
): { ok: true; value: Record<string, never> } | { ok: false; error: string } {
  const keys = Object.keys(raw);
  return keys.length === 0 ? { ok: true, value: {} } : { ok: false, error: `unknown option "${keys[0]}"` };
}

/** A parser of any options type, as held in the registry. */
// biome-ignore lint/suspicious/noExplicitAny: options are checked by each parser's own parseOptions
export type AnyParser = ParserDefinition<any>;
