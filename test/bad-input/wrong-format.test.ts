/**
 * A file of one format given as another (issue 2, "Bad input"): every record is quarantined with a
 * reason that says why, none is lost (each data line is in quarantine, under its own line number),
 * nothing is stored, and `read = new + folded + quarantined`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedData, runBytes, SHARED_DATA } from '../../src/components/parsers/test-support/golden.js';
import { expectIdentity, findParser } from '../property/support.js';

/** A FireHOL ipset, written like the real ones, with documentation addresses. */
const IPSET = `#
# example_c2
#
# ipv4 hash:ip ipset
#
# Maintainer      : Example CERT
# Category        : malware
#
192.0.2.10
192.0.2.11
198.51.100.0/24
203.0.113.7

203.0.113.8
`;

const SINKHOLE_CSV = `"timestamp","protocol","src_ip","src_port","dst_ip","dst_port","infection"
"2026-10-30 00:00:00","tcp","198.51.100.1",49152,"203.0.113.80",443,"emotet"
"2026-10-30 00:05:00","tcp","198.51.100.2",49153,"203.0.113.80",443,"emotet"
`;

const JSONL = `{"feed.name":"x","classification.type":"c2-server","source.ip":"198.51.100.1"}
{"feed.name":"x","classification.type":"c2-server","source.ip":"198.51.100.2"}
`;

/** 1-based numbers of the lines that are not blank, and of those that are data (not "#" comments). */
function lineNumbers(text: string): { nonBlank: number[]; data: number[] } {
  const nonBlank: number[] = [];
  const data: number[] = [];
  text.split('\n').forEach((l, i) => {
    if (l.trim() === '') return;
    nonBlank.push(i + 1);
    if (!l.trimStart().startsWith('#')) data.push(i + 1);
  });
  return { nonBlank, data };
}

/**
 * Ingest `text` as `format` and check nothing is stored and every data line is in quarantine.
 * Returns the quarantine for format-specific checks.
 */
async function expectAllQuarantined(
  text: string | Buffer,
  name: string,
  format: string,
  dataLines: number[],
) {
  const { summary, store } = await runBytes(text, name, format);
  expectIdentity(summary);
  expect(summary.new).toBe(0);
  expect(summary.folded).toBe(0);
  expect(summary.quarantined).toBe(summary.read);
  const q = await store.listQuarantine({ limit: 100_000 });
  expect(q.length).toBe(summary.quarantined);
  const lines = new Set(q.map((x) => x.line));
  const missing = dataLines.filter((l) => !lines.has(l));
  expect(missing, `data lines of ${name} missing from quarantine when read as ${format}`).toEqual([]);
  for (const x of q) {
    expect(x.source).toBe(name);
    expect(x.format).toBe(format);
    expect(x.reason.length).toBeGreaterThan(5);
  }
  return q;
}

describe('bad input: a file of one format given as another', () => {
  it('an ipset given as intelmq-jsonl: every non-blank line quarantined as "not valid JSON"', async () => {
    const { nonBlank } = lineNumbers(IPSET);
    const q = await expectAllQuarantined(IPSET, 'example_c2.ipset', 'intelmq-jsonl', nonBlank);
    expect(q.map((x) => x.line)).toEqual(nonBlank);
    for (const x of q) expect(x.reason).toMatch(/^not valid JSON/);
  });

  it('a Shadowserver CSV given as intelmq-jsonl: header and rows quarantined', async () => {
    const { nonBlank } = lineNumbers(SINKHOLE_CSV);
    const q = await expectAllQuarantined(SINKHOLE_CSV, 'event4_sinkhole.csv', 'intelmq-jsonl', nonBlank);
    expect(q.map((x) => x.line)).toEqual([1, 2, 3]);
  });

  it.skipIf(!hasSharedData)('the real feodo ipset given as intelmq-jsonl: no line lost', async () => {
    const bytes = readFileSync(join(SHARED_DATA, 'blocklists/feodo.ipset'));
    const { nonBlank } = lineNumbers(bytes.toString('utf8'));
    const q = await expectAllQuarantined(bytes, 'feodo.ipset', 'intelmq-jsonl', nonBlank);
    expect(q.length).toBe(nonBlank.length);
  });

  const shadowserver = findParser('shadowserver', 'shadowserver-csv');
  // skipIf: the Shadowserver parser is being written by another helper.
  it.skipIf(!shadowserver)(
    'an ipset given as shadowserver: every data line quarantined, none lost',
    async () => {
      const f = shadowserver?.name as string;
      await expectAllQuarantined(IPSET, 'example_c2.ipset', f, lineNumbers(IPSET).data);
    },
  );

  it.skipIf(!shadowserver)('IntelMQ JSON lines given as shadowserver: every line quarantined', async () => {
    const f = shadowserver?.name as string;
    // The first line may be taken for a header that names no known report: it must still be counted.
    await expectAllQuarantined(JSONL, 'events.jsonl', f, [2]);
  });

  const ipList = findParser('ip-list', 'ipset', 'iplist', 'list', 'blocklist');
  it.skipIf(!ipList)('a Shadowserver CSV given as an IP list: every row quarantined, none lost', async () => {
    const f = ipList?.name as string;
    await expectAllQuarantined(SINKHOLE_CSV, 'event4_sinkhole.csv', f, [2, 3]);
  });

  it.skipIf(!ipList)('IntelMQ JSON lines given as an IP list: every line quarantined', async () => {
    const f = ipList?.name as string;
    await expectAllQuarantined(JSONL, 'events.jsonl', f, [1, 2]);
  });
});
