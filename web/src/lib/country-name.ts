/** English country names for alpha-2 codes (the table and names are shared with the report, src/domain). */
import { countryName as nameOf } from '../../../src/domain/country-codes';

export function countryName(code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return 'Unknown';
  return nameOf(code);
}
