/**
 * What the API answers (API-CONTRACT.md), as far as the dashboard reads it. Mirrors the server's
 * types (StatsReport in src/reports/stats/report.ts, FeedState in src/storage/store.ts) instead of
 * importing them: the dashboard compiles for the browser, apart from the Node sources.
 */

export type Role = 'read-only' | 'analyst' | 'admin';

export interface User {
  readonly name: string;
  readonly role: Role;
}

export interface MeResponse {
  readonly user: User;
  readonly csrfToken: string | null;
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly statusCode: number;
    readonly details?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  };
}

export interface Compared {
  readonly current: number;
  readonly previous: number;
  readonly changePercent: number | null;
}

export interface Period {
  readonly since: string;
  readonly until: string;
  readonly days: number;
}

export interface C2Row {
  readonly key: string | null;
  readonly servers: Compared;
  readonly hosts: Compared;
}

export interface OwnerRow {
  readonly kind: 'org' | 'asn' | 'unknown';
  readonly key: string | null;
  readonly count: Compared;
}

export interface StatsReport {
  readonly period: Period & { readonly basis: string };
  readonly previousPeriod: Period;
  readonly country: string | null;
  readonly infectedHosts: Compared;
  readonly hostsTalkingToC2Abroad: Compared;
  readonly c2ServersAbroad: Compared;
  readonly warninglistedExcluded: Compared;
  readonly compromisedWebsites: Compared;
  readonly c2ByCountry: readonly C2Row[];
  readonly c2ByFamily: readonly C2Row[];
  readonly c2ByAsn: readonly C2Row[];
  readonly topNetworks: readonly OwnerRow[];
  readonly websitesByOwner: readonly OwnerRow[];
  readonly totals: {
    readonly c2Countries: number;
    readonly c2Families: number;
    readonly c2Asns: number;
    readonly networks: number;
    readonly websiteOwners: number;
  };
  readonly top: number;
}

export interface DailyStats {
  readonly days: ReadonlyArray<{
    readonly day: string;
    readonly infectedHosts: number;
    readonly c2Servers: number;
  }>;
}

export interface FeedState {
  readonly feed?: string;
  readonly lastRunAt?: string;
  readonly lastStatus?: 'ok' | 'not-modified' | 'failed' | string;
  readonly lastSuccessAt?: string;
  readonly lastErrorAt?: string;
  readonly lastError?: string;
  readonly failures?: number;
  readonly lastRead?: number;
  readonly lastNew?: number;
  readonly lastQuarantined?: number;
  readonly nextRunAt?: string;
  /** The server may say a run is under way (B). */
  readonly running?: boolean;
}

export interface FeedItem {
  readonly name: string;
  readonly provider?: string | null;
  readonly format?: string | null;
  readonly schedule?: string | null;
  readonly tlp?: string | null;
  /** File pattern, URL, or taxii:<partner>. */
  readonly source?: unknown;
  readonly enabled?: boolean;
  /** false: health recorded, but the config no longer lists the feed. */
  readonly configured?: boolean;
  readonly running?: boolean;
  readonly health?: FeedState | null;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export interface QuarantineItem {
  readonly id: string;
  readonly at: string;
  readonly feed: string;
  readonly source: string;
  readonly format: string;
  readonly line: number;
  readonly reason: string;
  readonly field?: string | null;
  readonly raw?: string;
  /** Base64 of the exact bytes when the raw text is not valid UTF-8. */
  readonly bytes?: string | null;
  readonly hex?: string | null;
  readonly base64?: string | null;
}

export type PivotKind = 'ip' | 'cidr' | 'asn' | 'domain' | 'family';

export interface Listed<T = Record<string, unknown>> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface PivotResult {
  readonly query: string;
  readonly kind: PivotKind;
  readonly owner: {
    readonly org?: string | null;
    readonly name?: string | null;
    readonly contacts?: unknown;
  } | null;
  readonly geo: {
    readonly cc?: string | null;
    readonly asn?: number | string | null;
    readonly asName?: string | null;
  } | null;
  readonly warninglists: readonly unknown[];
  readonly feeds: ReadonlyArray<{ readonly feed: string; readonly count: number }>;
  readonly observations: Listed;
  readonly hosts?: Listed | null;
  readonly c2s?: Listed | null;
  readonly events: readonly Record<string, unknown>[] | Listed;
  readonly stix: readonly Record<string, unknown>[];
}

export type TlpCounts = Readonly<Record<string, number>>;

export interface PartnerItem {
  readonly name: string;
  readonly country?: string;
  readonly identityId?: string;
  readonly inboxCollection?: string;
  readonly createdAt?: string;
  readonly revokedAt?: string | null;
  readonly agreement?: {
    readonly maxTlp?: string;
    readonly mayShareOnward?: boolean;
    readonly read?: readonly string[];
    readonly write?: readonly string[];
    readonly includeTypes?: readonly string[];
    readonly excludeTypes?: readonly string[];
  };
  readonly remote?: { readonly apiRoot?: string } | null;
  /** The exchange balance by TLP (B's name); `balance` accepted too. */
  readonly exchange?: { readonly shared?: TlpCounts; readonly received?: TlpCounts } | null;
  readonly balance?: { readonly shared?: TlpCounts; readonly received?: TlpCounts } | null;
  /** Active credentials the partner holds on our TAXII server. */
  readonly credentials?: number;
  readonly shared?: TlpCounts;
  readonly received?: TlpCounts;
}
