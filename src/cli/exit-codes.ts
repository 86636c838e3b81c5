/**
 * Exit codes of `accord` (listed in `accord --help`):
 * 0 ok (quarantined records are not a failure: they are accounted for and kept),
 * 1 usage error (bad option, unknown format, invalid config),
 * 2 an input could not be read (missing file, URL failed, stalled download, no database),
 * 3 an internal error (a bug: the message and stack go to standard error).
 */
export const EXIT = { ok: 0, usage: 1, input: 2, internal: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line and an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (also when some records were quarantined: they are kept and counted)
  1  usage error: unknown option or format, invalid --config or --set
  2  an input could not be read: missing file, URL failed or timed out, no database
  3  internal error (a bug; please report it with the message)`;
