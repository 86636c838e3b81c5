/**
 * The per-record stage of an ingest, shared by the single-thread runner (ingest.ts) and the
 * parse workers (ingest-worker.ts): line batches -> parser -> harmonise -> identity -> enrichers
 * -> fold, with every record that cannot become an event quarantined with its reason. Every
 * record counted in `read` ends in the folder or in quarantine.
 *
 * A parser must not throw (bad input is a reject), but if one does, the run goes on: outcomes it
 * gave before the throw are kept, the lines after them are retried one at a time, and a line
 * that still throws is quarantined with the error, so it is counted and can be reported.
 */
import type { EnricherInstance } from '../components/enrichers/contract.js';
import type { ParseOutcome, ParserInstance, RawLine } from '../components/parsers/contract.js';
import type { LineBatch } from '../components/sources/lines.js';
import { fastTimestampMs } from '../domain/fast-timestamp.js';
import type { Folder, PreparedEvent } from '../domain/fold.js';
import { harmonise } from '../domain/harmonise.js';
import { eventId, observationKey } from '../domain/identity.js';
import type { Event, RawFields } from '../domain/schema/event.js';
import type { ValidationContext } from '../domain/schema/field-types.js';
import { defaultBounds, formatTimestamp, parseTimestampMs } from '../domain/time.js';
import type { QuarantineInput } from '../storage/store.js';
import type { FeedSettings } from './ingest.js';

export type QuarantineEntry = Omit<QuarantineInput, 'feed' | 'source' | 'format'>;

export interface RecordStageOptions {
  readonly parser: ParserInstance;
  readonly parserName: string;
  readonly feed: FeedSettings;
  /** When the run started (epoch ms): time.observation and the bounds of plausible times. */
  readonly startedAt: number;
  /** The feed name for records that name none, asked for at the first record (after the header). */
  readonly feedName: () => string;
  readonly enrichers: readonly EnricherInstance[];
  readonly folder: Folder;
  readonly quarantine: (q: QuarantineEntry) => void;
}

export class RecordStage {
  /** Records read so far. */
  read = 0;
  private readonly outcomes: ParseOutcome[] = [];
  private readonly ctx: ValidationContext;
  private readonly observedAt: string;
  private readonly defaults: RawFields;
  private readonly overridesBase: RawFields;
  private overrides: RawFields | undefined;

  constructor(private readonly o: RecordStageOptions) {
    const feed = o.feed;
    this.observedAt = formatTimestamp(Math.floor(o.startedAt / 1000) * 1000);
    this.ctx = { time: defaultBounds(o.startedAt) };
    this.defaults = { ...(feed.defaults ?? {}) };
    if (feed.tlp !== undefined) this.defaults.tlp ??= feed.tlp;
    this.overridesBase = { ...(feed.overrides ?? {}), 'time.observation': this.observedAt };
    if (feed.provider !== undefined) this.overridesBase['feed.provider'] = feed.provider;
  }

  /** One batch of the line reader: lines to the parser, problem lines to quarantine, in line order. */
  lines(batch: LineBatch): void {
    if (batch.problems.length === 0) {
      this.push(batch.lines);
      return;
    }
    let i = 0;
    for (const p of batch.problems) {
      const before: RawLine[] = [];
      while (i < batch.lines.length && (batch.lines[i] as RawLine).no < p.no)
        before.push(batch.lines[i++] as RawLine);
      this.push(before);
      this.read++;
      this.o.quarantine({ line: p.no, reason: p.reason, raw: p.raw, ...(p.bytes ? { bytes: p.bytes } : {}) });
    }
    this.push(batch.lines.slice(i));
  }

  /** The input ended: what the parser still holds. */
  end(): void {
    try {
      this.o.parser.end(this.outcomes);
    } catch (e) {
      // What the parser still held is lost to it: account for it as one quarantined record.
      this.outcomes.length = 0;
      this.read++;
      this.o.quarantine({ line: 0, reason: this.parserFailed(e, 'at the end of the input'), raw: '' });
    }
    this.drain();
  }

  private parserFailed(e: unknown, where = 'on this line'): string {
    return `internal error in the ${this.o.parserName} parser ${where}: ${(e as Error)?.message ?? String(e)}`;
  }

  private push(lines: readonly RawLine[]): void {
    if (lines.length === 0) return;
    try {
      this.o.parser.push(lines, this.outcomes);
    } catch {
      let done = 0;
      for (const o of this.outcomes) done = Math.max(done, o.line);
      this.drain();
      for (const l of lines) {
        if (l.no <= done) continue;
        try {
          this.o.parser.push([l], this.outcomes);
        } catch (e) {
          this.outcomes.length = 0;
          this.read++;
          this.o.quarantine({ line: l.no, reason: this.parserFailed(e), raw: l.text });
        }
        this.drain();
      }
    }
    this.drain();
  }

  private drain(): void {
    for (const o of this.outcomes) this.handle(o);
    this.outcomes.length = 0;
  }

  private handle(o: ParseOutcome): void {
    this.read++;
    if (o.kind === 'reject') {
      this.o.quarantine({ line: o.line, reason: o.reason, raw: o.raw });
      return;
    }
    if (this.overrides === undefined) {
      // An explicit feed name replaces what records say; otherwise it only fills records that say none.
      const name = this.o.feed.name;
      if (name !== undefined) this.overrides = { ...this.overridesBase, 'feed.name': name };
      else {
        this.overrides = this.overridesBase;
        this.defaults['feed.name'] = this.o.feedName();
      }
    }
    let prepared: PreparedEvent | undefined;
    try {
      prepared = this.prepare(o, this.overrides);
    } catch (e) {
      // Validation must not throw either; when it does, the record is kept, counted and reported.
      this.o.quarantine({
        line: o.line,
        reason: `internal error validating this record: ${String(e)}`,
        raw: o.raw,
      });
      return;
    }
    if (prepared) this.o.folder.add(prepared);
  }

  /** Harmonise, identify and enrich one record; undefined when it was quarantined. */
  private prepare(o: ParseOutcome & { kind: 'record' }, overrides: RawFields): PreparedEvent | undefined {
    const h = harmonise(o.fields, this.ctx, this.defaults, overrides);
    if (!h.ok) {
      this.o.quarantine({
        line: o.line,
        reason: h.rejection.reason,
        ...(h.rejection.field ? { field: h.rejection.field } : {}),
        raw: o.raw,
      });
      return undefined;
    }
    const event: Event = this.o.feed.keepRaw ? { ...h.event, raw: o.raw } : h.event;
    const ts = event['time.source'] ?? this.observedAt;
    const fastMs = ts === this.observedAt ? this.o.startedAt : fastTimestampMs(ts);
    const seenAt = fastMs >= 0 ? fastMs : (parseTimestampMs(ts) as number);
    // Identity first: enrichment data never changes it.
    const id = eventId(event);
    const observation = observationKey(event);
    let enriched = event;
    // The event is this stage's own (harmonise made it; identity and key are computed): enrichers
    // may add to it in place.
    for (const en of this.o.enrichers) enriched = en.enrich(enriched, true);
    return { id, event: enriched, observation, seenAt };
  }
}
