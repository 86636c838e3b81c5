/**
 * `accord start` (what `npm start` runs): the national situation room on embedded defaults.
 *
 * 1. The sample feeds of the shipped configuration (samples/accord.yaml), enriched, each feed's
 *    health recorded (`accord feeds run`).
 * 2. A generated national data set (`accord demo --national-rows`, about a million rows by
 *    default; progress bar on a terminal), generated once beside the store.
 * 3. The server (`accord serve`): dashboard, REST API and TAXII, with the same configuration, so
 *    the Feeds page lists those feeds; on the first start it creates the admin user and says
 *    where its password is.
 *
 * Every step is idempotent: a second start reuses the data (re-read records fold; the national
 * files are not regenerated nor re-ingested) and starts the server in seconds.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { dbPath } from '../store-path.js';

/** The configuration shipped with Accord: feeds over samples/, enrichment with the bundled data. */
export const PACKAGE_CONFIG = fileURLToPath(new URL('../../../samples/accord.yaml', import.meta.url));

export interface StartOptions {
  readonly db?: string;
  readonly host: string;
  readonly port: number;
  readonly config?: string;
  readonly nationalRows: number;
  /** National country: where addresses without constituency data count as domestic. */
  readonly country: string;
}

export async function startCommand(o: StartOptions): Promise<ExitCode> {
  const db = dbPath(o.db);
  const config = o.config ?? PACKAGE_CONFIG;
  // accord stats, the API and the report read the national country from here.
  process.env.ACCORD_COUNTRY ||= o.country;
  const say = (m: string) => process.stderr.write(`\n== ${m}\n`);

  say(`1/3 the sample feeds of ${config}`);
  const { feedsRun } = await import('./feeds.js');
  const feeds = await feedsRun([], { config, db });

  say(`2/3 a national data set of ${o.nationalRows.toLocaleString('en-US')} rows (generated once)`);
  const { demoCommand } = await import('./demo.js');
  const demo = await demoCommand({ db, nationalRows: o.nationalRows, skipSamples: true });

  if (feeds !== EXIT.ok || demo !== EXIT.ok)
    process.stderr.write(
      '\nsome input could not be read (see above); the server starts with what was stored\n',
    );
  say('3/3 the server');
  const passwordFile = join(dirname(db), 'admin-password.txt');
  const { serveCommand } = await import('./serve.js');
  return serveCommand(
    {
      host: o.host,
      port: o.port,
      maxContentLength: 10 * 1024 * 1024,
      defaultTlp: 'AMBER',
      title: 'Accord TAXII 2.1 server',
      db,
      config,
    },
    {
      onListening: (address, created) => {
        const login = created
          ? `Log in as admin with the password in ${created} (created now; change it with accord users passwd admin).`
          : existsSync(passwordFile)
            ? `Log in as admin with the password in ${passwordFile}.`
            : 'Log in with your user (accord users --help).';
        process.stdout.write(
          `\nAccord is running: open ${address}/\n${login}\nAPI docs: ${address}/api/docs   TAXII 2.1: ${address}/taxii2/   Stop: Ctrl-C\n\n`,
        );
      },
    },
  );
}
