/**
 * The Authorization header for a partner's TAXII server. Secrets never sit in the database or the
 * config: the partner's remote settings name environment variables, read here when a client is
 * made, so a missing one is a clear error before any request leaves.
 */
import { err, ok, type Result } from '../../domain/result.js';
import type { RemoteAuth } from '../../partners/partner.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function authorizationHeader(auth: RemoteAuth, env: Env = process.env): Result<string | undefined> {
  switch (auth.kind) {
    case 'none':
      return ok(undefined);
    case 'basic': {
      const password = env[auth.passwordEnv];
      if (password === undefined || password === '')
        return err(
          `the password for ${auth.username} is read from the environment variable ${auth.passwordEnv}, which is not set`,
        );
      if (auth.username.includes(':'))
        return err(
          `the user name ${JSON.stringify(auth.username)} contains ":", which HTTP Basic cannot carry`,
        );
      return ok(`Basic ${Buffer.from(`${auth.username}:${password}`, 'utf8').toString('base64')}`);
    }
    case 'bearer': {
      const token = env[auth.tokenEnv];
      if (token === undefined || token === '')
        return err(`the API key is read from the environment variable ${auth.tokenEnv}, which is not set`);
      return ok(`Bearer ${token}`);
    }
  }
}
