/** Find, read and validate accord.yaml. */
import { readFile } from 'node:fs/promises';
import { err, type Result } from '../domain/result.js';
import type { AccordConfig } from './accord-config.js';

export const DEFAULT_CONFIG = './accord.yaml';

/** --config, else ACCORD_CONFIG, else ./accord.yaml. */
export function configPath(option: string | undefined): string {
  return option ?? (process.env.ACCORD_CONFIG || DEFAULT_CONFIG);
}

/** Read and validate the config file; every problem is one message naming the file and path. */
export async function loadConfig(file: string): Promise<Result<AccordConfig, readonly string[]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err([
      code === 'ENOENT'
        ? `no config file at ${file}; pass --config FILE or set ACCORD_CONFIG (an example: samples/accord.yaml)`
        : `cannot read the config ${file}: ${(e as Error).message}`,
    ]);
  }
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (e) {
    return err([`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  const [{ validateConfig }, { PARSERS }, { ENRICHERS }] = await Promise.all([
    import('./accord-config.js'),
    import('../components/parsers/registry.js'),
    import('../components/enrichers/registry.js'),
  ]);
  return validateConfig(doc, { file, parsers: PARSERS, enrichers: ENRICHERS });
}
