/**
 * Where the bundled default data lives: the @ip-location-db npm packages installed with Accord.
 * IPv4 from the `-num` files (plain numbers, the fastest to read), IPv6 from the address files.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

export interface DefaultFiles {
  readonly files: readonly string[];
  /** Set when the package is not installed. */
  readonly missing?: string;
}

export function defaultCountryFiles(): DefaultFiles {
  const pkg = '@ip-location-db/geo-whois-asn-country';
  const dir = packageDir(pkg);
  if (!dir) return { files: [], missing: pkg };
  return {
    files: [join(dir, 'geo-whois-asn-country-ipv4-num.csv'), join(dir, 'geo-whois-asn-country-ipv6.csv')],
  };
}

export function defaultAsnFiles(): DefaultFiles {
  const pkg = '@ip-location-db/asn';
  const dir = packageDir(pkg);
  if (!dir) return { files: [], missing: pkg };
  return { files: [join(dir, 'asn-ipv4-num.csv'), join(dir, 'asn-ipv6.csv')] };
}
