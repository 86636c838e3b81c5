/**
 * The PartnerStore port: partners (src/partners/partner.ts), their credentials for our TAXII server
 * and the operator's (admin) credentials, and the verification of a presented secret.
 *
 * - Secrets are never stored: only a salted scrypt hash (src/partners/credentials.ts). A generated
 *   secret is returned once, by addCredential, and cannot be read back.
 * - Revocation (of a partner or of one credential) takes effect at once: verifyBasic/verifyApiKey
 *   read the credential and its partner from the store on every call (an in-process cache only
 *   spares the scrypt computation for a secret already verified, never the revocation check).
 * - An API key names its credential (a lookup id in the key), so verifying one is one lookup and
 *   one hash, never a scan. Basic credentials are looked up by username (the partner's name, or
 *   ADMIN_USERNAME for the operator).
 *
 * Adapters: src/storage/partners/sqlite-partner-store.ts and memory-partner-store.ts; one contract
 * suite (src/storage/partners/partner-store.contract.ts) runs over both.
 */
import type { Result } from '../domain/result.js';
import type { Partner, RemoteTaxii, SharingAgreement } from './partner.js';

/** The Basic-auth username of operator (admin) credentials; no partner may take this name. */
export const ADMIN_USERNAME = 'admin';

export type CredentialKind = 'basic' | 'api-key';

/** A credential as it may be shown: never its secret nor its hash. */
export interface CredentialInfo {
  /** Public id (an API key's lookup id is part of the key; a basic credential's is random). */
  readonly id: string;
  readonly kind: CredentialKind;
  /** The partner it belongs to; undefined for an operator (admin) credential. */
  readonly partner?: string;
  /** Basic credentials: the username to present. */
  readonly username?: string;
  readonly label?: string;
  /** ISO timestamps. */
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** A credential just issued: the secret (password or API key) is here and nowhere else, ever. */
export interface IssuedCredential {
  readonly info: CredentialInfo;
  readonly secret: string;
}

/** Who is asking, once a credential was verified. */
export type Principal =
  | { readonly kind: 'partner'; readonly partner: Partner; readonly credentialId: string }
  | { readonly kind: 'admin'; readonly credentialId: string };

/** Why a presented credential was refused (for logs; clients only ever see "not authenticated"). */
export type AuthFailure = 'malformed' | 'unknown' | 'bad-secret' | 'revoked';

/** What `add` needs; the store fills in the inbox collection, the identity (when absent) and dates. */
export interface NewPartner {
  readonly name: string;
  readonly country: string;
  /** identity--UUID; derived from the name when absent. */
  readonly identityId?: string;
  readonly agreement: SharingAgreement;
  readonly remote?: RemoteTaxii;
}

export interface NewCredential {
  readonly kind: CredentialKind;
  /** The partner's name; absent for an operator (admin) credential. */
  readonly partner?: string;
  readonly label?: string;
}

export interface PartnerStore {
  /** Add a partner; an error when the name is taken (revoked partners keep theirs) or invalid. */
  add(p: NewPartner): Promise<Result<Partner>>;
  get(name: string): Promise<Partner | undefined>;
  /** Partners by name; revoked ones only when asked. */
  list(options?: { readonly includeRevoked?: boolean }): Promise<Partner[]>;
  updateAgreement(name: string, agreement: SharingAgreement): Promise<Result<Partner>>;
  /** Set (or with undefined, remove) how we reach the partner's own TAXII server. */
  updateRemote(name: string, remote: RemoteTaxii | undefined): Promise<Result<Partner>>;
  /** Revoke a partner and every credential it has, at once. Revoking twice is not an error. */
  revoke(name: string): Promise<Result<Partner>>;
  /** Issue a credential (a random secret, returned once). */
  addCredential(c: NewCredential): Promise<Result<IssuedCredential>>;
  revokeCredential(id: string): Promise<Result<CredentialInfo>>;
  /** Credentials of a partner, or with `null` the operator's; every credential when omitted. */
  credentials(partner?: string | null): Promise<CredentialInfo[]>;
  verifyBasic(username: string, password: string): Promise<Result<Principal, AuthFailure>>;
  verifyApiKey(key: string): Promise<Result<Principal, AuthFailure>>;
  close(): Promise<void>;
}
