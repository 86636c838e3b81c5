/**
 * Who is logged in. On load, GET /api/v1/auth/me decides between the login page and the app; a
 * 401 from any later request (session expired, logged out elsewhere) returns to the login page.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, apiGet, apiPost, setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import type { MeResponse, Role, User } from '../api/types';

export type AuthState =
  | { readonly status: 'checking' }
  | { readonly status: 'anonymous'; readonly reason?: 'expired' | 'logged-out' }
  | { readonly status: 'unreachable'; readonly message: string }
  | { readonly status: 'signed-in'; readonly user: User };

interface AuthApi {
  readonly auth: AuthState;
  /** Resolves when logged in; rejects with the API's error (401 ACCORD_BAD_CREDENTIALS, 429, ...). */
  readonly login: (username: string, password: string) => Promise<void>;
  readonly logout: () => Promise<void>;
  readonly retry: () => void;
}

const AuthContext = createContext<AuthApi | undefined>(undefined);

const RANK: Readonly<Record<Role, number>> = { 'read-only': 0, analyst: 1, admin: 2 };

/** The role `have` may do what `need` may (admin > analyst > read-only). */
export function roleAllows(have: Role, need: Role): boolean {
  return (RANK[have] ?? -1) >= RANK[need];
}

export function AuthProvider({ children }: { readonly children: ReactNode }) {
  const [auth, setAuth] = useState<AuthState>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setAuth((a) => (a.status === 'signed-in' ? { status: 'anonymous', reason: 'expired' } : a));
    });
    return () => setUnauthenticatedHandler(undefined);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt re-runs the check on retry
  useEffect(() => {
    let live = true;
    apiGet<MeResponse>('/api/v1/auth/me').then(
      (me) => {
        if (!live) return;
        setCsrfToken(me.csrfToken);
        setAuth({ status: 'signed-in', user: me.user });
      },
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 401) setAuth({ status: 'anonymous' });
        else setAuth({ status: 'unreachable', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const login = useCallback(async (username: string, password: string) => {
    const me = await apiPost<MeResponse>('/api/v1/auth/login', { username, password });
    setCsrfToken(me.csrfToken);
    setAuth({ status: 'signed-in', user: me.user });
  }, []);

  const logout = useCallback(async () => {
    try {
      await apiPost<void>('/api/v1/auth/logout');
    } catch {
      // The session may be gone already; either way the user is out.
    }
    setCsrfToken(null);
    setAuth({ status: 'anonymous', reason: 'logged-out' });
  }, []);

  const retry = useCallback(() => {
    setAuth({ status: 'checking' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ auth, login, logout, retry }), [auth, login, logout, retry]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const v = useContext(AuthContext);
  if (v === undefined) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The logged-in user (only inside the signed-in part of the app). */
export function useUser(): User {
  const { auth } = useAuth();
  if (auth.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return auth.user;
}
