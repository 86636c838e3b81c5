/**
 * The definition of `accord feeds list | run | watch` (kept out of program.ts; like it, it loads
 * only commander: the config, parsers, enrichers and SQLite are imported when a command runs).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

type Runner = <A extends unknown[]>(f: (...args: A) => Promise<ExitCode>) => (...args: A) => Promise<void>;

const CONFIG_HELP = 'the config file (default: $ACCORD_CONFIG or ./accord.yaml)';
const DB_HELP = 'SQLite store (default: $ACCORD_DB, else store.db of the config, else ./data/accord.db)';

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

export function addFeedsCommand(program: Command, run: Runner): void {
  const feeds = program
    .command('feeds')
    .description(
      'the feeds declared in the config file (accord.yaml): list them, run them, poll them on schedule',
    )
    .addHelpText(
      'after',
      `
The config file declares feeds (source: file glob or http(s) URL, format, parser options, schedule,
TLP, defaults), the enrichers, the hosts feed URLs may reach and the store. See docs/configuration.md
and samples/accord.yaml.

Examples:
  $ accord feeds list --config samples/accord.yaml
  $ accord feeds run --config samples/accord.yaml
  $ accord feeds run example-c2-list --json
  $ accord feeds watch                       poll on schedule until Ctrl-C

Environment:
  ACCORD_CONFIG  the config file, like --config`,
    );

  feeds
    .command('list')
    .description(
      'each feed: name, format, schedule, source, and its health (last run, last success, counts, next run, last error)',
    )
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--db <path>', DB_HELP)
    .option(
      '--json',
      'one JSON object {config, db, feeds: [{name, format, source, schedule, enabled, health}]}',
    )
    .addHelpText(
      'after',
      `\nThe config is validated first: every problem is listed with its path.\n${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/feeds.js').FeedsOptions) => {
        const { feedsList } = await import('./commands/feeds.js');
        return feedsList(opts);
      }),
    );

  feeds
    .command('run')
    .description(
      'run feeds now (all enabled ones, or those named), each to the end, and print a summary per feed',
    )
    .argument('[name...]', 'feeds to run (default: every enabled feed); a named feed runs even when disabled')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--db <path>', DB_HELP)
    .option('--json', 'one JSON object {config, db, ok, failed, feeds: [{feed, status, read, new, ...}]}')
    .option(
      '--workers <n>',
      'threads reading each file of 16 MiB or more whose format can be split; enrichers run in each (default: the CPUs, at most 2)',
      positiveInt,
    )
    .addHelpText(
      'after',
      `
A file glob ingests every matching file. A URL is read with a conditional GET (ETag /
If-Modified-Since from the last run): "not modified" reads nothing. Failed tries that can pass
(network, timeout, HTTP 5xx/429) are retried with back-off. Health is recorded for feeds list.
Exit code 2 when a feed failed.

Examples:
  $ accord feeds run --config samples/accord.yaml
  $ accord feeds run shadowserver-event4_sinkhole example-c2-list --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (names: string[], opts: import('./commands/feeds.js').FeedsOptions) => {
        const { feedsRun } = await import('./commands/feeds.js');
        return feedsRun(names, opts);
      }),
    );

  feeds
    .command('watch')
    .description(
      'the scheduler: poll every enabled feed that has a schedule, in the foreground, until SIGINT/SIGTERM',
    )
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--db <path>', DB_HELP)
    .option('--json', 'print each run as one JSON line on standard output')
    .option(
      '--grace <seconds>',
      'at shutdown, how long runs under way get to finish before they are stopped',
      positive,
      30,
    )
    .option('--max-parallel <n>', 'feeds running at the same time, at most', positiveInt, 4)
    .option(
      '--workers <n>',
      'threads reading each file of 16 MiB or more whose format can be split; enrichers run in each (default: the CPUs, at most 2)',
      positiveInt,
    )
    .option('--for <duration>', 'stop after this long (e.g. 10m), to try a config out')
    .addHelpText(
      'after',
      `
Shutdown is graceful: the first Ctrl-C (or SIGTERM) schedules nothing more and lets the runs under
way finish (up to --grace); a second one stops them at once, keeping what each had read.
The next run of each feed is kept in the store, so a restart keeps the rhythm.

Examples:
  $ accord feeds watch --config /etc/accord/accord.yaml
  $ accord feeds watch --for 5m --json
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (opts: import('./commands/feeds.js').WatchOptions) => {
        const { feedsWatch } = await import('./commands/feeds.js');
        return feedsWatch(opts);
      }),
    );
}
