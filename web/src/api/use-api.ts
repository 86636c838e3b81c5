/** Load one API resource for a component: loading, loaded or failed, reloaded when the URL changes. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, apiGet } from './client';

export type Loadable<T> =
  | { readonly state: 'loading'; readonly data?: T }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly error: ApiError | Error; readonly data?: T };

/** `url` null: nothing to load yet. The previous data stays available while the next loads. */
export function useApi<T>(url: string | null): Loadable<T> & { readonly reload: () => void } {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick forces a reload of the same URL
  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    setResult((r) => ({ state: 'loading', ...(r.data !== undefined ? { data: r.data } : {}) }));
    apiGet<T>(url, undefined, controller.signal).then(
      (data) => setResult({ state: 'ok', data }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult((r) => ({
          state: 'error',
          error: error instanceof Error ? error : new Error(String(error)),
          ...(r.data !== undefined ? { data: r.data } : {}),
        }));
      },
    );
    return () => controller.abort();
  }, [url, tick]);

  return { ...result, reload };
}

export function isForbidden(r: Loadable<unknown>): boolean {
  return r.state === 'error' && r.error instanceof ApiError && r.error.status === 403;
}
