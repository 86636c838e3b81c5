/** Which side(s) of an event an enricher works on: the `endpoints` option shared by enrichers. */
export type Endpoint = 'source' | 'destination';

/** Check an `endpoints` option (default both sides); the error names the option. */
export function parseEndpoints(raw: unknown): { ok: true; value: Endpoint[] } | { ok: false; error: string } {
  const ep = raw ?? ['source', 'destination'];
  if (
    !Array.isArray(ep) ||
    ep.length === 0 ||
    ep.some((e) => e !== 'source' && e !== 'destination') ||
    new Set(ep).size !== ep.length
  )
    return { ok: false, error: 'endpoints: expected a list of "source" and/or "destination"' };
  return { ok: true, value: ep as Endpoint[] };
}
