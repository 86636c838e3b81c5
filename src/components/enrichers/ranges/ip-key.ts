/** An address parsed once for lookups in range tables: IPv4 as a number, IPv6 as four words. */
import { parseIPv4 } from '../../../domain/ip.js';
import { parseIPv6Words } from './ip-words.js';

export interface IpKey {
  /** The address as text (canonical, as the schema stores it). */
  text: string;
  version: 4 | 6;
  /** IPv4 as an unsigned 32-bit number (when version is 4). */
  v4: number;
  /** IPv6 as four 32-bit words (when version is 6). */
  readonly v6: Uint32Array;
}

export function newIpKey(): IpKey {
  return { text: '', version: 4, v4: 0, v6: new Uint32Array(4) };
}

/** Fill `key` from address text; false when the text is no IP address. */
export function setIpKey(key: IpKey, text: string): boolean {
  const n = parseIPv4(text);
  key.text = text;
  if (n >= 0) {
    key.version = 4;
    key.v4 = n;
    return true;
  }
  if (parseIPv6Words(text, key.v6)) {
    key.version = 6;
    return true;
  }
  return false;
}
