/**
 * The constituency as lookup tables: CIDRs flattened into a range table (longest prefix wins),
 * ASNs and domain suffixes in maps. Built once from the declaration; a match is a binary search
 * plus a few map lookups.
 */
import { parseIp } from '../../../domain/ip.js';
import type { IpKey } from '../ranges/ip-key.js';
import { parseIPv6Words } from '../ranges/ip-words.js';
import { type RangeTable, RangeTableBuilder } from '../ranges/range-table.js';
import type { ConstituencyDecl, ConstituencyOrg } from './org.js';

export type MatchedBy = 'cidr' | 'asn' | 'domain' | 'country';

export interface Constituency {
  readonly orgs: ReadonlyMap<string, ConstituencyOrg>;
  readonly nationalCountries: ReadonlySet<string>;
  byIp(key: IpKey): ConstituencyOrg | undefined;
  byAsn(asn: number): ConstituencyOrg | undefined;
  /** Longest declared suffix of `fqdn` (lower case), or undefined. */
  byDomain(fqdn: string): ConstituencyOrg | undefined;
}

/** Build the tables; `label` names the source in messages about conflicts. */
export function buildConstituency(
  decl: ConstituencyDecl,
  label: string,
): { constituency: Constituency; warnings: string[] } {
  const warnings: string[] = [];
  const orgs = new Map<string, ConstituencyOrg>();
  const cidrOwner = new Map<string, string>();
  const asns = new Map<number, ConstituencyOrg>();
  const domains = new Map<string, ConstituencyOrg>();
  const builder = new RangeTableBuilder<ConstituencyOrg>();
  builder.beginSource(label);
  const start6 = new Uint32Array(4);
  const end6 = new Uint32Array(4);

  for (const org of decl.orgs) {
    if (orgs.has(org.id)) {
      warnings.push(`${label}: organisation id "${org.id}" is declared twice; the second is ignored`);
      continue;
    }
    orgs.set(org.id, org);
    for (const cidr of org.cidrs) {
      const owner = cidrOwner.get(cidr);
      if (owner !== undefined) {
        warnings.push(`${label}: ${org.id}: ${cidr} is already declared by ${owner}; it stays with ${owner}`);
        continue;
      }
      cidrOwner.set(cidr, org.id);
      const [addr, lenText] = cidr.split('/');
      const ip = parseIp(addr ?? '');
      const len = Number(lenText);
      if (!ip) continue; // cannot happen: the file reader checked the CIDR
      if (ip.version === 4) {
        const size = 2 ** (32 - len);
        builder.add4(ip.v4 ?? 0, (ip.v4 ?? 0) + size - 1, org);
      } else {
        parseIPv6Words(ip.text, start6);
        for (let w = 0; w < 4; w++) {
          const bits = Math.max(0, Math.min(32, len - w * 32));
          const hostMask = bits === 32 ? 0 : bits === 0 ? 0xffffffff : 0xffffffff >>> bits;
          end6[w] = (start6[w]! | hostMask) >>> 0;
        }
        builder.add6(start6, 0, end6, 0, org);
      }
    }
    for (const asn of org.asns) {
      const owner = asns.get(asn);
      if (owner)
        warnings.push(
          `${label}: ${org.id}: AS${asn} is already declared by ${owner.id}; it stays with ${owner.id}`,
        );
      else asns.set(asn, org);
    }
    for (const d of org.domains) {
      const owner = domains.get(d);
      if (owner)
        warnings.push(
          `${label}: ${org.id}: domain ${d} is already declared by ${owner.id}; it stays with ${owner.id}`,
        );
      else domains.set(d, org);
    }
  }
  const table: RangeTable<ConstituencyOrg> = builder.build();
  const nationalCountries = new Set(decl.nationalCountries);
  return {
    warnings,
    constituency: {
      orgs,
      nationalCountries,
      byIp: (key) => (key.version === 4 ? table.get4(key.v4) : table.get6(key.v6)),
      byAsn: (asn) => asns.get(asn),
      byDomain(fqdn) {
        if (domains.size === 0) return undefined;
        let d = fqdn;
        for (;;) {
          const org = domains.get(d);
          if (org) return org;
          const dot = d.indexOf('.');
          if (dot < 0) return undefined;
          d = d.slice(dot + 1);
        }
      },
    },
  };
}
