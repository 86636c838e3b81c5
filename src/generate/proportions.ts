/**
 * The real figures the synthetic data set is shaped by. Copied (not computed at run time) from
 * ../shared/data so that Accord runs without that folder; proportions.test.ts checks every
 * number against the shared files when they are present. Each entry cites its source row.
 */

/** A count with where it comes from. */
export type Weighted<T> = readonly [value: T, weight: number];

export interface C2Profile {
  readonly name: string;
  readonly description: string;
  /** Overseas C2 servers by country (ISO 3166-1 alpha-2); `rest` is spread over REST_COUNTRIES. */
  readonly countries: readonly Weighted<string>[];
  /** C2 servers of the total not named in `countries`, spread by the C2-list histogram. */
  readonly rest: number;
  /** Mean infected hosts per C2 server (hosts controlled / C2 servers). */
  readonly hostsPerC2: number;
}

/**
 * Country histogram of 129,006 real C2 IPv4 addresses (Maltrail malware trails, geolocated).
 * Source: stats/c2_country_asn_distribution.json, "maltrail_malware_trails_ips".top_countries.
 */
export const C2_LIST_COUNTRIES: readonly Weighted<string>[] = [
  ['US', 26933],
  ['CN', 17691],
  ['DE', 7909],
  ['NL', 7384],
  ['RU', 6074],
  ['FR', 5188],
  ['HK', 4599],
  ['CA', 3511],
  ['SG', 3430],
  ['GB', 2942],
  ['SC', 2921],
  ['BR', 2652],
  ['JP', 1896],
  ['KR', 1666],
  ['FI', 1542],
  ['IN', 1494],
  ['SE', 1484],
  ['BG', 1416],
  ['PL', 1217],
  ['TR', 1118],
  ['VN', 1112],
  ['CO', 969],
  ['AE', 899],
  ['EG', 871],
  ['IT', 846],
];

export const PROFILES: Readonly<Record<string, C2Profile>> = {
  /**
   * stats/national_c2_figures.md, row "2018 | infected hosts / overseas C2": ~49,000 overseas C2
   * servers controlled ~5.26 M hosts; by country US 14,752, Japan 6,551, Germany 2,166.
   */
  'cncert-2018': {
    name: 'cncert-2018',
    description:
      'CNCERT/CC 2018: ~49,000 overseas C2 (US 14,752, JP 6,551, DE 2,166) controlling ~5.26 M hosts',
    countries: [
      ['US', 14752],
      ['JP', 6551],
      ['DE', 2166],
    ],
    rest: 49000 - 14752 - 6551 - 2166,
    hostsPerC2: 5_260_000 / 49_000,
  },
  /**
   * stats/national_c2_figures.md, row "2021 H1 | overseas C2 by country": ~49,000 overseas C2
   * controlled ~4.10 M hosts; C2 servers US ~7,580, Vietnam 3,752, Hong Kong 2,451.
   */
  'cncert-2021h1': {
    name: 'cncert-2021h1',
    description:
      'CNCERT/CC 2021 H1: ~49,000 overseas C2 (US 7,580, VN 3,752, HK 2,451) controlling ~4.10 M hosts',
    countries: [
      ['US', 7580],
      ['VN', 3752],
      ['HK', 2451],
    ],
    rest: 49000 - 7580 - 3752 - 2451,
    hostsPerC2: 4_100_000 / 49_000,
  },
  /**
   * Countries as in real C2 lists (C2_LIST_COUNTRIES), for a domestic country with no published
   * national figures; hosts per C2 as in the 2018 CNCERT row (5.26 M / 49,000).
   */
  'c2-lists': {
    name: 'c2-lists',
    description: 'C2 countries as in 129,006 real C2 IPs (Maltrail); ~107 hosts per C2 (CNCERT 2018 ratio)',
    countries: [],
    rest: 129006,
    hostsPerC2: 5_260_000 / 49_000,
  },
};

/**
 * Malware families and their C2 servers. Weights are the unique C2 IPv4 addresses in each list
 * (blocklists/maltrail_<family>.txt: lines that are an IPv4 or IPv4:port, deduplicated by IP;
 * FireHOL ipsets: entries). Ports are each Maltrail list's most common C2 ports with their
 * counts (IPv4:port lines); for the ipsets, which carry no ports, the port is the family's
 * documented HTTP C2 port.
 */
