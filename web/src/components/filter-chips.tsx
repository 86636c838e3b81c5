/** The filters that apply to the whole overview, each a chip that removes itself. */
import type { ActiveFilter, FilterKey } from '../lib/overview-query';

export function FilterChips({
  filters,
  onRemove,
}: {
  readonly filters: readonly ActiveFilter[];
  readonly onRemove: (key: FilterKey) => void;
}) {
  if (filters.length === 0) {
    return <p className="filters-hint muted">Click a country, family or network to filter the whole page.</p>;
  }
  return (
    <ul className="chips" aria-label="Active filters">
      {filters.map((f) => (
        <li key={f.key} className="chip" data-testid="active-filter" data-filter={f.key} data-value={f.value}>
          <span>{f.label}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove filter ${f.label}`}
            onClick={() => onRemove(f.key)}
          />
        </li>
      ))}
    </ul>
  );
}
