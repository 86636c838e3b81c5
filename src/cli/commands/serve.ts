/**
 * `accord serve`: the HTTP server (src/server/app.ts) with the TAXII 2.1 plugin over the SQLite
 * store: knowledge objects, partners and their credentials, TAXII status resources, quarantine.
 * Runs until SIGINT or SIGTERM, then closes the listener and the store.
 */
import { readFileSync } from 'node:fs';
import { parseTlp, TLP_ORDER } from '../../domain/tlp.js';
import { createLogger } from '../../logging/logger.js';
import { buildApp } from '../../server/app.js';
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
}

function readPem(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${option} ${file}: ${(e as Error).message}`, EXIT.input);
  }
}

export async function serveCommand(o: ServeOptions): Promise<ExitCode> {
  const defaultTlp = parseTlp(o.defaultTlp);
  if (!defaultTlp)
    throw new CliError(`--default-tlp ${o.defaultTlp}: expected one of ${TLP_ORDER.join(', ')}`, EXIT.usage);
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
    throw new CliError('--tls-cert and --tls-key go together', EXIT.usage);
  const https =
    o.tlsCert !== undefined && o.tlsKey !== undefined
      ? { cert: readPem('--tls-cert', o.tlsCert), key: readPem('--tls-key', o.tlsKey) }
      : undefined;
  const logger = createLogger();
  const store = await openStore(dbPath(o.db), false);
  const taxii = sqliteTaxiiOptions(store, {
    maxContentLength: o.maxContentLength,
    defaultTlp,
    title: o.title,
    ...(o.contact !== undefined ? { contact: o.contact } : {}),
  });
  const partners = taxii.partners;
  const app = await buildApp({
    logger,
    ...(https ? { https } : {}),
    ...(o.trustProxy !== undefined ? { trustProxy: o.trustProxy } : {}),
    taxii,
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
  if (admins === 0)
    logger.info('no operator credential yet: accord partners credential admin --kind api-key');
  if (!https && o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1')
    logger.warn(
      'serving plain HTTP on a non-loopback address: use --tls-cert/--tls-key (TAXII expects HTTPS)',
    );
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
