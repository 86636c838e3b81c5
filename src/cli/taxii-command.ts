/**
 * `accord taxii pull|push|collections`: exchange STIX objects with a partner's own TAXII 2.1
 * server, as its partner record says how to reach it (API root, credentials from environment
 * variables). Pulled objects go into the partner's inbox collection here (so what came from a
 * partner stays apart from what we share); pushes go out through the release policy.
 */
import { DEFAULT_TLP, parseTlp, TLP_ORDER, type TlpLevel } from '../domain/tlp.js';
import { KNOWLEDGE_COLLECTION } from '../knowledge/knowledge-store.js';
import { timestampMicros } from '../knowledge/stix.js';
import type { Partner, RemoteTaxii } from '../partners/partner.js';
import { SqliteKnowledgeStore } from '../storage/knowledge/sqlite-knowledge-store.js';
import type { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { PullSummary } from '../taxii/client/pull.js';
import type { PushSummary } from '../taxii/client/push.js';
import type { TaxiiClient } from '../taxii/client/taxii-client.js';
import { printable } from '../taxii/client/untrusted.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { int, seconds } from './format.js';
import { createReporter, type Reporter } from './reporter.js';
import { dbPath, openStore } from './store-path.js';

export interface TaxiiCommon {
  readonly db?: string;
  readonly json?: boolean;
  /** Seconds per request. */
  readonly timeout?: number;
  readonly retries?: number;
  /** The largest answer read, MiB. */
  readonly maxResponseMb?: number;
  /** Allow a plain http:// API root on another host. */
  readonly allowHttp?: boolean;
}

export interface PullCliOptions extends TaxiiCommon {
  readonly collection?: string;
  readonly into?: string;
  readonly since?: string;
  readonly limit?: number;
  readonly maxPages?: number;
}

export interface PushCliOptions extends TaxiiCommon {
  readonly from?: string;
  readonly dryRun?: boolean;
  readonly full?: boolean;
  readonly defaultTlp?: string;
  readonly wait?: number;
}

interface Session {
  readonly store: SqliteStore;
  readonly knowledge: SqliteKnowledgeStore;
  readonly partner: Partner & { readonly remote: RemoteTaxii };
  readonly client: TaxiiClient;
  readonly reporter: Reporter;
}

/** A partner we may exchange with over its own TAXII server, or a one-line reason why not. */
export async function remotePartner(
  store: SqliteStore,
  name: string,
  path: string,
): Promise<Partner & { readonly remote: RemoteTaxii }> {
  const { SqlitePartnerStore } = await import('../storage/partners/sqlite-partner-store.js');
  const p = await new SqlitePartnerStore(store.db).get(name);
  if (!p) throw new CliError(`no partner named "${name}" in ${path} (accord partners list)`, EXIT.usage);
  if (p.revokedAt !== undefined)
    throw new CliError(
      `partner ${name} was revoked at ${p.revokedAt}: nothing goes to or comes from it`,
      EXIT.usage,
    );
  if (!p.remote)
    throw new CliError(
      `partner ${name} has no TAXII server of its own on record (its API root and how we authenticate): add them to the partner first (accord partners --help)`,
      EXIT.usage,
    );
  return p as Partner & { readonly remote: RemoteTaxii };
}

async function session<T>(name: string, o: TaxiiCommon, f: (s: Session) => Promise<T>): Promise<T> {
  const path = dbPath(o.db);
  const store = await openStore(path, true);
  try {
    const partner = await remotePartner(store, name, path);
    const reporter = await createReporter({ quiet: o.json === true });
    const { createTaxiiClient } = await import('../taxii/client/taxii-client.js');
    const c = createTaxiiClient({
      apiRoot: partner.remote.apiRoot,
      auth: partner.remote.auth,
      ...(o.timeout !== undefined ? { timeoutMs: o.timeout * 1000 } : {}),
      ...(o.retries !== undefined ? { retries: o.retries } : {}),
      ...(o.maxResponseMb !== undefined ? { maxResponseBytes: o.maxResponseMb * 1024 ** 2 } : {}),
      ...(o.allowHttp ? { allowHttp: true } : {}),
      onRetry: (r) =>
        reporter.warn(
          `${name}: try ${r.attempt} failed (${r.error}); trying again in ${(r.delayMs / 1000).toFixed(1)} s`,
          { partner: name, ...r },
        ),
    });
    if (!c.ok) throw new CliError(`partner ${name}: ${c.error}`, EXIT.usage);
    return await f({
      store,
      knowledge: new SqliteKnowledgeStore(store.db),
      partner,
      client: c.value,
      reporter,
    });
  } finally {
    await store.close();
  }
}

/** A collection id the server offers, for messages when none was given. */
async function offered(client: TaxiiClient, want: 'can_read' | 'can_write'): Promise<string> {
  try {
    const cs = (await client.collections()).filter((c) => c[want]);
    if (cs.length === 0)
      return `the server offers us no collection we can ${want === 'can_read' ? 'read' : 'write'}`;
    return `the server offers: ${cs.map((c) => `${printable(c.id)} (${printable(c.title)})`).join(', ')}`;
  } catch (e) {
    return `the collections could not be listed: ${(e as Error).message}`;
  }
}

function sinceOption(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (timestampMicros(v) !== undefined) return v;
  const t = Date.parse(v);
  if (!Number.isFinite(t))
    throw new CliError(
      `--since ${v}: expected a date or timestamp, e.g. 2026-11-01 or 2026-11-01T10:00:00Z`,
      EXIT.usage,
    );
  return new Date(t).toISOString();
}

const print = (o: TaxiiCommon, json: unknown, human: string) =>
  process.stdout.write(o.json ? `${JSON.stringify(json)}\n` : `${human}\n`);

export function pullLine(s: PullSummary): string {
  const counts =
    `${int(s.pages)} page(s), ${int(s.objects)} objects: ${int(s.added)} added, ${int(s.existing)} already stored, ` +
    `${int(s.quarantined)} quarantined${s.quarantined > 0 ? ` (accord quarantine list --feed taxii:${s.partner})` : ''}`;
  return (
    `${s.partner}: ${s.status === 'ok' ? 'pulled' : 'pull FAILED after'} ${counts}, ${seconds(s.seconds)}` +
    `\n  from ${s.url}${s.from ? ` added after ${s.from}` : ''} into collection ${s.into}` +
    (s.cursor ? `\n  the next pull resumes after ${s.cursor}` : '')
  );
}

export async function taxiiPull(name: string, o: PullCliOptions): Promise<ExitCode> {
  const since = sinceOption(o.since);
  return session(name, o, async ({ store, knowledge, partner, client, reporter }) => {
    const collection = o.collection ?? partner.remote.pullCollection;
    if (collection === undefined)
      throw new CliError(
        `which collection of ${name}? pass --collection ID (or set the partner's pull collection); ${await offered(client, 'can_read')}`,
        EXIT.usage,
      );
    const { pullCollection } = await import('../taxii/client/pull.js');
    const s = await pullCollection(
      { client, knowledge, store },
      {
        partner: name,
        collection,
        into: o.into ?? partner.inboxCollection,
        ...(since !== undefined ? { since } : {}),
        ...(o.limit !== undefined ? { limit: o.limit } : {}),
        ...(o.maxPages !== undefined ? { maxPages: o.maxPages } : {}),
        onPage: (p) =>
          reporter.info(`${name}: page ${p.page}: ${int(p.objects)} objects so far, ${int(p.added)} added`),
      },
    );
    for (const w of s.warnings) reporter.warn(`${name}: ${w}`);
    print(o, { ...s, seconds: Number(s.seconds.toFixed(3)) }, pullLine(s));
    if (s.error !== undefined) {
      process.stderr.write(`accord: ${s.error}\n`);
      return EXIT.input;
    }
    return EXIT.ok;
  });
}

function tlpOption(v: string | undefined): TlpLevel {
  if (v === undefined) return DEFAULT_TLP;
  const t = parseTlp(v);
  if (!t) throw new CliError(`--default-tlp ${v}: expected one of ${TLP_ORDER.join(', ')}`, EXIT.usage);
  return t;
}

export function pushLine(s: PushSummary): string {
  const withheld = [
    ...TLP_ORDER.flatMap((l) => (s.withheld.tlp[l] ? [`${int(s.withheld.tlp[l] as number)} TLP:${l}`] : [])),
    ...(s.withheld.type > 0 ? [`${int(s.withheld.type)} of types the agreement leaves out`] : []),
  ];
  const head = s.dryRun
    ? `${s.partner}: would send ${int(s.sent)} object version(s)`
    : `${s.partner}: ${s.status === 'ok' ? 'sent' : 'push FAILED after sending'} ${int(s.sent)} object version(s)` +
      `${s.markingDefinitions > 0 ? ` (+${s.markingDefinitions} TLP marking definitions)` : ''} in ${int(s.envelopes)} envelope(s): ` +
      `${int(s.accepted)} accepted, ${int(s.failed)} failed, ${int(s.pending)} pending`;
  return (
    `${head}; withheld ${withheld.length > 0 ? withheld.join(', ') : 'nothing'}; ${seconds(s.seconds)}` +
    `\n  from collection ${s.from}${s.since ? ` (added after ${s.since})` : ''} to ${s.url}` +
    (s.tooLarge.length > 0
      ? `\n  ${s.tooLarge.length} object(s) larger than the server accepts were not sent`
      : '')
  );
}

export async function taxiiPush(
  name: string,
  collectionArg: string | undefined,
  o: PushCliOptions,
): Promise<ExitCode> {
  const defaultTlp = tlpOption(o.defaultTlp);
  return session(name, o, async ({ store, knowledge, partner, client, reporter }) => {
    const collection = collectionArg ?? partner.remote.pushCollection;
    if (collection === undefined)
      throw new CliError(
        `which collection of ${name}? give it after the partner (or set the partner's push collection); ${await offered(client, 'can_write')}`,
        EXIT.usage,
      );
    const { pushCollection } = await import('../taxii/client/push.js');
    const s = await pushCollection(
      { client, knowledge, store },
      {
        partner,
        collection,
        from: o.from ?? KNOWLEDGE_COLLECTION,
        defaultTlp,
        ...(o.dryRun ? { dryRun: true } : {}),
        ...(o.full ? { full: true } : {}),
        ...(o.wait !== undefined ? { add: { waitMs: o.wait * 1000 } } : {}),
        onPage: (p) =>
          reporter.info(`${name}: ${int(p.sent)} object version(s) ${o.dryRun ? 'to send' : 'sent'} so far`),
      },
    );
    print(o, { ...s, seconds: Number(s.seconds.toFixed(3)) }, pushLine(s));
    for (const f of s.failures.slice(0, 20))
      process.stderr.write(
        `accord: ${name} refused ${printable(f.id)} (${printable(f.version)})${f.message ? `: ${printable(f.message)}` : ''}\n`,
      );
    if (s.error !== undefined) process.stderr.write(`accord: ${s.error}\n`);
    return s.error !== undefined || s.failed > 0 || s.tooLarge.length > 0 ? EXIT.input : EXIT.ok;
  });
}

export async function taxiiCollections(name: string, o: TaxiiCommon): Promise<ExitCode> {
  return session(name, o, async ({ partner, client }) => {
    let info: Awaited<ReturnType<TaxiiClient['apiRootInfo']>>;
    let collections: Awaited<ReturnType<TaxiiClient['collections']>>;
    try {
      info = await client.apiRootInfo();
      collections = await client.collections();
    } catch (e) {
      throw new CliError((e as Error).message, EXIT.input);
    }
    const rows = collections.map(
      (c) =>
        `  ${printable(c.id)}  ${c.can_read ? 'read' : '    '} ${c.can_write ? 'write' : '     '}  ${printable(c.title)}` +
        `${c.id === partner.remote.pullCollection ? '  (pull default)' : ''}${c.id === partner.remote.pushCollection ? '  (push default)' : ''}`,
    );
    print(
      o,
      {
        partner: name,
        apiRoot: client.apiRoot,
        title: info.title,
        maxContentLength: info.max_content_length,
        collections,
      },
      `${name}: ${printable(info.title)} at ${client.apiRoot} (requests up to ${int(info.max_content_length)} bytes)\n` +
        (rows.length > 0 ? rows.join('\n') : '  no collections are visible to us'),
    );
    return EXIT.ok;
  });
}
