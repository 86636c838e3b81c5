/** A headline figure with its change against the previous period. */
import type { Compared } from '../api/types';
import { formatChange, formatInt } from '../lib/format';

export function FigureCard({
  label,
  figure,
  testid,
  hint,
  /** An increase is bad news (infections): shown red; a decrease green. */
  upIsBad = true,
}: {
  readonly label: string;
  readonly figure: Compared;
  readonly testid: string;
  readonly hint?: string;
  readonly upIsBad?: boolean;
}) {
  const change = formatChange(figure.changePercent, figure.current, figure.previous);
  const tone =
    change.trend === 'up' || change.trend === 'new'
      ? upIsBad
        ? 'bad'
        : 'good'
      : change.trend === 'down'
        ? upIsBad
          ? 'good'
          : 'bad'
        : 'neutral';
  return (
    <div className="figure-card">
      <div className="figure-label">{label}</div>
      <div className="figure-value" data-testid={testid}>
        {formatInt(figure.current)}
      </div>
      <div className={`figure-change tone-${tone}`}>
        <span className="change-text">{change.text}</span>{' '}
        <span className="muted">vs previous period ({formatInt(figure.previous)})</span>
      </div>
      {hint ? <div className="figure-hint muted">{hint}</div> : null}
    </div>
  );
}
