/**
 * The `accord taxii` commands' definitions (their code is in taxii-command.ts, loaded when one
 * runs). program.ts calls registerTaxii with its error-handling `run` wrapper.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

type Run = <A extends unknown[]>(f: (...args: A) => Promise<ExitCode>) => (...args: A) => Promise<void>;

const DB = 'SQLite store (default: $ACCORD_DB or ./data/accord.db)';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 20) throw new InvalidArgumentError('expected an integer 0-20');
  return n;
}

function secondsArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return n;
}

const NETWORK_HELP = `
Each request carries Accept: application/taxii+json;version=2.1 and the partner's credentials
(Basic or bearer; the secret is read from the environment variable the partner record names).
Network errors, timeouts, HTTP 408, 429 and 5xx are tried again with exponential back-off and
jitter, waiting at least what Retry-After asks (at most 2 minutes); other 4xx answers stop at once
with the URL, the status and the server's TAXII error. The server is untrusted: an answer over
--max-response-mb, a body still arriving at --timeout, a malformed resource or paging that does not
advance stops with a clear error. Redirects are never followed (credentials would go with them);
a plain http:// API root is refused unless it is this machine or --allow-http is given.`;

export function registerTaxii(program: Command, run: Run): void {
  const taxii = program
    .command('taxii')
    .description(
      "exchange STIX 2.1 objects with a partner's own TAXII 2.1 server: pull, push, list its collections",
    )
    .addHelpText(
      'after',
      `
The partner (accord partners) says where its server is and how we authenticate to it.
Scheduled pulls: a feed in accord.yaml with source: { taxii: { partner: NAME, collection: ID } }.

Examples:
  $ accord taxii collections cert-xx
  $ accord taxii pull cert-xx --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116
  $ accord taxii push cert-xx --dry-run`,
    );

  connectionOptions(taxii.command('pull'))
    .description(
      "pull a partner's collection into the local knowledge store, from where the last pull stopped:\n" +
        'every page goes through the same validation as accord knowledge import (invalid objects to\n' +
        "quarantine, feed taxii:<partner>); objects are kept byte for byte with the sender's markings",
    )
    .argument('<partner>', 'the partner name (accord partners list)')
    .option('--collection <id>', "the partner's collection (default: the partner's pull collection)")
    .option('--into <id>', "the local collection (default: the partner's inbox collection here)")
    .option('--since <time>', 'pull what was added after this date or timestamp instead of resuming')
    .option('--limit <n>', 'objects per page asked for', positiveInt, 1000)
    .option('--max-pages <n>', 'stop after this many pages (the next pull goes on)', positiveInt)
    .option(
      '--json',
      'print {status, partner, collection, into, url, from, cursor, pages, objects, added, existing, quarantined, seconds, complete, warnings} as one JSON object',
    )
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
The resume point is the X-TAXII-Date-Added-Last of the last page stored, kept per partner, its
collection and the local collection; a failed or stopped pull keeps what it stored and the next
one goes on from there.
A page with more=true and no next is followed with added_after, as TAXII 2.1 allows.
${NETWORK_HELP}

Examples:
  $ accord taxii pull cert-xx
  $ accord taxii pull cert-xx --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 --json
  $ accord taxii pull cert-xx --since 2026-11-01
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (partner: string, opts: import('./taxii-command.js').PullCliOptions) => {
        const { taxiiPull } = await import('./taxii-command.js');
        return taxiiPull(partner, opts);
      }),
    );

  connectionOptions(taxii.command('push'))
    .description(
      "push what the partner's agreement allows to a collection on its server: each object version\n" +
        "must pass the TLP 2.0 release policy for the partner (TLP:RED never goes) and the agreement's\n" +
        'object types; only versions added since the last push are sent',
    )
    .argument('<partner>', 'the partner name (accord partners list)')
    .argument('[collection]', "the partner's collection to write to (default: the partner's push collection)")
    .option('--from <id>', 'the local collection (default: the one Accord derives and imports into)')
    .option('--dry-run', 'count what would be sent and what is withheld; send nothing')
    .option('--full', 'ignore what was pushed before and send every releasable version again')
    .option('--default-tlp <level>', 'TLP of objects that carry none', 'AMBER')
    .option('--wait <seconds>', 'how long to poll a pending status resource', secondsArg, 60)
    .option(
      '--json',
      'print {status, partner, collection, from, url, sent, markingDefinitions, withheld: {tlp, type}, envelopes, accepted, failed, pending, failures, ...} as one JSON object',
    )
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
Envelopes are kept under the API root's max_content_length; each status resource is polled until
complete (or --wait runs out: what is still pending is reported). Exit code 2 when the server
refused objects or the push failed.
${NETWORK_HELP}

Examples:
  $ accord taxii push cert-xx --dry-run
  $ accord taxii push cert-xx 6f2c8a71-9b4d-4e3f-a1c5-0d7e8f9a2b3c --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(
        async (
          partner: string,
          collection: string | undefined,
          opts: import('./taxii-command.js').PushCliOptions,
        ) => {
          const { taxiiPush } = await import('./taxii-command.js');
          return taxiiPush(partner, collection, opts);
        },
      ),
    );

  connectionOptions(taxii.command('collections'))
    .description("the partner's API root and the collections it lets us read or write")
    .argument('<partner>', 'the partner name (accord partners list)')
    .option('--json', 'print {partner, apiRoot, title, maxContentLength, collections} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
Examples:
  $ accord taxii collections cert-xx
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (partner: string, opts: import('./taxii-command.js').TaxiiCommon) => {
        const { taxiiCollections } = await import('./taxii-command.js');
        return taxiiCollections(partner, opts);
      }),
    );
}

/** The options of every command that talks to a partner's server (pull, push, collections). */
function connectionOptions(c: Command): Command {
  return c
    .option('--timeout <seconds>', 'per request', secondsArg, 30)
    .option('--retries <n>', 'tries after the first for what can pass', count, 4)
    .option(
      '--max-response-mb <n>',
      'the largest answer read, MiB (a bigger one is an error)',
      positiveInt,
      256,
    )
    .option('--allow-http', 'allow a plain http:// API root on another host (credentials in clear)');
}
