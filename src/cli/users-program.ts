/**
 * The `accord users` command's definitions (its code is in commands/users.ts, loaded when one
 * runs): users of the dashboard and the REST API, their roles, passwords and API keys.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';

type Run = <A extends unknown[]>(f: (...args: A) => Promise<ExitCode>) => (...args: A) => Promise<void>;

const DB = 'SQLite store (default: $ACCORD_DB or ./data/accord.db)';

function role(v: string): string {
  if (v !== 'read-only' && v !== 'analyst' && v !== 'admin')
    throw new InvalidArgumentError('expected read-only, analyst or admin');
  return v;
}

export function registerUsers(program: Command, run: Run): void {
  const users = program
    .command('users')
    .description(
      'users of the dashboard and the REST API: roles (read-only, analyst, admin), passwords, API keys',
    )
    .addHelpText(
      'after',
      `
Roles: read-only reads figures and objects up to TLP:GREEN; analyst also exports, runs feeds and
reads up to TLP:AMBER+STRICT; admin also manages users and partners. Passwords and API keys are
stored as salted scrypt hashes only; a generated secret is printed once.

Examples:
  $ accord users add alice --role analyst                 prints a generated password
  $ printf '%s' "$PW" | accord users add bob --role read-only --password-stdin
  $ accord users list
  $ accord users passwd alice
  $ accord users key alice --label nightly-export          prints an API key (accu.<id>.<secret>)
  $ accord users disable bob`,
    );

  users
    .command('add')
    .description('add a user; without --password-stdin a password is generated and printed once')
    .argument('<name>', 'login name: lower-case letters, digits, dots, dashes, underscores (up to 64)')
    .requiredOption('--role <role>', 'read-only, analyst or admin', role)
    .option('--password-stdin', 'read the password from standard input (at least 12 characters)')
    .option('--json', 'print {user, password?} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(
      run(async (name: string, opts: import('./commands/users.js').UsersAddOptions) => {
        const { usersAdd } = await import('./commands/users.js');
        return usersAdd(name, opts);
      }),
    );

  users
    .command('list')
    .description('the users and their roles')
    .option('--all', 'include disabled users')
    .option('--json', 'one JSON object {count, users: [...]}')
    .option('--db <path>', DB)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(
      run(async (opts: import('./commands/users.js').UsersListOptions) => {
        const { usersList } = await import('./commands/users.js');
        return usersList(opts);
      }),
    );

  users
    .command('passwd')
    .description(
      "set a user's password (generated and printed once unless --password-stdin); the user's sessions end",
    )
    .argument('<name>', 'the user')
    .option('--password-stdin', 'read the new password from standard input (at least 12 characters)')
    .option('--json', 'print {user, password?} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(
      run(async (name: string, opts: import('./commands/users.js').UsersPasswdOptions) => {
        const { usersPasswd } = await import('./commands/users.js');
        return usersPasswd(name, opts);
      }),
    );

  users
    .command('disable')
    .description(
      'disable a user: sessions end and API keys are revoked at once (also in a running accord serve);\n' +
        'the name stays taken',
    )
    .argument('<name>', 'the user')
    .option('--json', 'print {user} as one JSON object')
    .option('--db <path>', DB)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(
      run(async (name: string, opts: import('./commands/users.js').UsersCommon) => {
        const { usersDisable } = await import('./commands/users.js');
        return usersDisable(name, opts);
      }),
    );

  users
    .command('key')
    .description(
      'issue an API key for a user (printed once; send it as "Authorization: Bearer <key>"),\n' +
        'or list (--list) or revoke (--revoke <id>) its keys',
    )
    .argument('<name>', 'the user')
    .option('--label <text>', 'what the key is for (shown in listings)')
    .option('--list', "list the user's keys (ids and dates, never secrets)")
    .option('--revoke <id>', 'revoke the key with this id (refused from the next request on)')
    .option('--json', 'print one JSON object ({key, info} | {count, keys} | {info})')
    .option('--db <path>', DB)
    .addHelpText(
      'after',
      `
Examples:
  $ accord users key alice --label nightly-export
  $ curl -H "Authorization: Bearer accu.0123456789abcdef.…" http://127.0.0.1:8443/api/v1/auth/me
  $ accord users key alice --list
  $ accord users key alice --revoke 0123456789abcdef
${EXIT_CODES_HELP}`,
    )
    .action(
      run(async (name: string, opts: import('./commands/users.js').UsersKeyOptions) => {
        const { usersKey } = await import('./commands/users.js');
        return usersKey(name, opts);
      }),
    );
}
