/**
 * Partners: other CERTs we cooperate with (ARCHITECTURE.md, "Partner" and "Cooperation protocol").
 *
 * A partner has a country, a STIX identity, credentials to reach our TAXII server (stored only as
 * salted hashes, see credentials), a sharing agreement that says what it may read and write, and,
 * when we pull from or push to its own TAXII server, how to reach it (`remote`).
 *
 * This file is the shared contract between the TAXII server (src/taxii/server), the TAXII client
 * (src/taxii/client) and the `accord partners` command. Domain types only: no I/O.
 */
import type { Agreement, Recipient, TlpLevel } from '../domain/tlp.js';

/** What a partner may read and write on our TAXII server, and what it may receive. */
export interface SharingAgreement extends Agreement {
  /** Collection ids the partner may read (its inbox is always readable by it). */
  readonly read: readonly string[];
  /** Collection ids the partner may write besides its own inbox. */
  readonly write: readonly string[];
  /** When present, only these STIX object types are released to the partner. */
  readonly includeTypes?: readonly string[];
  /** STIX object types never released to the partner. */
  readonly excludeTypes?: readonly string[];
}

/** How we authenticate to a partner's TAXII server. Secrets are read from the environment. */
export type RemoteAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly passwordEnv: string }
  | { readonly kind: 'bearer'; readonly tokenEnv: string }
  | { readonly kind: 'none' };

/** A partner's own TAXII 2.1 server, for `accord taxii pull|push`. */
export interface RemoteTaxii {
  /** The API root URL, e.g. https://taxii.cert.example/api1/ (ends with a slash). */
  readonly apiRoot: string;
  readonly auth: RemoteAuth;
  /** Collection id to pull from by default. */
  readonly pullCollection?: string;
  /** Collection id to push to by default (usually the inbox the partner gives us). */
  readonly pushCollection?: string;
}

export interface Partner {
  /** Short unique handle, lower-case letters, digits and dashes (e.g. cert-xx). */
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The partner's STIX identity id (identity--uuid). */
  readonly identityId: string;
  readonly agreement: SharingAgreement;
  /** The collection id of the partner's inbox on our server (a fixed UUID per partner). */
  readonly inboxCollection: string;
  readonly remote?: RemoteTaxii;
  /** ISO timestamps. */
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** The recipient `mayRelease` sees for a partner. */
export function partnerRecipient(p: Partner): Recipient & { readonly kind: 'partner' } {
  return { kind: 'partner', maxTlp: p.agreement.maxTlp, mayShareOnward: p.agreement.mayShareOnward };
}

export type { TlpLevel };
