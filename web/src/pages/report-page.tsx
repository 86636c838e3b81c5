/**
 * The national situation report for a period, as the server renders it (GET /api/v1/report,
 * format=html), shown in a sandboxed frame (srcdoc: the API's answers may not be framed, and the
 * report runs no script), with Print (the frame's own print) and Download PDF (analysts).
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/use-api';
import { roleAllows, useUser } from '../auth/auth';
import { ErrorBox, Loading } from '../components/status';
import { isReportPeriod, periodPresets, reportUrl } from '../lib/report-period';
import { navigate, useLocation } from '../router/router';

export default function ReportPage() {
  const user = useUser();
  const { query } = useLocation();
  const presets = periodPresets(new Date());
  const asked = query.get('period')?.trim() ?? '';
  const period = asked !== '' && isReportPeriod(asked) ? asked : (presets[0]?.period ?? '');
  const [input, setInput] = useState(period);
  const [invalid, setInvalid] = useState(asked !== '' && !isReportPeriod(asked));
  const [shown, setShown] = useState(false);
  const ref = useRef<HTMLIFrameElement>(null);
  const html = useApi<string>(reportUrl(period, 'html'));

  useEffect(() => setInput(period), [period]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new report is not shown until its frame loads
  useEffect(() => setShown(false), [html.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    if (!isReportPeriod(v)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    navigate(`/report?period=${encodeURIComponent(v)}`);
  };

  const loaded = () => {
    const f = ref.current;
    if (f === null) return;
    try {
      const h = f.contentDocument?.documentElement.scrollHeight;
      if (h) f.style.height = `${h + 24}px`;
    } catch {
      // A frame we cannot measure keeps its CSS height.
    }
    setShown(true);
  };

  const canPdf = roleAllows(user.role, 'analyst');

  return (
    <div className="page report">
      <div className="page-head no-print">
        <h1>Situation report</h1>
        <div className="report-actions">
          <button
            type="button"
            className="button"
            data-testid="report-print"
            disabled={html.state !== 'ok' || !shown}
            onClick={() => ref.current?.contentWindow?.print()}
          >
            Print
          </button>
          {canPdf ? (
            <a
              className="button button-primary"
              href={reportUrl(period, 'pdf')}
              download={`accord-report-${period}.pdf`}
              data-testid="report-pdf"
            >
              Download PDF
            </a>
          ) : (
            <span className="muted small" title="PDF reports are for analysts">
              PDF: analysts only
            </span>
          )}
        </div>
      </div>
      <form className="report-form no-print" onSubmit={submit}>
        <label className="inline-field">
          <span>Period</span>
          <input
            value={input}
            onChange={(e) => setInput(e.target.value)}
            data-testid="report-period"
            placeholder="2026, 2026-Q3, 2026-10 or 2026-10-01..2026-10-31"
            aria-invalid={invalid}
          />
        </label>
        <button type="submit" className="button button-small">
          Show
        </button>
        <fieldset className="segmented" aria-label="Quick periods">
          {presets.map((p) => (
            <button
              key={p.period}
              type="button"
              className={p.period === period ? 'seg current' : 'seg'}
              onClick={() => navigate(`/report?period=${encodeURIComponent(p.period)}`)}
            >
              {p.label}
            </button>
          ))}
        </fieldset>
        {invalid ? (
          <p className="tone-bad small" role="alert">
            A period is a year (2026), a quarter (2026-Q3), a month (2026-10) or two days
            (2026-10-01..2026-10-31).
          </p>
        ) : null}
      </form>
      {html.state === 'error' ? <ErrorBox error={html.error} onRetry={html.reload} /> : null}
      {html.state === 'loading' ? <Loading what={`Building the report for ${period}`} /> : null}
      {html.state === 'ok' ? (
        <iframe
          ref={ref}
          className="report-frame"
          srcDoc={html.data}
          sandbox="allow-same-origin allow-modals"
          title={`Situation report ${period}`}
          onLoad={loaded}
          data-testid="report-frame"
        />
      ) : null}
    </div>
  );
}
