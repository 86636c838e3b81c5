/**
 * Start the enrichers of `enrichment:` in config order. Loading their data is the slow part
 * (range tables, warninglists); problems in the data are warnings, as the enricher contract says.
 */
import type { EnricherInstance, EnricherSpec } from '../components/enrichers/contract.js';
import type { AccordConfig } from './accord-config.js';

export interface LoadedEnrichers {
  readonly instances: readonly EnricherInstance[];
  /** How to start the same enrichers (those that loaded, in order) in an ingest's worker threads. */
  readonly specs: readonly EnricherSpec[];
  /** Each prefixed with `enrichment[i] (name)`. */
  readonly warnings: readonly string[];
}

export async function loadEnrichers(config: AccordConfig): Promise<LoadedEnrichers> {
  const loads = await Promise.all(
    config.enrichment.map(async (e, i) => {
      try {
        return { i, name: e.name, load: await e.definition.create(e.options, { baseDir: config.baseDir }) };
      } catch (x) {
        return { i, name: e.name, error: (x as Error)?.message ?? String(x) };
      }
    }),
  );
  const instances: EnricherInstance[] = [];
  const specs: EnricherSpec[] = [];
  const warnings: string[] = [];
  for (const l of loads) {
    const where = `enrichment[${l.i}] (${l.name})`;
    if ('error' in l) {
      warnings.push(`${where}: not loaded, events go without it: ${l.error}`);
      continue;
    }
    instances.push(l.load.instance);
    const entry = config.enrichment[l.i];
    if (entry) {
      const snapshot = l.load.instance.snapshot?.();
      specs.push({
        name: entry.name,
        options: entry.options,
        baseDir: config.baseDir,
        ...(snapshot !== undefined ? { snapshot } : {}),
      });
    }
    for (const w of l.load.warnings) warnings.push(`${where}: ${w}`);
  }
  return { instances, specs, warnings };
}
