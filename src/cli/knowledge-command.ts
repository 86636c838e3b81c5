/**
 * `accord knowledge derive|import|export`: STIX 2.1 knowledge in the same SQLite file as the
 * events. derive turns the stored C2 activity into STIX objects (new versions when the data moved
 * on); import stores a partner's bundle or TAXII envelope (invalid objects to quarantine); export
 * writes one bundle of what the release policy lets go to a recipient with the given TLP ceiling.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { DEFAULT_TLP, parseTlp, type Recipient, TLP_ORDER, type TlpLevel } from '../domain/tlp.js';
import { KNOWLEDGE_COLLECTION } from '../knowledge/knowledge-store.js';
import { SqliteKnowledgeStore } from '../storage/knowledge/sqlite-knowledge-store.js';
import type { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { int } from './format.js';
import { dbPath, openStore } from './store-path.js';

interface Common {
  readonly db?: string;
  readonly json?: boolean;
  readonly collection?: string;
}

async function withStores<T>(
  o: Common,
  mustExist: boolean,
  f: (store: SqliteStore, knowledge: SqliteKnowledgeStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(dbPath(o.db), mustExist);
  try {
    return await f(store, new SqliteKnowledgeStore(store.db));
  } finally {
    await store.close();
  }
}

function tlpOption(name: string, v: string | undefined, dflt: TlpLevel): TlpLevel {
  if (v === undefined) return dflt;
  const t = parseTlp(v);
  if (!t) throw new CliError(`${name} ${v}: expected one of ${TLP_ORDER.join(', ')}`, EXIT.usage);
  return t;
}

const out = (o: Common, json: Record<string, unknown>, human: string) =>
  process.stdout.write(o.json ? `${JSON.stringify(json)}\n` : `${human}\n`);

export interface DeriveOptions extends Common {
  readonly orgName?: string;
  readonly country?: string;
  readonly decayDays?: number;
  readonly defaultTlp?: string;
}

export async function knowledgeDerive(o: DeriveOptions): Promise<ExitCode> {
  const name = o.orgName ?? process.env.ACCORD_ORG_NAME;
  if (!name)
    throw new CliError(
      "derive needs our organisation's name (the identity every object is created by): --org-name or ACCORD_ORG_NAME",
      EXIT.usage,
    );
  const country = o.country ?? process.env.ACCORD_ORG_COUNTRY;
  if (country !== undefined && !/^[A-Za-z]{2}$/.test(country))
    throw new CliError(`--country ${country}: expected an ISO 3166-1 alpha-2 code such as NL`, EXIT.usage);
  const defaultTlp = tlpOption('--default-tlp', o.defaultTlp, DEFAULT_TLP);
  const { aggregateC2, sqliteC2Rows } = await import('../knowledge/c2-activity.js');
  const { deriveAndStore } = await import('../knowledge/derive.js');
  return withStores(o, true, async (store, knowledge) => {
    const activity = aggregateC2(sqliteC2Rows(store.db));
    const s = await deriveAndStore(
      knowledge,
      activity,
      {
        organisation: { name, ...(country ? { country } : {}) },
        decay: { daysAfterLastSeen: o.decayDays ?? 30 },
        defaultTlp,
      },
      { collection: o.collection ?? KNOWLEDGE_COLLECTION },
    );
    out(
      o,
      { ...s },
      `derived ${int(s.derived)} STIX objects from ${int(s.addresses)} C2 addresses: ` +
        `${int(s.created)} new, ${int(s.versioned)} new versions, ${int(s.unchanged)} unchanged`,
    );
    return EXIT.ok;
  });
}

export interface ImportOptions extends Common {
  readonly feed?: string;
}

export async function knowledgeImport(file: string, o: ImportOptions): Promise<ExitCode> {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, EXIT.input);
  }
  const { importStix } = await import('../knowledge/import.js');
  return withStores(o, false, async (store, knowledge) => {
    const started = performance.now();
    const s = await importStix(
      text,
      { knowledge, store },
      {
        source: file,
        ...(o.feed !== undefined ? { feed: o.feed } : {}),
        collection: o.collection ?? KNOWLEDGE_COLLECTION,
      },
    );
    const secs = (performance.now() - started) / 1000;
    out(
      o,
      { ...s, seconds: Number(secs.toFixed(3)), objectsPerSecond: Math.round(s.read / Math.max(secs, 1e-6)) },
      s.problem !== undefined
        ? `${file}: not imported: ${s.problem} (quarantined; accord quarantine list)`
        : `${file}: read ${int(s.read)} objects: ${int(s.added)} added, ${int(s.existing)} already stored, ` +
            `${int(s.quarantined)} quarantined${s.quarantined > 0 ? ' (accord quarantine list)' : ''}`,
    );
    return EXIT.ok;
  });
}

export interface ExportOptions extends Common {
  readonly out?: string;
  readonly tlp?: string;
  readonly onward?: boolean;
  readonly defaultTlp?: string;
}

export async function knowledgeExport(o: ExportOptions): Promise<ExitCode> {
  const maxTlp = tlpOption('--tlp', o.tlp, 'CLEAR');
  const defaultTlp = tlpOption('--default-tlp', o.defaultTlp, DEFAULT_TLP);
  const recipient: Recipient =
    maxTlp === 'CLEAR' ? { kind: 'public' } : { kind: 'partner', maxTlp, mayShareOnward: o.onward === true };
  const { exportBundle } = await import('../knowledge/export.js');
  return withStores(o, true, async (_store, knowledge) => {
    const toFile = o.out !== undefined && o.out !== '-';
    const sink: Writable = toFile ? createWriteStream(o.out as string) : process.stdout;
    if (toFile)
      await new Promise<void>((resolve, reject) => {
        sink.once('open', () => resolve());
        sink.once('error', (e) => reject(new CliError(`cannot write ${o.out}: ${e.message}`, EXIT.input)));
      });
    const s = await exportBundle(
      knowledge,
      async (chunk) => {
        if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', r));
      },
      { recipient, defaultTlp, collection: o.collection ?? KNOWLEDGE_COLLECTION },
    );
    if (toFile) await new Promise<void>((r) => sink.end(r));
    const withheld = Object.entries(s.withheld)
      .map(([l, n]) => `${int(n as number)} TLP:${l}`)
      .join(', ');
    const msg =
      `exported ${int(s.exported)} objects (bundle ${s.bundleId}) up to TLP:${maxTlp}` +
      (withheld ? `; withheld ${withheld}${maxTlp === 'CLEAR' ? ' (--tlp to share more)' : ''}` : '') +
      (s.withheld.RED ? '; TLP:RED never leaves in an export' : '');
    const summary = { ...s, maxTlp, out: toFile ? o.out : '-' };
    if (toFile) out(o, summary, `${msg}: ${o.out}`);
    else process.stderr.write(o.json ? `${JSON.stringify(summary)}\n` : `${msg}\n`);
    return EXIT.ok;
  });
}
