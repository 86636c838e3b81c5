/**
 * The `accord knowledge` commands' definitions (their code is in knowledge-command.ts, loaded when
 * one runs). program.ts calls registerKnowledge with its error-handling `run` wrapper.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

type Run = <A extends unknown[]>(f: (...args: A) => Promise<ExitCode>) => (...args: A) => Promise<void>;

const DB = 'SQLite store (default: $ACCORD_DB or ./data/accord.db)';
const COLLECTION = 'knowledge collection id (default: the one Accord derives and imports into)';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

export function registerKnowledge(program: Command, run: Run): void {
  const knowledge = program
    .command('knowledge')
    .description(
      "STIX 2.1 knowledge: derive it from the stored events, import partners' bundles, export a bundle",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ accord knowledge derive --org-name "CERT Example" --country NL
  $ accord knowledge import partner-bundle.json
  $ accord knowledge export --tlp amber --out share.json`,
    );

  knowledge
    .command('derive')
    .description(
      'turn the stored C2 activity into STIX objects: per C2 address an ipv4-addr/ipv6-addr, infrastructure,\n' +
        'indicator (valid until last seen + decay), sighting and relationships; per family a malware object.\n' +
        'Deriving again stores new versions of what changed and nothing for what did not.',
    )
    .option(
      '--org-name <name>',
      'our organisation, the identity every object is created by (or ACCORD_ORG_NAME)',
    )
    .option('--country <cc>', 'its ISO 3166-1 alpha-2 country (or ACCORD_ORG_COUNTRY)')
    .option('--decay-days <n>', 'indicators stay valid this many days after last seen', positiveInt, 30)
    .option('--default-tlp <level>', 'TLP of events that came without one', 'AMBER')
    .option('--collection <id>', COLLECTION)
    .option('--json', 'print {addresses, derived, created, versioned, unchanged} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
Objects carry the highest TLP of the events they come from. Sinkhole feeds are not C2 activity.

Examples:
  $ accord knowledge derive --org-name "CERT Example" --country NL
  $ ACCORD_ORG_NAME="CERT Example" accord knowledge derive --decay-days 14 --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./knowledge-command.js').DeriveOptions) => {
        const { knowledgeDerive } = await import('./knowledge-command.js');
        return knowledgeDerive(opts);
      }),
    );

  knowledge
    .command('import')
    .description(
      'import a STIX 2.1 bundle or TAXII 2.1 envelope: every valid object is kept exactly as received\n' +
        '(custom objects and extensions included); invalid ones go to quarantine with their position and reason',
    )
    .argument('<file>', 'a JSON file, or - for standard input')
    .option('--feed <name>', 'feed name of the quarantine entries (default stix-import)')
    .option('--collection <id>', COLLECTION)
    .option('--json', 'print {read, added, existing, quarantined, ...} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
Examples:
  $ accord knowledge import partner-bundle.json
  $ curl -s https://example.com/bundle.json | accord knowledge import - --feed partner-x
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (file: string, opts: import('./knowledge-command.js').ImportOptions) => {
        const { knowledgeImport } = await import('./knowledge-command.js');
        return knowledgeImport(file, opts);
      }),
    );

  knowledge
    .command('export')
    .description(
      'write one STIX 2.1 bundle of the current objects a recipient may receive under TLP 2.0,\n' +
        'with the TLP 2.0 marking definitions it uses',
    )
    .option('-o, --out <file>', 'write to this file (default: standard output)')
    .option(
      '--tlp <max>',
      'highest TLP the recipient may receive: clear, green, amber, amber+strict',
      'clear',
    )
    .option('--onward', 'the recipient passes what it gets on to its clients (then no AMBER+STRICT)')
    .option('--default-tlp <level>', 'TLP of objects that carry none', 'AMBER')
    .option('--collection <id>', COLLECTION)
    .option('--json', 'print the summary {bundleId, exported, withheld, maxTlp, out} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
TLP:RED never leaves in an export, whatever --tlp says. The summary goes to standard error when
the bundle goes to standard output.

Examples:
  $ accord knowledge export --tlp green > green.json
  $ accord knowledge export --tlp amber+strict --out partner-x.json --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./knowledge-command.js').ExportOptions) => {
        const { knowledgeExport } = await import('./knowledge-command.js');
        return knowledgeExport(opts);
      }),
    );
}
