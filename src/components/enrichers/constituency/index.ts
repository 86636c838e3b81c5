/**
 * The constituency enricher: is each address ours (domestic) or not (foreign), and which
 * organisation of our constituency owns it. See docs/enrichment.md and
 * samples/constituency/example.yaml.
 */

import { isAbsolute, resolve } from 'node:path';
import type { OptionDoc } from '../../parsers/contract.js';
import type { EnricherDefinition, EnricherLoad } from '../contract.js';
import { parseEndpoints } from '../endpoints.js';
import { buildConstituency, type Constituency } from './constituency.js';
import { createConstituencyEnricher, type Endpoint } from './constituency-enricher.js';
import { readConstituencyFile } from './constituency-file.js';

export { buildConstituency, type Constituency, type MatchedBy } from './constituency.js';
export { createConstituencyEnricher } from './constituency-enricher.js';
export { parseConstituencyCsv, parseConstituencyYaml, readConstituencyFile } from './constituency-file.js';
export type { ConstituencyDecl, ConstituencyOrg } from './org.js';

export interface ConstituencyOptions {
  /** The constituency file (YAML, or CSV by extension). */
  readonly file: string;
  /** National mode: countries whose every address is domestic (added to the file's national_countries). */
  readonly nationalCountries: readonly string[];
  readonly endpoints: readonly Endpoint[];
}

const OPTIONS: readonly OptionDoc[] = [
  {
    name: 'file',
    type: 'string',
    description: 'constituency file, YAML (.yaml/.yml) or CSV (.csv); required',
  },
  {
    name: 'national_countries',
    type: 'string[]',
    description:
      'national mode: every address geolocated to one of these countries is domestic (needs geo first)',
    default: [],
  },
  {
    name: 'endpoints',
    type: "('source' | 'destination')[]",
    description: 'which endpoints to mark',
    default: ['source', 'destination'],
  },
];

/** Read the file and build the tables; problems become warnings. */
export async function loadConstituency(
  options: ConstituencyOptions,
  baseDir: string,
): Promise<{ constituency: Constituency; warnings: string[] }> {
  const file = isAbsolute(options.file) ? options.file : resolve(baseDir, options.file);
  const { decl, warnings } = await readConstituencyFile(file);
  const merged = { ...decl, nationalCountries: [...decl.nationalCountries, ...options.nationalCountries] };
  const built = buildConstituency(merged, file);
  return { constituency: built.constituency, warnings: [...warnings, ...built.warnings] };
}

export const constituencyEnricher: EnricherDefinition<ConstituencyOptions> = {
  name: 'constituency',
  description: 'marks addresses domestic or foreign and names the owning constituency organisation',
  options: OPTIONS,
  parseOptions(raw) {
    for (const k of Object.keys(raw))
      if (!OPTIONS.some((o) => o.name === k)) return { ok: false, error: `unknown option "${k}"` };
    if (typeof raw.file !== 'string' || raw.file.trim() === '')
      return { ok: false, error: 'file: expected the path of the constituency file' };
    const nc = raw.national_countries ?? [];
    if (!Array.isArray(nc) || nc.some((c) => typeof c !== 'string' || !/^[A-Za-z]{2}$/.test(c)))
      return { ok: false, error: 'national_countries: expected a list of two-letter country codes' };
    const ep = parseEndpoints(raw.endpoints);
    if (!ep.ok) return ep;
    return {
      ok: true,
      value: {
        file: raw.file,
        nationalCountries: (nc as string[]).map((c) => c.toUpperCase()),
        endpoints: ep.value,
      },
    };
  },
  async create(options, ctx): Promise<EnricherLoad> {
    const { constituency, warnings } = await loadConstituency(options, ctx.baseDir);
    return { instance: createConstituencyEnricher(constituency, options.endpoints), warnings };
  },
};