export interface FamilyDef {
  readonly name: string;
  /** C2 servers in the source list. */
  readonly c2Servers: number;
  readonly ports: readonly Weighted<number>[];
  readonly source: string;
}

export const FAMILIES: readonly FamilyDef[] = [
  {
    name: 'mirai',
    c2Servers: 7370,
    ports: [
      [7173, 893],
      [1311, 578],
      [1337, 419],
      [3778, 370],
      [1312, 225],
      [5555, 210],
      [38241, 210],
      [56999, 196],
    ],
    source: 'blocklists/maltrail_elf_mirai.txt',
  },
  {
    name: 'qakbot',
    c2Servers: 5721,
    ports: [
      [2222, 2113],
      [995, 1913],
      [443, 500],
      [2078, 270],
      [993, 224],
      [2083, 84],
    ],
    source: 'blocklists/maltrail_qakbot.txt',
  },
  {
    name: 'cobaltstrike',
    c2Servers: 5082,
    ports: [
      [443, 2004],
      [8080, 490],
      [50050, 437],
      [80, 326],
      [8443, 308],
      [8888, 241],
    ],
    source: 'blocklists/maltrail_cobaltstrike.txt',
  },
  {
    name: 'emotet',
    c2Servers: 3027,
    ports: [
      [80, 1836],
      [8080, 1471],
      [443, 812],
      [7080, 283],
      [8090, 31],
    ],
    source: 'blocklists/maltrail_emotet.txt',
  },
  { name: 'locky', c2Servers: 296, ports: [[80, 1]], source: 'blocklists/ransomware_locky_c2.ipset' },
  { name: 'zeus', c2Servers: 127, ports: [[80, 1]], source: 'blocklists/zeus.ipset' },
];

/**
 * Autonomous systems that host C2 servers, by the country the AS is registered in. ASNs and
 * weights from the ASN histograms of stats/c2_country_asn_distribution.json
 * ("maltrail_malware_trails_ips".top_asns; country of each AS from its RIR registration).
 * Countries the histograms do not cover get their largest carrier(s) (RIR registration), weight 1.
 */
export const HOSTING_ASNS: Readonly<Record<string, readonly Weighted<number>[]>> = {
  US: [
    [16509, 3852],
    [14061, 3003],
    [20473, 2622],
    [36352, 2348],
    [8075, 1448],
    [45102, 1146],
  ],
  CN: [
    [45090, 5583],
    [37963, 4470],
    [4134, 2621],
    [55990, 1195],
    [4837, 1161],
  ],
  DE: [[24940, 2636]],
  FR: [[16276, 2712]],
  GB: [[9009, 1446]],
  NL: [
    [60781, 1],
    [49981, 1],
  ],
  RU: [
    [197695, 1],
    [9123, 1],
  ],
  HK: [
    [4760, 1],
    [9269, 1],
  ],
  CA: [
    [577, 1],
    [812, 1],
  ],
  SG: [[7473, 1]],
  SC: [[202412, 1]],
  BR: [
    [28573, 1],
    [18881, 1],
  ],
  JP: [
    [2516, 1],
    [9370, 1],
    [4713, 1],
  ],
  KR: [
    [4766, 1],
    [9318, 1],
  ],
  FI: [[1759, 1]],
  IN: [
    [9829, 1],
    [55836, 1],
  ],
  SE: [[3301, 1]],
  BG: [[8866, 1]],
  PL: [[5617, 1]],
  TR: [[9121, 1]],
  VN: [
    [7552, 1],
    [45899, 1],
    [18403, 1],
  ],
  CO: [[3816, 1]],
  AE: [[5384, 1]],
  EG: [[8452, 1]],
  IT: [[3269, 1]],
};

/**
 * Access networks where infected hosts sit, by country (largest carriers, RIR registration).
 * The split between them is an assumption (no published per-carrier infection figures in
 * ../shared/data); countries not listed fall back to HOSTING_ASNS, else no ASN.
 */
export const ACCESS_ASNS: Readonly<Record<string, readonly Weighted<number>[]>> = {
  CN: [
    [4134, 50],
    [4837, 30],
    [9808, 20],
  ],
  US: [
    [7922, 40],
    [7018, 30],
    [701, 30],
  ],
};
