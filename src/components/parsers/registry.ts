/**
 * Every parser Accord knows, by format name. One line per format.
 */
import type { AnyParser, ParserDefinition } from './contract.js';
import { intelmqJsonl } from './intelmq-jsonl/index.js';

export const PARSERS: readonly AnyParser[] = [intelmqJsonl];

export function parserByName(name: string): AnyParser | undefined {
  return PARSERS.find((p) => p.name === name);
}
