/**
 * The `accord partners` and `accord serve` commands' definitions (their code is in
 * commands/partners.ts and commands/serve.ts, loaded when one runs). program.ts calls these with
 * its error-handling `run` wrapper.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

type Run = <A extends unknown[]>(f: (...args: A) => Promise<ExitCode>) => (...args: A) => Promise<void>;

const DB = 'SQLite store (default: $ACCORD_DB or ./data/accord.db)';
const list = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
];

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port 0..65535');
  return n;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

export function registerPartners(program: Command, run: Run): void {
  const partners = program
    .command('partners')
    .description(
      'partner CERTs: their country, identity, sharing agreement, TAXII credentials and inbox collection',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ accord partners add cert-xx --country XX --max-tlp amber --exclude-types sighting
  $ accord partners list
  $ accord partners show cert-xx
  $ accord partners credential admin --kind api-key     the operator's credential for accord serve
  $ accord partners revoke cert-xx`,
    );

  partners
    .command('add')
    .description(
      'add a partner with its sharing agreement and issue its first credential for our TAXII server\n' +
        '(printed once: only a salted hash is stored). The partner gets an inbox collection it may write.',
    )
    .argument('<name>', 'short handle: lower-case letters, digits and dashes (e.g. cert-xx)')
    .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country of the partner')
    .requiredOption(
      '--max-tlp <level>',
      'highest TLP it may receive: clear, green, amber, amber+strict (RED never goes out)',
    )
    .option(
      '--identity <id>',
      "the partner's STIX identity (identity--UUID); derived from the name when absent",
    )
    .option(
      '--read <ids>',
      'collections it may read, comma-separated or repeated; "knowledge" is our main collection (default: knowledge)',
      list,
    )
    .option('--no-read', 'it may read no collection but its inbox')
    .option('--write <ids>', 'collections it may write besides its inbox, comma-separated or repeated', list)
    .option(
      '--share-onward',
      'it passes what it receives on to its clients (then it never gets AMBER+STRICT)',
    )
    .option('--include-types <types>', 'only these STIX object types are released to it', list)
    .option('--exclude-types <types>', 'these STIX object types are never released to it', list)
    .option('--credential <kind>', 'credential to issue: basic, api-key, both or none', 'basic')
    .option('--remote-api-root <url>', 'its own TAXII 2.1 API root, for accord taxii pull/push')
    .option('--remote-auth <kind>', 'how we authenticate there: basic, bearer or none', 'none')
    .option('--remote-username <name>', 'remote basic auth: our username there')
    .option(
      '--remote-password-env <var>',
      'remote basic auth: environment variable holding our password there',
    )
    .option('--remote-token-env <var>', 'remote bearer auth: environment variable holding our token there')
    .option('--remote-pull-collection <id>', 'remote collection to pull from by default')
    .option(
      '--remote-push-collection <id>',
      'remote collection to push to by default (the inbox it gives us)',
    )
    .option('--json', 'print {partner, credentials: [{id, kind, username?, secret}]} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
The credential is printed once. HTTP Basic: username = the partner name. API key: sent as
"Authorization: Bearer accord.<id>.<secret>". Secrets for the partner's own server are never
stored: only the names of the environment variables that hold them.

Examples:
  $ accord partners add cert-xx --country XX --max-tlp amber
  $ accord partners add cert-yy --country YY --max-tlp green --share-onward --include-types indicator,ipv4-addr \\
      --credential api-key --remote-api-root https://taxii.cert-yy.example/api1/ --remote-auth bearer \\
      --remote-token-env CERT_YY_TOKEN --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (name: string, opts: import('./commands/partners.js').AddOptions) => {
        const { partnersAdd } = await import('./commands/partners.js');
        return partnersAdd(name, opts);
      }),
    );

  partners
    .command('list')
    .description('the partners, their agreements and inboxes')
    .option('--all', 'include revoked partners')
    .option('--json', 'one JSON object {count, partners: [...]}')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `\nExamples:\n  $ accord partners list\n  $ accord partners list --all --json\n${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/partners.js').ListOptions) => {
        const { partnersList } = await import('./commands/partners.js');
        return partnersList(opts);
      }),
    );

  partners
    .command('show')
    .description(
      'one partner: agreement, inbox collection, remote TAXII settings and credentials (never secrets)',
    )
    .argument('<name>', 'the partner name')
    .option('--json', 'one JSON object {partner, credentials}')
    .option('--db <path>', DB)
    .addHelpText('after', `\nExamples:\n  $ accord partners show cert-xx --json\n${EXIT_CODES_HELP}`)
    .action(
      run(async (name: string, opts: import('./commands/partners.js').ShowOptions) => {
        const { partnersShow } = await import('./commands/partners.js');
        return partnersShow(name, opts);
      }),
    );

  partners
    .command('revoke')
    .description(
      'revoke a partner (and every credential it has), or with --credential one credential; effective at\n' +
        'once, also for a running accord serve',
    )
    .argument('[name]', 'the partner to revoke')
    .option('--credential <id>', 'revoke only this credential (from accord partners show; admin ones too)')
    .option('--json', 'print what was revoked as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `\nExamples:\n  $ accord partners revoke cert-xx\n  $ accord partners revoke --credential key-0123456789abcdef\n${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (name: string | undefined, opts: import('./commands/partners.js').RevokeOptions) => {
        const { partnersRevoke } = await import('./commands/partners.js');
        return partnersRevoke(name, opts);
      }),
    );

  partners
    .command('credential')
    .description(
      'issue another credential for a partner (to rotate: issue, hand over, revoke the old one), or with\n' +
        'the name admin an operator credential that may read and write every collection of accord serve',
    )
    .argument('<name>', 'the partner name, or admin')
    .option('--kind <kind>', 'basic or api-key', 'api-key')
    .option('--label <text>', 'a note to tell credentials apart')
    .option('--json', 'print {id, kind, username?, secret} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
The secret is printed once. The operator's basic username is "admin".

Examples:
  $ accord partners credential admin --kind api-key --label "ops laptop"
  $ accord partners credential cert-xx --kind basic
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (name: string, opts: import('./commands/partners.js').CredentialOptions) => {
        const { partnersCredential } = await import('./commands/partners.js');
        return partnersCredential(name, opts);
      }),
    );
}

export function registerServe(program: Command, run: Run): void {
  program
    .command('serve')
    .description(
      'run the HTTP server: the dashboard at /, the REST API at /api (docs at /api/docs) and\n' +
        'the TAXII 2.1 server (discovery /taxii2/, API root /taxii2/accord/): the knowledge\n' +
        'collection and one inbox per partner; each partner sees what its agreement and TLP 2.0 allow.\n' +
        'First start with no users: creates admin, password in admin-password.txt beside the database',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port (0: any free one)', port, 8443)
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (TAXII expects HTTPS)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--max-content-length <bytes>', 'largest POST body accepted', positiveInt, 10 * 1024 * 1024)
    .option('--default-tlp <level>', 'TLP of objects that carry none', 'AMBER')
    .option('--title <text>', 'the title discovery shows', 'Accord TAXII 2.1 server')
    .option('--contact <text>', 'contact information discovery shows')
    .option(
      '--trust-proxy <addresses>',
      'comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client',
    )
    .option(
      '-c, --config <file>',
      'accord.yaml whose feeds and constituency the REST API shows (default: $ACCORD_CONFIG or ./accord.yaml when present)',
    )
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
Clients authenticate with HTTP Basic (username = partner name) or "Authorization: Bearer <API key>"
(see accord partners). The operator's credential (accord partners credential admin) reads and writes
every collection, through the TLP policy like everyone: TLP:RED never goes out over TAXII. Ten
failed logins within 5 minutes from one address (IPv6: one /64) or for one username answer 429
until the 5 minutes are over (a credential that succeeded within 5 minutes goes on); behind a
reverse proxy, name it with --trust-proxy so that clients are told apart. Logs are JSON lines (pino) on standard error; SIGINT or SIGTERM stops the server
cleanly.

The dashboard and the REST API use their own users (accord users; roles read-only, analyst, admin):
a password login gives a session cookie, scripts send "Authorization: Bearer accu.<id>.<secret>".
The dashboard is served from dist/web (npm run build); see docs/api.md.

Examples:
  $ accord serve
  $ accord serve --host 0.0.0.0 --port 443 --tls-cert cert.pem --tls-key key.pem
  $ accord serve --port 8080 --trust-proxy 127.0.0.1
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/serve.js').ServeOptions) => {
        const { serveCommand } = await import('./commands/serve.js');
        return serveCommand(opts);
      }),
    );
}
