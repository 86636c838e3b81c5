/**
 * The REST API's roles, from least to most allowed: read-only (reads figures and objects up to
 * TLP:GREEN), analyst (exports, runs feeds, reads up to TLP:AMBER+STRICT), admin (users, partners).
 * Every route declares the least role it needs (`config: { role }`) or `config: { public: true }`.
 */
import type { TlpLevel } from '../../domain/tlp.js';

export type Role = 'read-only' | 'analyst' | 'admin';

export const ROLES: readonly Role[] = ['read-only', 'analyst', 'admin'];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as string[]).includes(v);

/** Whether a user holding `have` may use a route that needs `need`. */
export const roleAllows = (have: Role, need: Role): boolean => ROLES.indexOf(have) >= ROLES.indexOf(need);

/** The highest TLP a role may receive through the API (RED never leaves through it). */
export const ROLE_CLEARANCE: Readonly<Record<Role, TlpLevel>> = {
  'read-only': 'GREEN',
  analyst: 'AMBER+STRICT',
  admin: 'AMBER+STRICT',
};

/** The authenticated user of a request (`request.user`). */
export interface ApiUser {
  readonly name: string;
  readonly role: Role;
}
