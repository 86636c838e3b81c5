/**
 * The constituency the server's config declares (the `constituency` enricher's file in the
 * `--config` accord.yaml), loaded once per ApiDeps and shared by /constituency and /pivot.
 */

import type { Constituency } from '../../../../components/enrichers/constituency/constituency.js';
import {
  type ConstituencyOptions,
  loadConstituency,
} from '../../../../components/enrichers/constituency/index.js';
import type { ApiDeps } from '../../deps.js';

const loaded = new WeakMap<object, Promise<Constituency | undefined>>();

/** The configured constituency, or undefined when the config has none (or no config was given). */
export function constituencyOf(deps: ApiDeps): Promise<Constituency | undefined> {
  const config = deps.accordConfig;
  if (config === undefined) return Promise.resolve(undefined);
  let p = loaded.get(config);
  if (p === undefined) {
    const entry = config.enrichment.find((e) => e.name === 'constituency');
    p =
      entry === undefined
        ? Promise.resolve(undefined)
        : loadConstituency(entry.options as ConstituencyOptions, config.baseDir).then((r) => {
            for (const w of r.warnings) deps.logger?.warn(w);
            return r.constituency;
          });
    loaded.set(config, p);
  }
  return p;
}
