/**
 * Which hosts a feed URL may reach (`allowed_hosts:` in accord.yaml). Without it a feed URL, or a
 * redirect from one, could make Accord fetch internal addresses (a cloud metadata service, an admin
 * interface) on an attacker's behalf. Entries are an exact host (`feeds.example.com`, `192.0.2.10`,
 * `2001:db8::1`) or `*.suffix`, which matches every name below the suffix but not the suffix itself.
 * Loopback is not special: 127.0.0.1 or localhost must be listed to be reachable.
 *
 * The check is on the host name in the URL, before connecting and again for each redirect. It does
 * not pin the addresses a name resolves to: list only names whose DNS you trust.
 */
import { isIP } from 'node:net';
import { err, ok, type Result } from '../domain/result.js';

export type HostPattern =
  | { readonly kind: 'exact'; readonly host: string }
  | { readonly kind: 'suffix'; readonly suffix: string };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function isHostName(h: string): boolean {
  return h.length <= 253 && h.split('.').every((l) => LABEL.test(l));
}

/** Lower case, IPv6 without brackets, IPv6 in canonical form (via URL), no trailing dot. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (isIP(h) === 6) {
    try {
      h = new URL(`http://[${h}]/`).hostname.slice(1, -1);
    } catch {
      /* left as given */
    }
  }
  return h;
}

export function parseHostPattern(text: string): Result<HostPattern> {
  const t = text.trim().toLowerCase();
  const expected = 'expected a host name, an IP address or *.domain (no scheme, port or path)';
  if (t.startsWith('*.')) {
    const suffix = t.slice(2).replace(/\.$/, '');
    if (!isHostName(suffix) || !suffix.includes('.'))
      return err(`"${text}" is not a *.domain pattern with at least two labels (${expected})`);
    return ok({ kind: 'suffix', suffix });
  }
  const h = normaliseHost(t);
  if (isIP(h) !== 0 || isHostName(h)) return ok({ kind: 'exact', host: h });
  return err(`"${text}" is not a host (${expected})`);
}

export function hostAllowed(patterns: readonly HostPattern[], host: string): boolean {
  const h = normaliseHost(host);
  return patterns.some((p) => (p.kind === 'exact' ? p.host === h : h.endsWith(`.${p.suffix}`)));
}
