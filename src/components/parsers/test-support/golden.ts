/**
 * The shared parser harness (IntelMQ's idea): every parser is checked the same way.
 *
 * For each `fixtures/<case>.input.<ext>` beside a parser, the harness ingests the file through the
 * real pipeline (line reader, parser, schema validation, identity) into a MemoryStore, with a
 * fixed clock, and compares the outcome with `fixtures/<case>.golden.json`. An optional
 * `fixtures/<case>.options.json` holds `{ "parser": {...}, "feed": {...} }`.
 * Regenerate goldens with `UPDATE_GOLDEN=1 npx vitest run <path>` and review the diff.
 *
 * Every case also checks the accounting identity and that a second ingest of the same input
 * adds nothing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inSchemaOrder } from '../../../domain/schema/fields.js';
import { type FeedSettings, type IngestSummary, ingest } from '../../../pipeline/ingest.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import type { Store } from '../../../storage/store.js';
import type { AnyParser } from '../contract.js';

/** The harness's clock: 2026-11-01T00:00:00Z. */
export const FIXED_NOW = Date.UTC(2026, 10, 1);

export interface RunResult {
  readonly summary: Pick<IngestSummary, 'read' | 'new' | 'folded' | 'quarantined' | 'feed' | 'format'>;
  readonly events: unknown[];
  readonly quarantine: Array<{ line: number; reason: string; raw: string }>;
}

export interface CaseOptions {
  readonly parser?: Record<string, unknown>;
  readonly feed?: FeedSettings;
  /** Format to pass; default the parser under test (set null to test detection). */
  readonly format?: string | null;
}

/** Ingest bytes through the real pipeline into a MemoryStore. */
export async function runBytes(
  input: Buffer | string,
  name: string,
  format: string | undefined,
  opts: CaseOptions = {},
  store: Store = new MemoryStore(() => FIXED_NOW),
): Promise<{ result: RunResult; store: Store; summary: IngestSummary }> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const summary = await ingest({
    source: { name, size: bytes.length, chunks: Readable.from(bytes.length ? [bytes] : []) },
    ...(format ? { format } : {}),
    ...(opts.parser ? { parserOptions: opts.parser } : {}),
    // The harness lists every event the parser produced, so it keeps every event record.
    feed: { keepEvents: true, ...(opts.feed ?? {}) },
    store,
    now: () => FIXED_NOW,
  });
  const result: RunResult = {
    summary: {
      read: summary.read,
      new: summary.new,
      folded: summary.folded,
      quarantined: summary.quarantined,
      feed: summary.feed,
      format: summary.format,
    },
    events: (await store.listEvents({ limit: Number.MAX_SAFE_INTEGER })).map((e) => inSchemaOrder(e)),
    quarantine: (await store.listQuarantine({ limit: Number.MAX_SAFE_INTEGER })).map((q) => ({
      line: q.line,
      reason: q.reason,
      raw: q.raw,
    })),
  };
  return { result, store, summary };
}

/** Register the golden cases found in `fixturesDir` for `parser`. */
export function goldenSuite(parser: AnyParser, fixturesDir: string): void {
  const cases = existsSync(fixturesDir)
    ? readdirSync(fixturesDir)
        .filter((f) => /\.input\.[^.]+$/.test(f) || f.endsWith('.input'))
        .sort()
    : [];
  describe(`${parser.name}: golden files`, () => {
    it('has at least one golden case', () => {
      expect(cases.length).toBeGreaterThan(0);
    });
    for (const file of cases) {
      const stem = file.replace(/\.input(\.[^.]+)?$/, '');
      it(stem, async () => {
        const optionsPath = join(fixturesDir, `${stem}.options.json`);
        const opts: CaseOptions = existsSync(optionsPath)
          ? JSON.parse(readFileSync(optionsPath, 'utf8'))
          : {};
        const input = readFileSync(join(fixturesDir, file));
        const format = opts.format === null ? undefined : (opts.format ?? parser.name);
        const { result, store } = await runBytes(input, file, format, opts);
        const s = result.summary;
        expect(s.read).toBe(s.new + s.folded + s.quarantined);
        const goldenPath = join(fixturesDir, `${stem}.golden.json`);
        const text = `${JSON.stringify(result, null, 2)}\n`;
        if (process.env.UPDATE_GOLDEN === '1' || !existsSync(goldenPath)) writeFileSync(goldenPath, text);
        expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
        // Idempotence: the same input again adds nothing.
        const again = await runBytes(input, file, format, opts, store);
        expect(again.result.summary.new).toBe(0);
        expect(again.result.summary.read).toBe(s.read);
        expect(again.result.events.length).toBe(result.events.length);
        expect(again.result.quarantine.length).toBe(result.quarantine.length);
      });
    }
  });
}

/** ../shared/data, when present (tests that read it skip with a message when it is not). */
export const SHARED_DATA = join(import.meta.dirname, '../../../../../shared/data');
export const hasSharedData = existsSync(SHARED_DATA);
