import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import type { SlrRow } from '../lib/types.js';

function monthOf(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthOf(new Date(y, m - 1 + by, 1));
}

const monthName = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(
    new Date(y, m - 1, 1),
  );
};

type Load =
  | { state: 'loading' }
  | { state: 'ok'; rows: SlrRow[] }
  | { state: 'absent' }
  | { state: 'error'; message: string };

/** The month's service-level result per site (calls responded in time ÷ calls) and its threshold. */
export function SlrPanel({ version }: { version: number }) {
  const current = monthOf(new Date());
  const [month, setMonth] = useState(current);
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    setLoad((l) => (l.state === 'ok' ? l : { state: 'loading' }));
    api<SlrRow[] | { sites?: SlrRow[]; slr?: SlrRow[] }>(`/api/slr?month=${month}`, {
      signal: abort.signal,
    })
      .then((body) => {
        const rows = Array.isArray(body) ? body : (body.sites ?? body.slr ?? []);
        setLoad({ state: 'ok', rows });
      })
      .catch((error: unknown) => {
        if ((error as Error).name === 'AbortError') return;
        // No such route (the collector has no reports yet): an empty state, not an error.
        if (error instanceof ApiError && error.status === 404) {
          setLoad({ state: 'absent' });
        } else {
          setLoad({ state: 'error', message: (error as Error).message });
        }
      });
    return () => abort.abort();
  }, [month, version]);

  return (
    <section class="panel slr" aria-labelledby="slr-heading" id="slr" tabIndex={-1}>
      <header class="panel-head">
        <h2 id="slr-heading">Service level · {monthName(month)}</h2>
        <div class="month-nav" role="group" aria-label="Month">
          <button
            type="button"
            class="icon-button"
            onClick={() => setMonth(shiftMonth(month, -1))}
            aria-label="Previous month"
          >
            ‹
          </button>
          <button
            type="button"
            class="icon-button"
            onClick={() => setMonth(shiftMonth(month, 1))}
            disabled={month >= current}
            aria-label="Next month"
          >
            ›
          </button>
        </div>
      </header>
      {load.state === 'loading' && <p class="notice">Loading…</p>}
      {load.state === 'absent' && (
        <p class="notice empty">Service-level figures are not available from this collector yet.</p>
      )}
      {load.state === 'error' && (
        <p class="notice notice-error" role="alert">
          The service level could not be loaded: {load.message}
        </p>
      )}
      {load.state === 'ok' &&
        (load.rows.length === 0 ? (
          <p class="notice empty">No calls counted in {monthName(month)}.</p>
        ) : (
          <table class="mini-table slr-table">
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col" class="num">
                  Calls
                </th>
                <th scope="col" class="num">
                  In time
                </th>
                <th scope="col">SLR</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {load.rows.map((r) => (
                <tr key={r.siteId} class={r.belowThreshold ? 'below' : ''}>
                  <th scope="row">
                    {r.siteId}
                    {r.siteName && <span class="muted small"> {r.siteName}</span>}
                  </th>
                  <td class="num">{r.calls}</td>
                  <td class="num">{r.met}</td>
                  <td>
                    <SlrMeter percent={r.percent} threshold={r.thresholdPercent} />
                  </td>
                  <td>
                    {r.calls === 0 ? (
                      <span class="muted">no calls</span>
                    ) : r.belowThreshold ? (
                      <span class="slr-below">below {r.thresholdPercent}% · term +1 month</span>
                    ) : (
                      <span class="slr-ok">meets {r.thresholdPercent}%</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function SlrMeter({ percent, threshold }: { percent: number | null; threshold: number }) {
  if (percent === null) return <span class="muted">—</span>;
  const below = percent < threshold;
  return (
    <span class={`slr-meter${below ? ' below' : ''}`}>
      <span
        class="slr-track"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label={`SLR ${percent.toFixed(1)} percent, threshold ${threshold} percent`}
      >
        <span class="slr-fill" style={{ width: `${Math.min(100, percent)}%` }} />
        <span class="slr-threshold" style={{ left: `${threshold}%` }} aria-hidden="true" />
      </span>
      <span class="slr-value">{percent.toFixed(1)}%</span>
    </span>
  );
}
