/**
 * `accord partners add|list|show|revoke|credential`: partner CERTs, their agreements and TAXII
 * credentials, in the same SQLite file as everything else. Generated secrets are printed once.
 */
import { parseTlp, TLP_ORDER } from '../../domain/tlp.js';
import { KNOWLEDGE_COLLECTION } from '../../knowledge/knowledge-store.js';
import type { Partner, RemoteAuth, RemoteTaxii } from '../../partners/partner.js';
import {
  ADMIN_USERNAME,
  type CredentialInfo,
  type CredentialKind,
  type IssuedCredential,
  type PartnerStore,
} from '../../partners/partner-store.js';
import { SqlitePartnerStore } from '../../storage/partners/sqlite-partner-store.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { table } from '../format.js';
import { dbPath, openStore } from '../store-path.js';

interface Common {
  readonly db?: string;
  readonly json?: boolean;
}

async function withPartners<T>(
  o: Common,
  mustExist: boolean,
  f: (p: PartnerStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(dbPath(o.db), mustExist);
  try {
    return await f(new SqlitePartnerStore(store.db));
  } finally {
    await store.close();
  }
}

const print = (o: Common, json: unknown, human: string) =>
  process.stdout.write(o.json ? `${JSON.stringify(json)}\n` : `${human}\n`);

/** "knowledge" stands for our main collection. */
const collectionIds = (ids: readonly string[] | undefined) =>
  (ids ?? []).map((c) => (c === 'knowledge' ? KNOWLEDGE_COLLECTION : c));

const unwrap = <T>(
  r: { ok: true; value: T } | { ok: false; error: string },
  code: ExitCode = EXIT.usage,
): T => {
  if (!r.ok) throw new CliError(r.error, code);
  return r.value;
};

function describePartner(p: Partner): string {
  const a = p.agreement;
  const named = (id: string) => (id === KNOWLEDGE_COLLECTION ? `knowledge (${id})` : id);
  const rows: Array<[string, string]> = [
    ['country', p.country],
    ['identity', p.identityId],
    ['inbox collection', p.inboxCollection],
    ['reads', a.read.length > 0 ? a.read.map(named).join(', ') : '(its inbox only)'],
    ['writes', ['its inbox', ...a.write.map(named)].join(', ')],
    ['max TLP', `${a.maxTlp}${a.mayShareOnward ? ' (shares onward: no AMBER+STRICT)' : ''}`],
  ];
  if (a.includeTypes) rows.push(['only types', a.includeTypes.join(', ')]);
  if (a.excludeTypes) rows.push(['never types', a.excludeTypes.join(', ')]);
  if (p.remote) {
    const auth = p.remote.auth;
    rows.push([
      'remote TAXII',
      `${p.remote.apiRoot} (${auth.kind === 'basic' ? `basic ${auth.username}, password in $${auth.passwordEnv}` : auth.kind === 'bearer' ? `bearer token in $${auth.tokenEnv}` : 'no auth'})`,
    ]);
    if (p.remote.pullCollection) rows.push(['remote pull', p.remote.pullCollection]);
    if (p.remote.pushCollection) rows.push(['remote push', p.remote.pushCollection]);
  }
  rows.push(['created', p.createdAt]);
  if (p.revokedAt) rows.push(['REVOKED', p.revokedAt]);
  return `${p.name}\n${table(rows)}`;
}

function describeIssued(c: IssuedCredential): string {
  return c.info.kind === 'basic'
    ? `  HTTP Basic  username ${c.info.username}  password ${c.secret}   (credential ${c.info.id})`
    : `  API key     ${c.secret}   (credential ${c.info.id}; send "Authorization: Bearer <key>")`;
}

const issuedJson = (c: IssuedCredential) => ({ ...c.info, secret: c.secret });

function credentialLine(c: CredentialInfo): string {
  return `  ${c.id}  ${c.kind}${c.username ? ` (${c.username})` : ''}  created ${c.createdAt}${c.label ? `  "${c.label}"` : ''}${c.revokedAt ? `  REVOKED ${c.revokedAt}` : ''}`;
}

export interface AddOptions extends Common {
  readonly country: string;
  readonly maxTlp: string;
  readonly identity?: string;
  /** false with --no-read. */
  readonly read?: string[] | false;
  readonly write?: string[];
  readonly shareOnward?: boolean;
  readonly includeTypes?: string[];
  readonly excludeTypes?: string[];
  readonly credential: string;
  readonly remoteApiRoot?: string;
  readonly remoteAuth: string;
  readonly remoteUsername?: string;
  readonly remotePasswordEnv?: string;
  readonly remoteTokenEnv?: string;
  readonly remotePullCollection?: string;
  readonly remotePushCollection?: string;
}

function remoteOf(o: AddOptions): RemoteTaxii | undefined {
  const remoteOnly = [
    o.remoteUsername,
    o.remotePasswordEnv,
    o.remoteTokenEnv,
    o.remotePullCollection,
    o.remotePushCollection,
  ];
  if (o.remoteApiRoot === undefined) {
    if (remoteOnly.some((x) => x !== undefined) || o.remoteAuth !== 'none')
      throw new CliError('the --remote-* options need --remote-api-root', EXIT.usage);
    return undefined;
  }
  let auth: RemoteAuth;
  if (o.remoteAuth === 'basic') {
    if (!o.remoteUsername || !o.remotePasswordEnv)
      throw new CliError('--remote-auth basic needs --remote-username and --remote-password-env', EXIT.usage);
    auth = { kind: 'basic', username: o.remoteUsername, passwordEnv: o.remotePasswordEnv };
  } else if (o.remoteAuth === 'bearer') {
    if (!o.remoteTokenEnv) throw new CliError('--remote-auth bearer needs --remote-token-env', EXIT.usage);
    auth = { kind: 'bearer', tokenEnv: o.remoteTokenEnv };
  } else if (o.remoteAuth === 'none') auth = { kind: 'none' };
  else throw new CliError(`--remote-auth ${o.remoteAuth}: expected basic, bearer or none`, EXIT.usage);
  return {
    apiRoot: o.remoteApiRoot,
    auth,
    ...(o.remotePullCollection ? { pullCollection: o.remotePullCollection } : {}),
    ...(o.remotePushCollection ? { pushCollection: o.remotePushCollection } : {}),
  };
}

const KINDS: Readonly<Record<string, readonly CredentialKind[]>> = {
  basic: ['basic'],
  'api-key': ['api-key'],
  both: ['basic', 'api-key'],
  none: [],
};

export async function partnersAdd(name: string, o: AddOptions): Promise<ExitCode> {
  const maxTlp = parseTlp(o.maxTlp);
  if (!maxTlp || maxTlp === 'RED')
    throw new CliError(
      `--max-tlp ${o.maxTlp}: expected one of ${TLP_ORDER.filter((l) => l !== 'RED').join(', ')} (RED never goes out)`,
      EXIT.usage,
    );
  const kinds = KINDS[o.credential];
  if (!kinds)
    throw new CliError(`--credential ${o.credential}: expected basic, api-key, both or none`, EXIT.usage);
  const remote = remoteOf(o);
  return withPartners(o, false, async (store) => {
    const partner = unwrap(
      await store.add({
        name,
        country: o.country,
        ...(o.identity !== undefined ? { identityId: o.identity } : {}),
        agreement: {
          read: o.read === false ? [] : collectionIds(o.read ?? ['knowledge']),
          write: collectionIds(o.write),
          maxTlp,
          mayShareOnward: o.shareOnward === true,
          ...(o.includeTypes ? { includeTypes: o.includeTypes } : {}),
          ...(o.excludeTypes ? { excludeTypes: o.excludeTypes } : {}),
        },
        ...(remote ? { remote } : {}),
      }),
    );
    const issued: IssuedCredential[] = [];
    for (const kind of kinds)
      issued.push(unwrap(await store.addCredential({ kind, partner: name }), EXIT.internal));
    print(
      o,
      { partner, credentials: issued.map(issuedJson) },
      `added partner ${describePartner(partner)}` +
        (issued.length > 0
          ? `\n\nCredentials for our TAXII server, shown once (only a salted hash is kept): hand them over now.\n${issued.map(describeIssued).join('\n')}`
          : '\n\nNo credential issued (accord partners credential to issue one).'),
    );
    return EXIT.ok;
  });
}

export interface ListOptions extends Common {
  readonly all?: boolean;
}

export async function partnersList(o: ListOptions): Promise<ExitCode> {
  return withPartners(o, true, async (store) => {
    const ps = await store.list({ includeRevoked: o.all === true });
    print(
      o,
      { count: ps.length, partners: ps },
      ps.length === 0
        ? 'no partners (accord partners add NAME --country CC --max-tlp LEVEL)'
        : ps
            .map(
              (p) =>
                `${p.name.padEnd(20)} ${p.country}  max ${p.agreement.maxTlp.padEnd(12)} inbox ${p.inboxCollection}${p.revokedAt ? '  REVOKED' : ''}`,
            )
            .join('\n'),
    );
    return EXIT.ok;
  });
}

export type ShowOptions = Common;

export async function partnersShow(name: string, o: ShowOptions): Promise<ExitCode> {
  return withPartners(o, true, async (store) => {
    const p = await store.get(name);
    if (!p) throw new CliError(`no partner "${name}" (accord partners list)`, EXIT.usage);
    const creds = await store.credentials(name);
    print(
      o,
      { partner: p, credentials: creds },
      `${describePartner(p)}\n\ncredentials:\n${creds.length > 0 ? creds.map(credentialLine).join('\n') : '  (none)'}`,
    );
    return EXIT.ok;
  });
}

export interface RevokeOptions extends Common {
  readonly credential?: string;
}

export async function partnersRevoke(name: string | undefined, o: RevokeOptions): Promise<ExitCode> {
  if ((name === undefined) === (o.credential === undefined))
    throw new CliError('give a partner name or --credential ID (one of them)', EXIT.usage);
  return withPartners(o, true, async (store) => {
    if (o.credential !== undefined) {
      const c = unwrap(await store.revokeCredential(o.credential));
      print(
        o,
        { credential: c },
        `revoked credential ${c.id}${c.partner ? ` of ${c.partner}` : ' (operator)'}`,
      );
    } else {
      const p = unwrap(await store.revoke(name as string));
      print(o, { partner: p }, `revoked partner ${p.name} and its credentials (since ${p.revokedAt})`);
    }
    return EXIT.ok;
  });
}

export interface CredentialOptions extends Common {
  readonly kind: string;
  readonly label?: string;
}

export async function partnersCredential(name: string, o: CredentialOptions): Promise<ExitCode> {
  if (o.kind !== 'basic' && o.kind !== 'api-key')
    throw new CliError(`--kind ${o.kind}: expected basic or api-key`, EXIT.usage);
  const kind: CredentialKind = o.kind;
  return withPartners(o, false, async (store) => {
    const c = unwrap(
      await store.addCredential({
        kind,
        ...(name !== ADMIN_USERNAME ? { partner: name } : {}),
        ...(o.label !== undefined ? { label: o.label } : {}),
      }),
    );
    print(
      o,
      issuedJson(c),
      `${name === ADMIN_USERNAME ? 'operator credential (reads and writes every collection)' : `credential for ${name}`}, shown once:\n${describeIssued(c)}`,
    );
    return EXIT.ok;
  });
}
