/**
 * IntelMQ JSON lines, as IntelMQ's file output writes them: one JSON object per line with flat
 * dotted keys ("source.ip", "extra.foo"); nested objects (an "extra" dict) are accepted too.
 * `raw` (base64 in IntelMQ) is decoded and kept in extra.intelmq_raw only when asked.
 */
import type { RawFields } from '../../../domain/schema/event.js';
import type { ParseOutcome, ParserDefinition, ParserInstance, RawLine } from '../contract.js';

export interface IntelmqJsonlOptions {
  /** Keep IntelMQ's base64 `raw` field, decoded, as extra.intelmq_raw. Default false. */
  readonly keepIntelmqRaw: boolean;
}

/** IntelMQ keys that are bookkeeping of the IntelMQ pipeline, not event data. */
const DROP = new Set(['__type', 'raw']);

function flatten(prefix: string, v: unknown, out: RawFields): void {
  if (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    prefix !== '' &&
    prefix.startsWith('extra')
  ) {
    // extra stays one object per key below extra.
    if (prefix === 'extra') {
      for (const [k, x] of Object.entries(v)) out[`extra.${k}`] = x;
      return;
    }
    out[prefix] = v;
    return;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
    return;
  }
  out[prefix] = v;
}

export const intelmqJsonl: ParserDefinition<IntelmqJsonlOptions> = {
  name: 'intelmq-jsonl',
  description: "IntelMQ events, one JSON object per line, as IntelMQ's file output writes them",
  options: [
    {
      name: 'keep_intelmq_raw',
      type: 'boolean',
      description: "decode IntelMQ's base64 raw field and keep it as extra.intelmq_raw",
      default: false,
    },
  ],
  parseOptions(raw) {
    for (const k of Object.keys(raw))
      if (k !== 'keep_intelmq_raw') return { ok: false, error: `unknown option "${k}"` };
    const v = raw.keep_intelmq_raw ?? false;
    if (typeof v !== 'boolean') return { ok: false, error: 'keep_intelmq_raw: expected true or false' };
    return { ok: true, value: { keepIntelmqRaw: v } };
  },
  sniff({ lines }) {
    const sample = lines.filter((l) => l.trim() !== '').slice(0, 20);
    if (sample.length === 0) return 0;
    let hits = 0;
    for (const l of sample) {
      const t = l.trim();
      if (t.startsWith('{') && /"(feed\.name|source\.ip|classification\.type|time\.source)"\s*:/.test(t))
        hits++;
    }
    return hits === 0 ? 0 : 0.9 * (hits / sample.length);
  },
  // One JSON object per line, no state between lines: any line boundary is a place to start.
  splittable: { headerLines: 0 },
  create(options): ParserInstance {
    return {
      push(lines: readonly RawLine[], out: ParseOutcome[]) {
        for (const { no, text } of lines) {
          const t = text.trim();
          if (t === '') continue;
          let obj: unknown;
          try {
            obj = JSON.parse(t);
          } catch (e) {
            out.push({
              kind: 'reject',
              line: no,
              reason: `not valid JSON: ${(e as Error).message}`,
              raw: text,
            });
            continue;
          }
          if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
            out.push({ kind: 'reject', line: no, reason: 'expected a JSON object per line', raw: text });
            continue;
          }
          const fields: RawFields = {};
          const o = obj as Record<string, unknown>;
          for (const [k, v] of Object.entries(o)) {
            if (DROP.has(k)) continue;
            flatten(k, v, fields);
          }
          if (options.keepIntelmqRaw && typeof o.raw === 'string') {
            fields['extra.intelmq_raw'] = Buffer.from(o.raw, 'base64').toString('utf8');
          }
          out.push({ kind: 'record', line: no, fields, raw: text });
        }
      },
      end() {},
    };
  },
};
