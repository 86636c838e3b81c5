/** The C2 countries beside the map: one clickable row per country (the same filter as a map click). */
import type { C2Row } from '../../api/types';
import { countryName } from '../../lib/country-name';
import { formatChange, formatInt } from '../../lib/format';

export function CountryTable({
  rows,
  total,
  selected,
  onSelect,
}: {
  readonly rows: readonly C2Row[];
  readonly total: number;
  readonly selected: string | undefined;
  readonly onSelect: (cc: string) => void;
}) {
  return (
    <div className="table-wrap country-table">
      <table className="table table-compact" data-testid="country-table">
        <caption className="sr-only">C2 servers abroad by country</caption>
        <thead>
          <tr>
            <th scope="col">Country</th>
            <th scope="col" className="num">
              C2 servers
            </th>
            <th scope="col" className="num" title="Domestic hosts controlled">
              Hosts
            </th>
            <th scope="col" className="num">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const cc = r.key?.toUpperCase();
            const change = formatChange(r.hosts.changePercent, r.hosts.current, r.hosts.previous);
            if (cc === undefined) {
              return (
                <tr key="unknown" className="muted">
                  <td>Not geolocated</td>
                  <td className="num">{formatInt(r.servers.current)}</td>
                  <td className="num">{formatInt(r.hosts.current)}</td>
                  <td className="num">{change.text}</td>
                </tr>
              );
            }
            return (
              <tr
                key={cc}
                data-testid={`country-row-${cc}`}
                className={selected === cc ? 'clickable selected' : 'clickable'}
                onClick={() => onSelect(cc)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onSelect(cc);
                  }
                }}
                tabIndex={0}
                aria-selected={selected === cc}
                title={`Filter the page to C2 servers in ${countryName(cc)}`}
              >
                <td className="country-cell">
                  <span className="cc">{cc}</span> {countryName(cc)}
                </td>
                <td className="num">{formatInt(r.servers.current)}</td>
                <td className="num">{formatInt(r.hosts.current)}</td>
                <td
                  className={`num tone-${change.trend === 'down' ? 'good' : change.trend === 'flat' || change.trend === 'none' ? 'neutral' : 'bad'}`}
                >
                  {change.text}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {total > rows.length ? (
        <p className="muted small">
          {rows.length} of {total} countries shown.
        </p>
      ) : null}
    </div>
  );
}
