/** TAXII 2.1 media types (TAXII 2.1, section 1.6.8). */

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/**
 * Whether a Content-Type header names TAXII 2.1 JSON: `application/taxii+json`, with
 * `version=2.1` when a version parameter is given (parameters in any order, spaces and case
 * ignored as RFC 7231 allows).
 */
export function isTaxiiMediaType(header: string | null | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/taxii+json') return false;
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k === 'version' && v?.replace(/^"|"$/g, '') !== '2.1') return false;
  }
  return true;
}
