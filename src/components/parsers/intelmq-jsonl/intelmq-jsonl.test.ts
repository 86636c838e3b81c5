import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenSuite, runBytes } from '../test-support/golden.js';
import { intelmqJsonl } from './index.js';

goldenSuite(intelmqJsonl, join(import.meta.dirname, 'fixtures'));

describe('intelmq-jsonl', () => {
  it('quarantines a line that is not JSON and goes on', async () => {
    const input =
      '{"feed.name":"x","source.ip":"198.51.100.7"}\n{not json\n{"feed.name":"x","source.ip":"198.51.100.8"}\n';
    const { result } = await runBytes(input, 'x.jsonl', 'intelmq-jsonl');
    expect(result.summary).toMatchObject({ read: 3, new: 2, quarantined: 1 });
    expect(result.quarantine[0]).toMatchObject({ line: 2 });
    expect(result.quarantine[0]?.reason).toMatch(/not valid JSON/);
  });
});
