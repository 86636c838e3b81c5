/**
 * A table for API items whose exact shape the page does not fix (pivot results, events): nested
 * objects are flattened to "src.cc" columns, addresses and AS numbers link to the pivot page.
 */
import { Link } from '../router/router';

export type Row = Readonly<Record<string, unknown>>;

/** {a: 1, src: {cc: 'DE'}} → {a: 1, 'src.cc': 'DE'} (one level deep; arrays joined). */
export function flatten(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Row)) out[`${k}.${k2}`] = v2;
    } else out[k] = v;
  }
  return out;
}

/** Columns in first-seen order over all rows, at most `max`, leaving out those always empty. */
export function columnsOf(rows: readonly Record<string, unknown>[], max = 12): string[] {
  const seen: string[] = [];
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (!seen.includes(k) && v !== null && v !== undefined && v !== '') seen.push(k);
    }
  }
  return seen.slice(0, max);
}

/** A heading for a key: "firstDay" → "first day", "src.cc" → "src cc", "asn" → "ASN". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._]+/g, ' ')
    .toLowerCase()
    .trim();
  return words.replace(/\b(asn|ip|cc|tlp|id|url|as)\b/g, (w) => w.toUpperCase());
}

const PIVOTABLE = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]+|AS\d+)$/i;

function Cell({ value, column }: { readonly value: unknown; readonly column: string }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (Array.isArray(value))
    return <>{value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}</>;
  if (typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  const text = typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
  const pivot =
    typeof value === 'string' && PIVOTABLE.test(value)
      ? value
      : typeof value === 'number' && /(^|\.)asn$/i.test(column)
        ? `AS${value}`
        : undefined;
  if (pivot !== undefined) {
    return (
      <Link to={`/pivot?q=${encodeURIComponent(pivot)}`} className="pivot-link">
        {typeof value === 'number' ? pivot : text}
      </Link>
    );
  }
  return <>{text}</>;
}

/** A column: the flattened key, and its heading when not the key itself. */
export type Column = string | readonly [key: string, label: string];

export function DataTable({
  rows,
  columns,
  testid,
  caption,
}: {
  readonly rows: readonly Row[];
  /** Default: every column some row has (at most 12), headed by its key. */
  readonly columns?: readonly Column[];
  readonly testid?: string;
  readonly caption?: string;
}) {
  const flat = rows.map(flatten);
  const cols = (columns ?? columnsOf(flat)).map((c) =>
    typeof c === 'string' ? ([c, humanize(c)] as const) : c,
  );
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testid}>
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {cols.map(([key, label]) => (
              <th key={key} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {flat.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own
            <tr key={i}>
              {cols.map(([key]) => (
                <td key={key}>
                  <Cell value={r[key]} column={key} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
