/** One organisation of the constituency, as the operator declares it. */
export interface ConstituencyOrg {
  /** Stable id (lower case), written to events as source.constituency.org. */
  readonly id: string;
  readonly name: string;
  /** Free text, e.g. "telecommunications", "government", "health". */
  readonly sector: string | undefined;
  /** Canonical CIDR texts. */
  readonly cidrs: readonly string[];
  readonly asns: readonly number[];
  /** Domain suffixes, lower case, no leading dot: "example.com" covers www.example.com too. */
  readonly domains: readonly string[];
  /** Abuse contacts (e-mail addresses) notices go to. */
  readonly abuse: readonly string[];
  /** Preferred language of notices, a BCP 47 tag such as "en" or "fr-BE". */
  readonly language: string | undefined;
  /** Preferred notice format, e.g. "csv", "json", "text". */
  readonly format: string | undefined;
}

/** What a constituency file declares. */
export interface ConstituencyDecl {
  readonly orgs: readonly ConstituencyOrg[];
  /** National mode: every address geolocated to one of these countries is domestic. */
  readonly nationalCountries: readonly string[];
}

export const ORG_ID = /^[a-z0-9][a-z0-9._-]*$/;
