/** Log in with a user name and password (the session cookie is set by the server). */
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/auth';

function loginError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return 'Wrong user name or password.';
    if (e.status === 429) return 'Too many failed attempts. Wait a minute and try again.';
    if (e.status === 400) return 'Enter a user name and a password.';
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function LoginPage({ expired }: { readonly expired: boolean }) {
  const { login } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(loginError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            ▲
          </span>
          Accord
        </div>
        <h1 id="login-title">Log in</h1>
        <p className="muted">The national situation room of your CERT.</p>
        {expired ? <p className="notice">Your session has ended. Log in again to continue.</p> : null}
        <label className="field">
          <span>User name</span>
          <input
            data-testid="login-username"
            name="username"
            autoComplete="username"
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this page
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <p className="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" data-testid="login-submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="muted small">
          First start: the user <code>admin</code>'s password is in <code>admin-password.txt</code> beside the
          database.
        </p>
      </form>
    </main>
  );
}
