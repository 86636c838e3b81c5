/** What a section shows when it is not showing data: loading, empty, failed, not allowed. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { Link } from '../router/router';

export function Loading({ what = 'Loading' }: { readonly what?: string }) {
  return (
    <div className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {what}…
    </div>
  );
}

export function Empty({ children }: { readonly children: ReactNode }) {
  return <div className="status status-empty">{children}</div>;
}

/** Asking again can help: the server or the network failed, or it asked us to wait. */
function retryable(e: Error): boolean {
  if (!(e instanceof ApiError)) return true;
  return e.status === 0 || e.status >= 500 || e.status === 408 || e.status === 429;
}

export function ErrorBox({ error, onRetry }: { readonly error: unknown; readonly onRetry?: () => void }) {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = e instanceof ApiError ? e.code : undefined;
  // Details the message already says are not repeated.
  const details = e instanceof ApiError ? e.details.filter((d) => !e.message.includes(d.message)) : [];
  return (
    <div className="status status-error" role="alert">
      <strong>Could not load this.</strong> {e.message}
      {code && code !== 'NETWORK' ? <span className="error-code">{code}</span> : null}
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              {d.path}: {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      {onRetry && retryable(e) ? (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function NotAllowed({ need, what }: { readonly need: string; readonly what: string }) {
  return (
    <section className="not-allowed" data-testid="not-allowed" role="alert">
      <h1>Not allowed</h1>
      <p>
        {what} is for users with the <strong>{need}</strong> role. Your account does not have it; ask an
        administrator if you need access.
      </p>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
