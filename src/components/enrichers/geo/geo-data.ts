/**
 * What the geo enricher asks of its data, whatever the format behind it (range CSV, mmdb): the
 * country and the AS of one address. An address is passed as an IpKey, parsed once per endpoint.
 */
import type { IpKey } from '../ranges/ip-key.js';

export type { IpKey } from '../ranges/ip-key.js';
export { newIpKey, setIpKey } from '../ranges/ip-key.js';

export interface AsnHit {
  readonly asn: number;
  readonly name: string | undefined;
  /** The network (CIDR) the data places the address in, when it can tell. */
  readonly network: string | undefined;
}

interface DataInfo {
  /** Names the data for messages: file names, or the package. */
  readonly label: string;
  readonly hasV4: boolean;
  readonly hasV6: boolean;
  /** What another thread needs to rebuild this data without parsing files again (plain values). */
  readonly snapshot: DataSnapshot;
}

/** Range tables travel as their arrays; an mmdb file is opened again (reading it is cheap). */
export type DataSnapshot =
  | {
      readonly kind: 'ranges';
      readonly label: string;
      readonly table: {
        readonly starts4: Uint32Array;
        readonly ends4: Uint32Array;
        readonly vals4: Uint32Array;
        readonly starts6: Uint32Array;
        readonly ends6: Uint32Array;
        readonly vals6: Uint32Array;
        readonly values: readonly unknown[];
      };
    }
  | { readonly kind: 'mmdb'; readonly file: string };

export interface CountryData extends DataInfo {
  country(key: IpKey): string | undefined;
}

export interface AsnData extends DataInfo {
  asn(key: IpKey): AsnHit | undefined;
}

/** Longest AS name the schema takes (source.as_name maxLength). */
export const AS_NAME_MAX = 512;
