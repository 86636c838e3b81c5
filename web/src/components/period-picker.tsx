/**
 * The overview's period: the default (the last 30 days ending at the latest day with data), a
 * number of days ending at the shown period's last day, or any two days.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { addDays, formatPeriod } from '../lib/format';

const SPANS = [7, 30, 90, 365] as const;

export function PeriodPicker({
  since,
  until,
  isDefault,
  onChange,
}: {
  /** The period shown (as the server resolved it); undefined while the first answer loads. */
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly isDefault: boolean;
  readonly onChange: (since: string | undefined, until: string | undefined) => void;
}) {
  const [from, setFrom] = useState(since ?? '');
  const [to, setTo] = useState(until ?? '');
  useEffect(() => {
    setFrom(since ?? '');
    setTo(until ?? '');
  }, [since, until]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (from === '' || to === '') return;
    const [first, last] = from <= to ? [from, to] : [to, from];
    onChange(first, last);
  };
  const days =
    since && until ? Math.round((Date.parse(until) - Date.parse(since)) / 86_400_000) + 1 : undefined;

  return (
    <form className="period-picker" onSubmit={submit} aria-label="Period" data-testid="period-picker">
      <div className="period-shown">
        {since && until ? formatPeriod(since, until) : '…'}
        {isDefault ? <span className="muted"> (latest data)</span> : null}
      </div>
      <div className="period-controls">
        <fieldset className="segmented" aria-label="Length">
          {SPANS.map((n) => (
            <button
              key={n}
              type="button"
              className={days === n ? 'seg current' : 'seg'}
              disabled={until === undefined}
              onClick={() => until && onChange(addDays(until, -(n - 1)), until)}
            >
              {n === 365 ? '1 y' : `${n} d`}
            </button>
          ))}
          <button
            type="button"
            className={isDefault ? 'seg current' : 'seg'}
            onClick={() => onChange(undefined, undefined)}
            title="The last 30 days ending at the latest day with data"
          >
            Latest
          </button>
        </fieldset>
        <label className="date-field">
          <span>From</span>
          <input
            type="date"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="period-since"
          />
        </label>
        <label className="date-field">
          <span>To</span>
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="period-until" />
        </label>
        <button type="submit" className="button button-small" data-testid="period-apply">
          Apply
        </button>
      </div>
    </form>
  );
}
