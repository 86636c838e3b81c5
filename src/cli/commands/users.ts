/**
 * `accord users add|list|passwd|disable|key`: users of the dashboard and the REST API, in the same
 * SQLite file as everything else (src/server/api/auth/sqlite-user-store.ts). Generated passwords
 * and API keys are printed once; only their hashes are stored.
 */
import type { Result } from '../../domain/result.js';
import { type ApiKeyInfo, SqliteUserStore, type UserInfo } from '../../server/api/auth/sqlite-user-store.js';
import type { Role } from '../../server/api/roles.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { dbPath, openStore } from '../store-path.js';

export interface UsersCommon {
  readonly db?: string;
  readonly json?: boolean;
}
export interface UsersAddOptions extends UsersCommon {
  readonly role: Role;
  readonly passwordStdin?: boolean;
}
export interface UsersListOptions extends UsersCommon {
  readonly all?: boolean;
}
export interface UsersPasswdOptions extends UsersCommon {
  readonly passwordStdin?: boolean;
}
export interface UsersKeyOptions extends UsersCommon {
  readonly label?: string;
  readonly list?: boolean;
  readonly revoke?: string;
}

async function withUsers<T>(o: UsersCommon, mustExist: boolean, f: (u: SqliteUserStore) => Promise<T>) {
  const store = await openStore(dbPath(o.db), mustExist);
  try {
    return await f(new SqliteUserStore(store.db));
  } finally {
    await store.close();
  }
}

const print = (o: UsersCommon, json: unknown, human: string) =>
  process.stdout.write(o.json ? `${JSON.stringify(json)}\n` : `${human}\n`);

function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new CliError(r.error, r.error.startsWith('no user') ? EXIT.input : EXIT.usage);
}

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw new CliError('--password-stdin: standard input is empty', EXIT.usage);
  return text;
}

const line = (u: UserInfo) =>
  `${u.name}  ${u.role}  created ${u.createdAt}${u.disabledAt ? `  disabled ${u.disabledAt}` : ''}`;
const keyLine = (k: ApiKeyInfo) =>
  `${k.id}  ${k.label ?? '-'}  created ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}`;

export async function usersAdd(name: string, o: UsersAddOptions): Promise<ExitCode> {
  const given = o.passwordStdin ? await readPassword() : undefined;
  return withUsers(o, false, async (users) => {
    const { user, password } = unwrap(await users.add(name, o.role, given));
    print(
      o,
      { user, ...(given === undefined ? { password } : {}) },
      given === undefined
        ? `added ${user.name} (${user.role}); password (shown once, only a hash is stored):\n${password}`
        : `added ${user.name} (${user.role})`,
    );
    return EXIT.ok;
  });
}

export async function usersList(o: UsersListOptions): Promise<ExitCode> {
  return withUsers(o, true, async (users) => {
    const list = users.list({ includeDisabled: o.all === true });
    print(
      o,
      { count: list.length, users: list },
      list.length === 0 ? 'no users (accord serve creates admin on first start)' : list.map(line).join('\n'),
    );
    return EXIT.ok;
  });
}

export async function usersPasswd(name: string, o: UsersPasswdOptions): Promise<ExitCode> {
  const given = o.passwordStdin ? await readPassword() : undefined;
  return withUsers(o, true, async (users) => {
    const password = unwrap(await users.setPassword(name, given));
    print(
      o,
      { user: users.get(name), ...(given === undefined ? { password } : {}) },
      given === undefined
        ? `new password for ${name} (shown once; its sessions ended):\n${password}`
        : `password of ${name} changed; its sessions ended`,
    );
    return EXIT.ok;
  });
}

export async function usersDisable(name: string, o: UsersCommon): Promise<ExitCode> {
  return withUsers(o, true, async (users) => {
    const user = unwrap(users.disable(name));
    print(o, { user }, `disabled ${name}: its sessions ended and its API keys are revoked`);
    return EXIT.ok;
  });
}

export async function usersKey(name: string, o: UsersKeyOptions): Promise<ExitCode> {
  if (o.list && o.revoke !== undefined) throw new CliError('--list and --revoke go separately', EXIT.usage);
  return withUsers(o, true, async (users) => {
    if (!users.get(name)) throw new CliError(`no user "${name}"`, EXIT.input);
    if (o.list) {
      const keys = users.listKeys(name);
      print(
        o,
        { count: keys.length, keys },
        keys.length === 0 ? `${name} has no API keys` : keys.map(keyLine).join('\n'),
      );
      return EXIT.ok;
    }
    if (o.revoke !== undefined) {
      const info = unwrap(users.revokeKey(name, o.revoke));
      print(o, { info }, `revoked API key ${info.id} of ${name}`);
      return EXIT.ok;
    }
    const issued = unwrap(await users.issueKey(name, o.label));
    print(
      o,
      issued,
      `API key ${issued.info.id} for ${name} (shown once; send it as "Authorization: Bearer <key>"):\n${issued.key}`,
    );
    return EXIT.ok;
  });
}
