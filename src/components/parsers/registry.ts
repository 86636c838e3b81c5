/**
 * Every parser Accord knows, by format name. One line per format.
 */
import type { AnyParser } from './contract.js';
import { freeText } from './free-text/index.js';
import { intelmqJsonl } from './intelmq-jsonl/index.js';
import { ipList } from './ip-list/index.js';
import { maltrail } from './maltrail/index.js';
import { mappedCsv } from './mapped-csv/index.js';
import { shadowserver } from './shadowserver/index.js';

export const PARSERS: readonly AnyParser[] = [
  intelmqJsonl,
  shadowserver,
  mappedCsv,
  ipList,
  maltrail,
  freeText,
];

export function parserByName(name: string): AnyParser | undefined {
  return PARSERS.find((p) => p.name === name);
}
