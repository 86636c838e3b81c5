/**
 * For the resource tests: the real API (buildTestApi: users of each role, API keys) over a store
 * filled by running the sample feeds of samples/accord.yaml through the real feed runner and
 * pipeline (geo, constituency and taxonomy enrichers), with that config as the server's.
 */
import { fileURLToPath } from 'node:url';
import type { AccordConfig } from '../../../config/accord-config.js';
import { loadConfig } from '../../../config/load-config.js';
import { buildTestApi, type TestApi } from '../test-support.js';
import { createFeedRunner } from './feeds/feed-runner.js';

export const SAMPLE_CONFIG = fileURLToPath(new URL('../../../../samples/accord.yaml', import.meta.url));

export async function sampleConfig(): Promise<AccordConfig> {
  const c = await loadConfig(SAMPLE_CONFIG);
  if (!c.ok) throw new Error(c.error.join('\n'));
  return c.value;
}

/** The test API with the sample feeds ingested (feeds: which ones; default every enabled one). */
export async function sampleApi(feeds?: readonly string[]): Promise<TestApi & { config: AccordConfig }> {
  const config = await sampleConfig();
  const t = await buildTestApi({
    accordConfig: config,
    seed: async (store) => {
      const runner = createFeedRunner(config, store);
      for (const f of config.feeds)
        if (feeds === undefined ? f.enabled : feeds.includes(f.name)) {
          const r = await runner.start(f);
          if (r?.status !== 'ok') throw new Error(`feed ${f.name}: ${r?.status} ${r?.error ?? ''}`);
        }
    },
  });
  return Object.assign(t, { config });
}
