/**
 * TAXII 2.1 media types and the content negotiation the server does: Accept (406 when nothing
 * acceptable is offered) and Content-Type of a POST (415).
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

function parseRange(text: string): MediaRange {
  const [type = '', ...rest] = text.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    params.set(
      p.slice(0, i).trim().toLowerCase(),
      p
        .slice(i + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return { type: type.trim().toLowerCase(), params };
}

const isTaxii21 = (r: MediaRange) =>
  r.type === 'application/taxii+json' && (r.params.get('version') ?? '2.1') === '2.1';

/**
 * How specifically a media range names TAXII 2.1 JSON (RFC 9110, 12.5.1: the most specific range
 * that matches decides the quality): 3 with version=2.1, 2 without a version, 1 application/*,
 * 0 for the full wildcard; -1 when it does not match at all.
 */
function specificity(r: MediaRange): number {
  if (isTaxii21(r)) return r.params.has('version') ? 3 : 2;
  if (r.type === 'application/*') return 1;
  if (r.type === '*/*') return 0;
  return -1;
}

/**
 * Whether an Accept header lets us answer with TAXII 2.1 JSON (no header: yes). The most specific
 * range naming it decides, so "application/taxii+json;q=0" refuses it even beside a full wildcard;
 * an unreadable q counts as 1.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  let best = -1;
  let quality = 0;
  for (const part of accept.split(',')) {
    const r = parseRange(part);
    const s = specificity(r);
    if (s < best || s < 0) continue;
    const q = Number(r.params.get('q') ?? '1');
    const thisQ = Number.isFinite(q) ? q : 1;
    // equally specific ranges: the one that accepts wins (a client listing it twice means it)
    quality = s > best ? thisQ : Math.max(quality, thisQ);
    best = s;
  }
  return best >= 0 && quality > 0;
}

/** Whether a Content-Type is TAXII 2.1 JSON (what POST objects must send). */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && isTaxii21(parseRange(contentType));
}
