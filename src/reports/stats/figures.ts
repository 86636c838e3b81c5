/**
 * The rules of `accord stats`, in one place: which observation counts as a domestic infected
 * host, which destination is a C2 server abroad, who owns a host, how lists are ordered. The
 * memory store computes the figures with FiguresBuilder; the SQLite store runs the same rules
 * in SQL (src/storage/sqlite/stats-query.ts), and the store contract checks they agree.
 */
import type { C2Breakdown, OwnerCount, PeriodFigures, StatsFilter } from '../../storage/store.js';

/** classification.type of an infected host's observation (its destination: the C2 it talks to). */
export const INFECTED = 'infected-system';
/** classification.type of compromised websites (Shadowserver compromised_website and the like). */
export const COMPROMISED = 'system-compromise';

/** One observation as the statistics see it. */
export interface FactsRow {
  readonly type: string;
  readonly source: string;
  readonly destinationIp: string | null;
  readonly malware: string | null;
  readonly day: string;
  readonly srcCc: string | null;
  readonly srcAsn: number | null;
  readonly srcOrg: string | null;
  readonly srcScope: string | null;
  readonly dstCc: string | null;
  readonly dstAsn: number | null;
  readonly dstScope: string | null;
  readonly warninglist: number;
}

/** Domestic: the constituency says so; where no constituency data, geolocated in `country`. */
export function isDomestic(scope: string | null, cc: string | null, country: string | undefined): boolean {
  if (scope !== null) return scope === 'domestic';
  return country !== undefined && cc === country;
}

/** Abroad: the constituency says foreign; where no constituency data, geolocated elsewhere. */
export function isAbroad(scope: string | null, cc: string | null, country: string | undefined): boolean {
  if (scope !== null) return scope === 'foreign';
  return country !== undefined && cc !== null && cc !== country;
}

/** The owner of a domestic address: its constituency organisation, else its AS. */
export function ownerOf(org: string | null, asn: number | null): Pick<OwnerCount, 'kind' | 'key'> {
  if (org !== null) return { kind: 'org', key: org };
  if (asn !== null) return { kind: 'asn', key: `AS${asn}` };
  return { kind: 'unknown', key: null };
}

/**
 * Whether an observation passes a statistics filter (StatsFilter in src/storage/store.ts): the
 * one definition every store and the reference SQL follow. c2Country and family need an
 * infected-system observation with a destination address (a C2): the rollup records family and
 * C2 country with the C2 only.
 */
export function matchesStatsFilter(r: FactsRow, f: StatsFilter): boolean {
  if (f.network !== undefined && ownerOf(r.srcOrg, r.srcAsn).key !== f.network) return false;
  if (f.c2Country === undefined && f.family === undefined) return true;
  if (r.type !== INFECTED || r.destinationIp === null) return false;
  if (f.c2Country !== undefined && r.dstCc !== f.c2Country) return false;
  if (f.family !== undefined && r.malware !== f.family) return false;
  return true;
}

/** Null last, then plain code-unit order (what SQLite's BINARY collation does). */
function byKey(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export function sortC2(rows: C2Breakdown[]): C2Breakdown[] {
  return rows.sort((a, b) => b.servers - a.servers || b.hosts - a.hosts || byKey(a.key, b.key));
}

export function sortOwners(rows: OwnerCount[]): OwnerCount[] {
  return rows.sort((a, b) => b.count - a.count || byKey(a.key, b.key));
}

class C2Tally {
  private readonly groups = new Map<string | null, { servers: Set<string>; hosts: Set<string> }>();
  add(key: string | null, server: string, host: string): void {
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { servers: new Set(), hosts: new Set() }));
    g.servers.add(server);
    g.hosts.add(host);
  }
  rows(): C2Breakdown[] {
    return sortC2(
      [...this.groups].map(([key, g]) => ({ key, servers: g.servers.size, hosts: g.hosts.size })),
    );
  }
}

class OwnerTally {
  private readonly groups = new Map<
    string,
    { owner: Pick<OwnerCount, 'kind' | 'key'>; hosts: Set<string> }
  >();
  add(org: string | null, asn: number | null, host: string): void {
    const owner = ownerOf(org, asn);
    const id = `${owner.kind}:${owner.key}`;
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = { owner, hosts: new Set() }));
    g.hosts.add(host);
  }
  rows(): OwnerCount[] {
    return sortOwners([...this.groups.values()].map((g) => ({ ...g.owner, count: g.hosts.size })));
  }
}

/** The figures of one period, from its observations (any order; rows outside it are skipped). */
export class FiguresBuilder {
  private readonly infected = new Set<string>();
  private readonly talking = new Set<string>();
  private readonly servers = new Set<string>();
  private excluded = 0;
  private readonly byCountry = new C2Tally();
  private readonly byFamily = new C2Tally();
  private readonly byAsn = new C2Tally();
  private readonly infectedOwners = new OwnerTally();
  private readonly websites = new Set<string>();
  private readonly websiteOwners = new OwnerTally();

  constructor(
    private readonly since: string,
    private readonly until: string,
    private readonly country: string | undefined,
  ) {}

  add(r: FactsRow): void {
    if (r.day < this.since || r.day > this.until) return;
    if (r.type !== INFECTED && r.type !== COMPROMISED) return;
    if (!isDomestic(r.srcScope, r.srcCc, this.country)) return;
    if (r.type === COMPROMISED) {
      this.websites.add(r.source);
      this.websiteOwners.add(r.srcOrg, r.srcAsn, r.source);
      return;
    }
    this.infected.add(r.source);
    this.infectedOwners.add(r.srcOrg, r.srcAsn, r.source);
    if (r.destinationIp === null || !isAbroad(r.dstScope, r.dstCc, this.country)) return;
    if (r.warninglist !== 0) {
      this.excluded++;
      return;
    }
    this.talking.add(r.source);
    this.servers.add(r.destinationIp);
    this.byCountry.add(r.dstCc, r.destinationIp, r.source);
    this.byFamily.add(r.malware, r.destinationIp, r.source);
    this.byAsn.add(r.dstAsn === null ? null : String(r.dstAsn), r.destinationIp, r.source);
  }

  result(): PeriodFigures {
    return {
      infectedHosts: this.infected.size,
      hostsTalkingToC2Abroad: this.talking.size,
      c2ServersAbroad: this.servers.size,
      warninglistedExcluded: this.excluded,
      c2ByCountry: this.byCountry.rows(),
      c2ByFamily: this.byFamily.rows(),
      c2ByAsn: this.byAsn.rows(),
      infectedByOwner: this.infectedOwners.rows(),
      compromisedWebsites: this.websites.size,
      websitesByOwner: this.websiteOwners.rows(),
    };
  }
}
