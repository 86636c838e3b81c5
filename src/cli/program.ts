/**
 * The `accord` command's definition (src/cli/main.ts runs it). Startup stays light: only commander is loaded here; each command's
 * module (and the parsers, SQLite, pino) is imported when that command runs.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';
import { addFeedsCommand } from './feeds-command.js';
import { registerKnowledge } from './knowledge-program.js';
import { registerPartners, registerServe } from './partners-program.js';
import { registerTaxii } from './taxii-program.js';
import { registerUsers } from './users-program.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function integer(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return n;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Run a command's action: a CliError becomes one line on stderr and its exit code. */
function run<A extends unknown[]>(f: (...args: A) => Promise<ExitCode>) {
  return async (...args: A): Promise<void> => {
    try {
      process.exitCode = await f(...args);
    } catch (e) {
      if (e instanceof CliError) {
        process.stderr.write(`accord: ${e.message}\n`);
        process.exitCode = e.exitCode;
      } else {
        process.stderr.write(`accord: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
        process.exitCode = EXIT.internal;
      }
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('accord')
    .description(
      'Accord: threat-feed ingestion for national CERTs. Feeds in, harmonised events (IntelMQ field names)\n' +
        'and deduplicated observations out, into one SQLite file.',
    )
    .version(pkg.version, '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ accord demo                                  load the bundled samples into ./data/accord.db
  $ accord ingest report.csv                     ingest a file, format detected from its content
  $ accord ingest https://example.com/c2.txt --format ip-list --set classification.type=c2-server
  $ accord quarantine list                       what could not be ingested, and why

Environment:
  ACCORD_DB         the SQLite store (default ./data/accord.db), like --db
  ACCORD_LOG_LEVEL  pino log level for the log lines on standard error (default info)
  ACCORD_PROGRESS_SECONDS  seconds between progress log lines when stderr is not a terminal (default 5)
  ACCORD_CACHE_DIR  where built geo range tables are cached (default ~/.cache/accord; "off" turns it off)
${EXIT_CODES_HELP}`,
    );

  program
    .command('ingest')
    .description(
      'ingest one feed file, URL or standard input: parse, harmonise, fold duplicates, store.\n' +
        'Records that cannot become events go to quarantine with file, line and reason.',
    )
    .argument('<input>', 'a file path, an http(s) URL, or - for standard input')
    .option('-f, --format <name>', 'input format (default: detected from the content)')
    .option(
      '--feed <name>',
      'feed.name of the events (default: from the records, the parser, or the file name)',
    )
    .option(
      '-c, --config <file>',
      'feed config, YAML or JSON: {format, parser: {...}, feed: {name, provider, defaults, overrides, tlp, keepRaw, keepEvents}}',
    )
    .option(
      '-s, --set <field=value>',
      'a feed default for every record (repeatable), e.g. malware.name=emotet',
      collect,
      [],
    )
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .option('--json', 'print the summary as one JSON object on standard output')
    .option('--keep-raw', "keep each event's raw text in the store (quarantine always keeps it)")
    .option(
      '--keep-events',
      "keep every event's record; by default events fold into observations (count, first/last seen) and each observation keeps its first event",
    )
    .option('--dry-run', 'parse and count, store nothing (an in-memory store)')
    .option('--timeout <seconds>', 'URL inputs: connect and idle timeout', positiveNumber, 30)
    .option('--max-bytes <n>', 'URL inputs: largest body accepted', integer(1))
    .option(
      '--batch-size <n>',
      'records read between store writes (one transaction each)',
      integer(1),
      200_000,
    )
    .option(
      '--workers <n>',
      'threads reading a file of 16 MiB or more whose format can be split (shadowserver, intelmq-jsonl); other inputs use one (default: the CPUs, at most 2)',
      integer(1),
    )
    .addHelpText(
      'after',
      `
The summary reports read, new events, folded (duplicates already stored), quarantined, new
observations, elapsed seconds and events/s; read = new + folded + quarantined always. With --json
it is one JSON object with the keys status, read, new, folded, quarantined, newObservations,
seconds, eventsPerSecond, threads, source, feed, format, bytes, warnings, db.
Progress: a bar on a terminal, JSON log lines (pino) on standard error otherwise.
Quarantined records are logged as file:line: reason (the first 20 of each input).
Ingest is idempotent: the same input twice stores nothing new; an interrupted run re-run completes it.

Examples:
  $ accord ingest samples/intelmq/example.jsonl
  $ accord ingest feed.jsonl --format intelmq-jsonl --feed partner-x --json
  $ accord ingest c2.txt --set classification.type=c2-server --set malware.name=emotet
  $ accord ingest https://example.com/feed.csv --config feeds/example.yaml --timeout 60
  $ zcat big.jsonl.gz | accord ingest - --format intelmq-jsonl --db /srv/accord/accord.db
  $ accord ingest report.csv --dry-run --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (input: string, opts: Parameters<typeof import('./commands/ingest.js').ingestCommand>[1]) => {
        const { ingestCommand } = await import('./commands/ingest.js');
        return ingestCommand(input, opts);
      }),
    );

  const quarantine = program
    .command('quarantine')
    .description('records that could not become events: list, show one, export all')
    .addHelpText(
      'after',
      `
Examples:
  $ accord quarantine list --feed sinkhole-http
  $ accord quarantine show 3f2a9c0e1b7d4a6e8f01b2c3
  $ accord quarantine export --format csv --out quarantine.csv`,
    );

  quarantine
    .command('list')
    .description('list quarantined records, oldest first: id, feed, file:line, reason')
    .option('--feed <name>', 'only this feed')
    .option('-n, --limit <n>', 'at most this many', integer(1), 50)
    .option('--json', 'one JSON object {count, entries: [...]}')
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .addHelpText(
      'after',
      `
Examples:
  $ accord quarantine list
  $ accord quarantine list --feed example-c2 --limit 200
  $ accord quarantine list --json | jq '.entries[].reason'
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: { feed?: string; limit: number; json?: boolean; db?: string }) => {
        const { quarantineList } = await import('./commands/quarantine.js');
        return quarantineList(opts);
      }),
    );

  quarantine
    .command('show')
    .description(
      'one quarantined record: reason, feed, file, line and raw text (hex and base64 when not UTF-8)',
    )
    .argument('<id>', 'the id from accord quarantine list')
    .option('--json', 'as one JSON object (rawBase64/rawHex when the raw bytes are not UTF-8)')
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .addHelpText(
      'after',
      `
Examples:
  $ accord quarantine show 3f2a9c0e1b7d4a6e8f01b2c3
  $ accord quarantine show 3f2a9c0e1b7d4a6e8f01b2c3 --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (id: string, opts: { json?: boolean; db?: string }) => {
        const { quarantineShow } = await import('./commands/quarantine.js');
        return quarantineShow(id, opts);
      }),
    );

  quarantine
    .command('export')
    .description('stream every quarantined record as JSON lines or CSV')
    .option('--feed <name>', 'only this feed')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('-o, --out <file>', 'write to this file (default: standard output)')
    .option('--json', 'with --out: print {exported, format, out} as one JSON object')
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .addHelpText(
      'after',
      `
CSV columns: id, at, feed, source, format, line, reason, field, raw, raw_base64 (set when the raw
bytes were not UTF-8).

Examples:
  $ accord quarantine export > quarantine.jsonl
  $ accord quarantine export --feed example-c2 --format csv --out example-c2.csv
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: { feed?: string; format: string; out?: string; json?: boolean; db?: string }) => {
        const { quarantineExport } = await import('./commands/quarantine.js');
        return quarantineExport(opts);
      }),
    );

  program
    .command('generate')
    .description(
      "write a synthetic national-scale Shadowserver event4_sinkhole report: a country's infected hosts\n" +
        'talking to C2 servers abroad, shaped by published figures; seeded, deterministic, streamed',
    )
    .requiredOption('-n, --rows <n>', 'data rows to write', integer(0))
    .requiredOption('-o, --out <file>', 'output file, or - for standard output')
    .option('--seed <n>', 'same seed and options, byte-identical output', integer(0), 1)
    .option('--country <cc>', 'the domestic country (ISO 3166-1 alpha-2) whose hosts are infected', 'CN')
    .option(
      '--profile <name>',
      'figures shaping C2 countries: cncert-2018, cncert-2021h1, c2-lists (default: cncert-2018 for CN, else c2-lists)',
    )
    .option('--date <YYYY-MM-DD>', 'first day of the report (default 2021-03-04)')
    .option('--days <n>', 'days the rows are spread over', integer(1))
    .option('--json', 'print the summary as one JSON object (on standard error with --out -)')
    .addHelpText(
      'after',
      `
Each infected host beacons 2 to 12 times a day to one C2 server, so events fold into about a
seventh as many observations. C2 servers per host and their countries follow the chosen profile
(e.g. CNCERT/CC 2018: ~49,000 overseas C2 servers, US 14,752, Japan 6,551, Germany 2,166, ~107
hosts each); hosts per C2 server are heavy-tailed; families and ports follow real C2 block lists.

Examples:
  $ accord generate --rows 2000000 --seed 1 --out sinkhole.csv
  $ accord generate --rows 1000 --country DE --out - | accord ingest - --format shadowserver
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/generate.js').GenerateCommandOptions) => {
        const { generateCommand } = await import('./commands/generate.js');
        return generateCommand(opts);
      }),
    );

  program
    .command('stats')
    .description(
      'the situation at a glance: domestic infected hosts, the C2 servers abroad controlling them (by\n' +
        'country, family, network), the domestic networks most affected, compromised websites; each\n' +
        'figure beside the previous period of the same length',
    )
    .option('--since <day>', 'first day of the period, YYYY-MM-DD (UTC)')
    .option('--until <day>', 'last day of the period, included (default: the latest observation day)')
    .option(
      '--country <cc>',
      'national country: addresses without constituency data are domestic when geolocated here (default: $ACCORD_COUNTRY)',
    )
    .option('--top <n>', 'rows per table (0: all)', integer(0), 10)
    .option('--json', 'print the report as one JSON object')
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .addHelpText(
      'after',
      `
Default period: the last 30 days ending at the latest observation day; with only --since or
--until, 30 days from or up to it. Observations on a warninglist are left out of the C2 figures
(and counted). docs/stats.md defines every figure.

Examples:
  $ accord stats --country CN
  $ accord stats --since 2026-10-01 --until 2026-10-31 --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/stats.js').StatsCommandOptions) => {
        const { statsCommand } = await import('./commands/stats.js');
        return statsCommand(opts);
      }),
    );

  program
    .command('report')
    .description(
      'the national situation report for a year, quarter, month or days: headline figures against the\n' +
        'previous period and a year before, C2 countries on a world map, families, foreign networks,\n' +
        'domestic networks, compromised websites, infected hosts per day; as HTML, PDF or JSON',
    )
    .option(
      '-p, --period <period>',
      'a year (2026), quarter (2026-Q3), month (2026-10) or days (2026-10-01..2026-10-31) (default: the year of the latest observation day)',
    )
    .option('-f, --format <format>', 'html (one printable page), pdf (headless Chromium) or json', 'html')
    .option('-o, --out <file>', 'write to this file (default: standard output)')
    .option(
      '--country <cc>',
      'national country: addresses without constituency data are domestic when geolocated here (default: $ACCORD_COUNTRY)',
    )
    .option('--top <n>', 'rows per table (0: all)', integer(0), 10)
    .option(
      '-c, --config <file>',
      'accord.yaml whose constituency enricher names the organisations in the tables (default: $ACCORD_CONFIG)',
    )
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .addHelpText(
      'after',
      `
The figures are those of accord stats for the same days (docs/stats.md); a year, quarter or month
is compared with the previous one (2026 with 2025, 2026-Q3 with 2026-Q2, 2026-10 with 2026-09),
days with as many days just before them; every period also with the same period a year before
when the store has data for it. PDF needs Chromium at /usr/bin/chromium (or $ACCORD_CHROMIUM).
docs/report.md describes every part of the report.

Examples:
  $ accord report --period 2026 --country CN --out report-2026.html
  $ accord report --period 2026-Q3 --format pdf --out report-2026-Q3.pdf
  $ accord report --period 2026-10-01..2026-10-31 --format json | jq .headline
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/report.js').ReportCommandOptions) => {
        const { reportCommand } = await import('./commands/report.js');
        return reportCommand(opts);
      }),
    );

  program
    .command('demo')
    .description(
      'load the bundled samples (samples/**, each with a <file>.feed.json sidecar) and show how to look at them',
    )
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .option('--samples <dir>', 'samples folder (default: the one shipped with Accord)')
    .option('--json', 'print the totals and one summary per file as one JSON object')
    .option(
      '--national-rows <n>',
      'also generate and ingest a national data set of this many event4_sinkhole rows (two days a month apart, CN hosts and C2 servers abroad), then show `accord stats`; 0 skips it',
      integer(0),
      200_000,
    )
    .addHelpText(
      'after',
      `
This is what npm start runs. A second run re-reads the samples and stores nothing new; the
national data set is generated once (next to the database) and ingested once.

Examples:
  $ accord demo
  $ accord demo --db /tmp/demo.db --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: { db?: string; samples?: string; json?: boolean; nationalRows?: number }) => {
        const { demoCommand } = await import('./commands/demo.js');
        return demoCommand(opts);
      }),
    );

  program
    .command('start')
    .description(
      'the situation room on embedded defaults (what npm start runs): read the sample feeds of the\n' +
        'shipped configuration, generate and ingest a national data set once, then serve the dashboard,\n' +
        'the REST API and TAXII; a second start reuses the data',
    )
    .option('--db <path>', 'SQLite store (default: $ACCORD_DB or ./data/accord.db)')
    .option(
      '-c, --config <file>',
      'accord.yaml with the feeds to read and show (default: the shipped samples/accord.yaml)',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port', integer(0), 8080)
    .option(
      '--national-rows <n>',
      'rows of the generated national data set (event4_sinkhole, two days a month apart); 0 skips it',
      integer(0),
      1_000_000,
    )
    .option(
      '--country <cc>',
      'national country: addresses without constituency data count as domestic when geolocated here (default: $ACCORD_COUNTRY, else CN, the country of the generated data)',
      'CN',
    )
    .addHelpText(
      'after',
      `
The first start takes a minute or two (most of it ingesting the national data set, with a progress
bar on a terminal) and creates the admin user, its password in admin-password.txt beside the
database. Then open the printed URL. Stop with Ctrl-C; the next start reuses everything.

Examples:
  $ npm start
  $ accord start --port 9000 --national-rows 200000
${EXIT_CODES_HELP}`,
    )
    .action(
      run(
        async (opts: {
          db?: string;
          config?: string;
          host: string;
          port: number;
          nationalRows: number;
          country: string;
        }) => {
          const { startCommand } = await import('./commands/start.js');
          return startCommand(opts);
        },
      ),
    );

  addFeedsCommand(program, run);

  registerKnowledge(program, run);

  registerTaxii(program, run);

  registerPartners(program, run);

  registerServe(program, run);

  registerUsers(program, run);

  return program;
}
