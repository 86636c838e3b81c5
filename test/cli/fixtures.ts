/** Small inputs for the CLI tests, written into a temporary folder (documentation addresses only). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `accord-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const jsonl = (o: Record<string, unknown>): string => JSON.stringify(o);

/** 5 good records (one an exact duplicate), 3 bad ones: a private IP, bad JSON, non-UTF-8 bytes. */
export function mixedInput(): Buffer {
  const good = (i: number) =>
    jsonl({
      'feed.name': 'cli-test',
      'time.source': `2026-10-30T12:0${i}:00+00:00`,
      'classification.type': 'infected-system',
      'source.ip': `198.51.100.${10 + i}`,
      'destination.ip': '203.0.113.80',
      'destination.port': 443,
      'malware.name': 'emotet',
    });
  const lines: Buffer[] = [
    Buffer.from(good(1)),
    Buffer.from(good(2)),
    Buffer.from(
      jsonl({ 'feed.name': 'cli-test', 'classification.type': 'c2-server', 'source.ip': '10.1.2.3' }),
    ),
    Buffer.from(good(3)),
    Buffer.from('{"feed.name": "cli-test", not json'),
    Buffer.from(good(2)),
    Buffer.concat([
      Buffer.from('{"feed.name": "cli-test", "comment": "'),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from('"}'),
    ]),
    Buffer.from(good(4)),
  ];
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
}
/** What mixedInput() holds. */
export const MIXED = { read: 8, new: 4, folded: 1, quarantined: 3 } as const;
