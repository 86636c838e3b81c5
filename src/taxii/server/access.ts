/**
 * Who may see what on the TAXII server (pure): the collections a principal knows of, whether it may
 * read or write each, and the visibility part of every knowledge query it makes.
 *
 * - A partner knows the collections its agreement names (read or write) and its own inbox, which
 *   it may read and write. Any other collection does not exist for it (404), so that a partner
 *   cannot learn what else the server holds.
 * - Everything a partner reads is filtered by the release policy (releasableLevels of
 *   partnerRecipient, channel "taxii") and by the agreement's object types, in the store's query,
 *   so that listings, `more`, counts and the date_added headers only ever reflect what it may see.
 * - The operator (admin) knows every collection (the knowledge collection, every partner's inbox,
 *   every collection an agreement names) and reads and writes them all, but what it reads still goes
 *   through the release policy: TAXII is a bulk channel, and TLP:RED never goes through a feed,
 *   collection or export, not even to us. The operator is a named individual (OPERATOR_RECIPIENT):
 *   on the `taxii` channel mayRelease gives it everything but RED (and, when the deployment's
 *   default TLP is RED, nothing unmarked). RED objects are read with the CLI, never over TAXII.
 */
import { type Recipient, type ReleaseOptions, releasableLevels } from '../../domain/tlp.js';
import { KNOWLEDGE_COLLECTION, type KnowledgeFilter } from '../../knowledge/knowledge-store.js';
import { type Partner, partnerRecipient } from '../../partners/partner.js';
import type { Principal } from '../../partners/partner-store.js';

export interface CollectionInfo {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly alias?: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
}

function describe(
  id: string,
  partners: readonly Partner[],
): Pick<CollectionInfo, 'title' | 'description' | 'alias'> {
  if (id === KNOWLEDGE_COLLECTION)
    return {
      title: 'Accord knowledge',
      description: 'STIX 2.1 objects derived from our observations and imported from partners',
      alias: 'knowledge',
    };
  const owner = partners.find((p) => p.inboxCollection === id);
  if (owner)
    return {
      title: `Inbox of ${owner.name}`,
      description: `What ${owner.name} (${owner.country}) sends us`,
      alias: `inbox-${owner.name}`,
    };
  return { title: `Collection ${id}` };
}

/** The collections a principal knows of, in a stable order (knowledge first). */
export function collectionsFor(principal: Principal, partners: readonly Partner[]): CollectionInfo[] {
  const rights = new Map<string, { read: boolean; write: boolean }>();
  const grant = (id: string, read: boolean, write: boolean) => {
    const r = rights.get(id) ?? { read: false, write: false };
    rights.set(id, { read: r.read || read, write: r.write || write });
  };
  if (principal.kind === 'admin') {
    grant(KNOWLEDGE_COLLECTION, true, true);
    for (const p of partners) {
      grant(p.inboxCollection, true, true);
      for (const c of [...p.agreement.read, ...p.agreement.write]) grant(c, true, true);
    }
  } else {
    const p = principal.partner;
    for (const c of p.agreement.read) grant(c, true, false);
    for (const c of p.agreement.write) grant(c, false, true);
    grant(p.inboxCollection, true, true);
  }
  const ids = [...rights.keys()].sort((a, b) =>
    a === KNOWLEDGE_COLLECTION ? -1 : b === KNOWLEDGE_COLLECTION ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return ids.map((id) => {
    const r = rights.get(id) as { read: boolean; write: boolean };
    return { id, ...describe(id, partners), canRead: r.read, canWrite: r.write };
  });
}

/** Who the operator is to the release policy: a named individual of ours. */
export const OPERATOR_RECIPIENT: Recipient = { kind: 'individual' };

/** Who a principal is to the release policy. */
export const recipientOf = (principal: Principal): Recipient =>
  principal.kind === 'admin' ? OPERATOR_RECIPIENT : partnerRecipient(principal.partner);

/** The visibility conditions of every read a principal makes (the release policy, for everyone). */
export function visibilityFilter(principal: Principal, options: ReleaseOptions = {}): KnowledgeFilter {
  const tlp = releasableLevels(recipientOf(principal), 'taxii', options);
  if (principal.kind === 'admin') return { tlp };
  const a = principal.partner.agreement;
  return {
    tlp,
    ...(a.includeTypes !== undefined ? { types: a.includeTypes } : {}),
    ...(a.excludeTypes !== undefined && a.excludeTypes.length > 0 ? { excludeTypes: a.excludeTypes } : {}),
  };
}

/** Whether the agreement lets a principal receive objects of this type (the operator: any). */
export function typeAllowed(principal: Principal, type: string): boolean {
  if (principal.kind === 'admin') return true;
  const a = principal.partner.agreement;
  if (a.includeTypes !== undefined && !a.includeTypes.includes(type)) return false;
  return !(a.excludeTypes ?? []).includes(type);
}

/** A filter with a client's match[type] combined with the agreement's included types (both must hold). */
export function withTypes(
  visibility: KnowledgeFilter,
  requested: readonly string[] | undefined,
): KnowledgeFilter {
  if (requested === undefined) return visibility;
  if (visibility.types === undefined) return { ...visibility, types: requested };
  const allowed = new Set(visibility.types);
  return { ...visibility, types: requested.filter((t) => allowed.has(t)) };
}

/** Who owns a status resource. */
export const ownerOf = (p: Principal): string => (p.kind === 'admin' ? 'admin' : `partner:${p.partner.name}`);
