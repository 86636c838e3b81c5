/** Where the SQLite store lives: --db, else ACCORD_DB, else ./data/accord.db. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { CliError, EXIT } from './exit-codes.js';

export const DEFAULT_DB = './data/accord.db';

export function dbPath(option: string | undefined): string {
  return option ?? (process.env.ACCORD_DB || DEFAULT_DB);
}

/** Open the store; `mustExist` for read-only commands, so a typo in --db is not a new empty store. */
export async function openStore(path: string, mustExist: boolean): Promise<SqliteStore> {
  if (mustExist && path !== ':memory:' && !existsSync(path))
    throw new CliError(
      `no database at ${resolve(path)}; ingest something first (accord ingest FILE) or pass --db / ACCORD_DB`,
      EXIT.input,
    );
  const { openSqliteStore } = await import('../storage/sqlite/sqlite-store.js');
  try {
    return openSqliteStore(path);
  } catch (e) {
    throw new CliError(`cannot open the database ${path}: ${(e as Error).message}`, EXIT.input);
  }
}
