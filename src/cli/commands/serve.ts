/**
 * `accord serve`: the HTTP server (src/server/app.ts) with the TAXII 2.1 plugin over the SQLite
 * store: knowledge objects, partners and their credentials, TAXII status resources, quarantine.
 * Runs until SIGINT or SIGTERM, then closes the listener and the store.
 */
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseTlp, TLP_ORDER } from '../../domain/tlp.js';
import { createLogger } from '../../logging/logger.js';
import { ensureFirstAdmin } from '../../server/api/auth/first-admin.js';
import { sqliteApiDeps } from '../../server/api/deps.js';
import { buildApp } from '../../server/app.js';
import { DEFAULT_DASHBOARD_ROOT } from '../../server/dashboard-plugin.js';
import { sqliteTaxiiOptions } from '../../server/sqlite-taxii.js';
import { API_ROOT_PATH } from '../../taxii/server/taxii-plugin.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { dbPath, openStore } from '../store-path.js';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly maxContentLength: number;
  readonly defaultTlp: string;
  readonly title: string;
  readonly contact?: string;
  /** Reverse proxies (addresses, CIDRs, comma-separated) whose X-Forwarded-For names the client. */
  readonly trustProxy?: string;
  readonly db?: string;
  /** accord.yaml (feeds, constituency) for the REST API; default $ACCORD_CONFIG or ./accord.yaml when present. */
  readonly config?: string;
}

/** The config the API shows feeds and constituency from: --config (must load), else the default if present. */
async function apiConfig(option: string | undefined) {
  const { configPath, loadConfig } = await import('../../config/load-config.js');
  const file = configPath(option);
  if (option === undefined && !existsSync(file)) return undefined;
  const r = await loadConfig(file);
  if (!r.ok) throw new CliError(r.error.join('\n'), EXIT.usage);
  return r.value;
}

function readPem(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${option} ${file}: ${(e as Error).message}`, EXIT.input);
  }
}

/** What a caller (accord start) may learn once the server listens. */
export interface ServeHooks {
  /** The server listens at `address`; `passwordFile` is set when this start created the admin user. */
  readonly onListening?: (address: string, passwordFile: string | undefined) => void;
}

export async function serveCommand(o: ServeOptions, hooks: ServeHooks = {}): Promise<ExitCode> {
  const defaultTlp = parseTlp(o.defaultTlp);
  if (!defaultTlp)
    throw new CliError(`--default-tlp ${o.defaultTlp}: expected one of ${TLP_ORDER.join(', ')}`, EXIT.usage);
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
    throw new CliError('--tls-cert and --tls-key go together', EXIT.usage);
  const https =
    o.tlsCert !== undefined && o.tlsKey !== undefined
      ? { cert: readPem('--tls-cert', o.tlsCert), key: readPem('--tls-key', o.tlsKey) }
      : undefined;
  const accordConfig = await apiConfig(o.config);
  const logger = createLogger();
  const store = await openStore(dbPath(o.db), false);
  const taxii = sqliteTaxiiOptions(store, {
    maxContentLength: o.maxContentLength,
    defaultTlp,
    title: o.title,
    ...(o.contact !== undefined ? { contact: o.contact } : {}),
  });
  const partners = taxii.partners;
  const api = {
    ...sqliteApiDeps(store, { config: { defaultTlp, secureCookies: https !== undefined }, logger }),
    ...(accordConfig ? { accordConfig } : {}),
  };
  const passwordFile = await ensureFirstAdmin(api.users, dirname(dbPath(o.db)));
  if (passwordFile) chmodSync(passwordFile, 0o600);
  const app = await buildApp({
    logger,
    ...(https ? { https } : {}),
    ...(o.trustProxy !== undefined ? { trustProxy: o.trustProxy } : {}),
    taxii,
    api,
    dashboard: { root: DEFAULT_DASHBOARD_ROOT },
  });
  let address: string;
  try {
    address = await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await app.close();
    await store.close();
    throw new CliError(`cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`, EXIT.input);
  }
  const admins = (await partners.credentials(null)).filter((c) => c.revokedAt === undefined).length;
  logger.info(
    {
      address,
      apiRoot: `${address}${API_ROOT_PATH}`,
      db: dbPath(o.db),
      tls: https !== undefined,
      ...(o.trustProxy !== undefined ? { trustProxy: o.trustProxy } : {}),
      partners: (await partners.list()).length,
    },
    `TAXII 2.1 server: discovery ${address}/taxii2/`,
  );
  logger.info({ dashboard: `${address}/`, docs: `${address}/api/docs` }, `dashboard: ${address}/`);
  if (passwordFile)
    logger.info({ file: passwordFile }, `first start: log in as admin, password in ${passwordFile}`);
  if (admins === 0)
    logger.info('no operator credential yet: accord partners credential admin --kind api-key');
  if (!https && o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1')
    logger.warn(
      'serving plain HTTP on a non-loopback address: use --tls-cert/--tls-key (TAXII expects HTTPS)',
    );
  hooks.onListening?.(address, passwordFile ?? undefined);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await store.close();
  return EXIT.ok;
}
