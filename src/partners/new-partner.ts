/**
 * Building and checking partner records (pure): names, countries, identities, agreements, the
 * partner's inbox collection id (a fixed UUID per partner name), remote TAXII settings.
 */
import { err, ok, type Result } from '../domain/result.js';
import { TLP_ORDER } from '../domain/tlp.js';
import { ACCORD_NAMESPACE, derivedId, uuidv5 } from '../knowledge/ids.js';
import { IDENTIFIER } from '../knowledge/stix.js';
import type { Partner, RemoteTaxii, SharingAgreement } from './partner.js';
import { ADMIN_USERNAME, type NewPartner } from './partner-store.js';

export const PARTNER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** TAXII collection ids are URL path segments: we accept UUIDs and simple slugs. */
export const COLLECTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const STIX_TYPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The collection id of a partner's inbox on our server: the same for the same name, forever. */
export function inboxCollectionId(name: string): string {
  return uuidv5(ACCORD_NAMESPACE, `taxii-inbox\u001f${name}`);
}

/** The identity id we give a partner that did not tell us its own. */
export function derivedPartnerIdentity(name: string): string {
  return derivedId('identity', `partner\u001f${name}`);
}

export function checkName(name: string): Result<string> {
  if (!PARTNER_NAME.test(name))
    return err(
      `partner name "${name}": use lower-case letters, digits and dashes (e.g. cert-xx), at most 63`,
    );
  if (name === ADMIN_USERNAME)
    return err(`partner name "${name}" is reserved for the operator's credentials`);
  return ok(name);
}

export function checkAgreement(a: SharingAgreement): Result<SharingAgreement> {
  if (!TLP_ORDER.includes(a.maxTlp)) return err(`agreement: maxTlp "${a.maxTlp}" is not a TLP level`);
  if (typeof a.mayShareOnward !== 'boolean') return err('agreement: mayShareOnward must be true or false');
  for (const [k, list] of [
    ['read', a.read],
    ['write', a.write],
  ] as const)
    for (const c of list)
      if (!COLLECTION_ID.test(c))
        return err(`agreement: ${k} collection "${c}" is not a valid collection id`);
  for (const [k, list] of [
    ['includeTypes', a.includeTypes],
    ['excludeTypes', a.excludeTypes],
  ] as const)
    for (const t of list ?? [])
      if (!STIX_TYPE.test(t)) return err(`agreement: ${k} "${t}" is not a STIX type`);
  const uniq = (xs: readonly string[]) => [...new Set(xs)];
  return ok({
    maxTlp: a.maxTlp,
    mayShareOnward: a.mayShareOnward,
    read: uniq(a.read),
    write: uniq(a.write),
    ...(a.includeTypes !== undefined ? { includeTypes: uniq(a.includeTypes) } : {}),
    ...(a.excludeTypes !== undefined && a.excludeTypes.length > 0
      ? { excludeTypes: uniq(a.excludeTypes) }
      : {}),
  });
}

export function checkRemote(r: RemoteTaxii): Result<RemoteTaxii> {
  let url: URL;
  try {
    url = new URL(r.apiRoot);
  } catch {
    return err(`remote api root "${r.apiRoot}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return err(`remote api root "${r.apiRoot}": expected an http(s) URL`);
  const apiRoot = r.apiRoot.endsWith('/') ? r.apiRoot : `${r.apiRoot}/`;
  const auth = r.auth;
  if (auth.kind === 'basic') {
    if (auth.username === '') return err('remote basic auth: a username is needed');
    if (!ENV_NAME.test(auth.passwordEnv))
      return err(`remote basic auth: "${auth.passwordEnv}" is not an environment variable name`);
  } else if (auth.kind === 'bearer') {
    if (!ENV_NAME.test(auth.tokenEnv))
      return err(`remote bearer auth: "${auth.tokenEnv}" is not an environment variable name`);
  } else if (auth.kind !== 'none') return err('remote auth: expected basic, bearer or none');
  for (const c of [r.pullCollection, r.pushCollection])
    if (c !== undefined && !COLLECTION_ID.test(c))
      return err(`remote collection "${c}" is not a collection id`);
  return ok({ ...r, apiRoot });
}

/** A new partner record from what the operator gave, checked. */
export function buildPartner(p: NewPartner, now: Date): Result<Partner> {
  const name = checkName(p.name);
  if (!name.ok) return name;
  const country = p.country.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    return err(`country "${p.country}": expected an ISO 3166-1 alpha-2 code such as NL`);
  const identityId = p.identityId ?? derivedPartnerIdentity(p.name);
  if (!IDENTIFIER.test(identityId) || !identityId.startsWith('identity--'))
    return err(`identity "${identityId}": expected identity--UUID`);
  const agreement = checkAgreement(p.agreement);
  if (!agreement.ok) return agreement;
  let remote: RemoteTaxii | undefined;
  if (p.remote !== undefined) {
    const r = checkRemote(p.remote);
    if (!r.ok) return r;
    remote = r.value;
  }
  return ok({
    name: p.name,
    country,
    identityId,
    agreement: agreement.value,
    inboxCollection: inboxCollectionId(p.name),
    ...(remote ? { remote } : {}),
    createdAt: now.toISOString(),
  });
}
