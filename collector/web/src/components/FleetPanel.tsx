import { useMemo, useRef, useState } from 'preact/hooks';
import { SEVERITY_LABELS, STATE_LABELS } from '../lib/clocks.js';
import {
  buildFleet,
  fleetCounts,
  type BladeCell,
  type FrameRow,
  type SiteBlock,
} from '../lib/fleet.js';
import { formatAgo, formatFull } from '../lib/format.js';
import { ticketHref } from '../lib/router.js';
import type { BladeView, ListedTicket, SiteView } from '../lib/types.js';
import { SeverityBadge } from './bits.js';

const STATE_WORDS: Record<BladeView['state'], string> = {
  online: 'online',
  offline: 'offline (said goodbye or lost its link)',
  silent: 'silent (heartbeats missed)',
  stopped: 'stopped (agent shut down cleanly)',
};

/** The glyph inside a cell, so state and fault read without colour too. */
function glyph(cell: BladeCell): string {
  if (!cell.blade) return '';
  if (cell.blade.state === 'offline') return '×';
  if (cell.blade.state === 'silent') return '?';
  if (cell.blade.state === 'stopped') return '–';
  return cell.worst !== null ? String(cell.worst) : '';
}

function cellLabel(frame: FrameRow, cell: BladeCell): string {
  if (!cell.blade) return `${frame.frameId} slot ${cell.slot}: empty`;
  const b = cell.blade;
  const fault =
    cell.worst !== null
      ? `, worst open fault severity ${cell.worst}, ${cell.tickets.length} open ticket${cell.tickets.length === 1 ? '' : 's'}`
      : cell.tickets.length > 0
        ? `, ${cell.tickets.length} open ticket${cell.tickets.length === 1 ? '' : 's'}`
        : ', no open fault';
  return `Blade ${b.bladeId} in ${frame.frameId} slot ${cell.slot}: ${b.state}${fault}`;
}

interface Focus {
  row: number;
  col: number;
}

export function FleetPanel({
  sites,
  blades,
  tickets,
  now,
  onChooseBlade,
}: {
  sites: SiteView[];
  blades: Map<string, BladeView>;
  tickets: Map<string, ListedTicket>;
  now: number;
  onChooseBlade(blade: BladeView, tickets: ListedTicket[]): void;
}) {
  const blocks = useMemo(
    () => buildFleet(sites, blades.values(), tickets.values()),
    [sites, blades, tickets],
  );
  const rows = useMemo(() => blocks.flatMap((s) => s.frames), [blocks]);
  const counts = fleetCounts(blocks);
  const [active, setActive] = useState<Focus>({ row: 0, col: 0 });
  const [shown, setShown] = useState<{
    row: number;
    col: number;
    rect: DOMRect;
    pinned: boolean;
  } | null>(null);
  const body = useRef<HTMLDivElement>(null);

  const cellAt = (f: Focus) => rows[f.row]?.cells[f.col];
  const element = (f: Focus) =>
    body.current?.querySelector<HTMLElement>(`[data-row="${f.row}"][data-col="${f.col}"]`) ?? null;

  const show = (f: Focus, pinned: boolean) => {
    const el = element(f);
    if (el) setShown({ ...f, rect: el.getBoundingClientRect(), pinned });
  };

  const move = (f: Focus) => {
    const row = Math.min(rows.length - 1, Math.max(0, f.row));
    const col = Math.min((rows[row]?.cells.length ?? 1) - 1, Math.max(0, f.col));
    setActive({ row, col });
    element({ row, col })?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const f = active;
    const moves: Record<string, Focus> = {
      ArrowRight: { row: f.row, col: f.col + 1 },
      ArrowLeft: { row: f.row, col: f.col - 1 },
      ArrowDown: { row: f.row + 1, col: f.col },
      ArrowUp: { row: f.row - 1, col: f.col },
      Home: { row: f.row, col: 0 },
      End: { row: f.row, col: Number.MAX_SAFE_INTEGER },
      PageUp: { row: 0, col: f.col },
      PageDown: { row: rows.length - 1, col: f.col },
    };
    const to = moves[event.key];
    if (to) {
      event.preventDefault();
      move(to);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const cell = cellAt(f);
      if (cell?.blade) onChooseBlade(cell.blade, cell.tickets);
    } else if (event.key === 'Escape' && shown) {
      event.stopPropagation();
      setShown(null);
    }
  };

  const shownCell = shown ? cellAt(shown) : undefined;
  const shownFrame = shown ? rows[shown.row] : undefined;
  const panelRect = body.current?.getBoundingClientRect();

  let rowIndex = 0;
  return (
    <section class="panel fleet" aria-labelledby="fleet-heading" id="fleet">
      <header class="panel-head">
        <h2 id="fleet-heading">Fleet</h2>
        <p class="counts">
          <span>{counts.blades} blades</span>
          <span>{counts.online} online</span>
          {counts.down > 0 && <span class="count-breached">{counts.down} down</span>}
          {counts.stopped > 0 && <span class="muted">{counts.stopped} stopped</span>}
          {counts.faulty > 0 && <span class="count-warning">{counts.faulty} with faults</span>}
        </p>
      </header>
      <div
        class="fleet-body"
        ref={body}
        onKeyDown={onKeyDown}
        onMouseLeave={() => shown && !shown.pinned && setShown(null)}
      >
        {blocks.length === 0 && <p class="notice empty">No blade has called in yet.</p>}
        {blocks.map((site: SiteBlock) => (
          <div class="site" key={site.siteId}>
            <h3 class="site-name">
              {site.siteId}
              {site.name && <span class="muted"> · {site.name}</span>}
              {site.siteTickets.length > 0 && (
                <span class="site-tickets">
                  {site.siteTickets.map((t) => (
                    <a
                      key={t.id}
                      href={ticketHref(t.id)}
                      class={`mini-sev sev-${t.severity}`}
                      title={t.summary}
                    >
                      #{t.id}
                    </a>
                  ))}
                </span>
              )}
            </h3>
            {site.frames.length > 0 && (
              <div
                role="grid"
                class="frame-grid"
                aria-label={`Site ${site.siteId}: frames by blade slot`}
              >
                {site.frames.map((frame) => {
                  const r = rowIndex++;
                  return (
                    <div
                      role="row"
                      class={`frame-row${frame.silent ? ' frame-silent' : ''}`}
                      key={frame.frameId}
                    >
                      <div
                        role="rowheader"
                        class="frame-label"
                        title={frame.silent ? 'frame silent' : undefined}
                      >
                        {frame.frameId}
                        {frame.frameTickets.length > 0 && (
                          <a
                            href={ticketHref(frame.frameTickets[0]!.id)}
                            class={`mini-sev sev-${frame.worst ?? 5}`}
                            title={frame.frameTickets
                              .map((t) => `#${t.id} ${t.summary}`)
                              .join('\n')}
                            tabIndex={-1}
                          >
                            {frame.worst ?? '•'}
                          </a>
                        )}
                      </div>
                      {frame.cells.map((cell, c) => {
                        const isActive = active.row === r && active.col === c;
                        const state = cell.blade?.state ?? 'empty';
                        return (
                          <div
                            role="gridcell"
                            key={cell.slot}
                            data-row={r}
                            data-col={c}
                            data-blade={cell.blade?.bladeId}
                            data-state={state}
                            data-severity={cell.worst ?? undefined}
                            class={`blade blade-${state}${cell.worst !== null ? ` worst-${cell.worst}` : ''}`}
                            tabIndex={isActive ? 0 : -1}
                            aria-label={cellLabel(frame, cell)}
                            aria-describedby={
                              shown && shown.row === r && shown.col === c ? 'blade-card' : undefined
                            }
                            onFocus={() => {
                              setActive({ row: r, col: c });
                              show({ row: r, col: c }, true);
                            }}
                            onBlur={() =>
                              setShown((s) => (s && s.row === r && s.col === c ? null : s))
                            }
                            onMouseEnter={() => show({ row: r, col: c }, false)}
                            onClick={() => {
                              setActive({ row: r, col: c });
                              if (cell.blade) onChooseBlade(cell.blade, cell.tickets);
                            }}
                          >
                            <span aria-hidden="true">{glyph(cell)}</span>
                          </div>
                        );
                      })}
                    </div>
                  );
                })}
              </div>
            )}
          </div>
        ))}
        <Legend />
        {shown && shownCell && shownFrame && panelRect && (
          <BladeCard
            cell={shownCell}
            frame={shownFrame}
            now={now}
            style={{
              left: `${Math.max(0, Math.min(shown.rect.left - panelRect.left + (body.current?.scrollLeft ?? 0) - 8, panelRect.width - 330))}px`,
              top: `${shown.rect.bottom - panelRect.top + (body.current?.scrollTop ?? 0) + 6}px`,
            }}
          />
        )}
      </div>
    </section>
  );
}

function BladeCard({
  cell,
  frame,
  now,
  style,
}: {
  cell: BladeCell;
  frame: FrameRow;
  now: number;
  style: Record<string, string>;
}) {
  const b = cell.blade;
  return (
    <div class="blade-card" id="blade-card" role="tooltip" style={style}>
      {!b ? (
        <p>
          <strong>
            {frame.siteId} / {frame.frameId} slot {cell.slot}
          </strong>
          <br />
          <span class="muted">Empty: no blade has called in from this slot.</span>
        </p>
      ) : (
        <>
          <p class="card-title">
            <strong>{b.bladeId}</strong> <span class="muted">{b.hostname ?? ''}</span>
          </p>
          <p class="card-line">
            <span class={`dot dot-${b.state}`} aria-hidden="true" /> {STATE_WORDS[b.state]} since{' '}
            <span title={formatFull(b.stateSince)}>{formatAgo(b.stateSince, now)}</span>
          </p>
          <p class="card-line muted">
            {[
              b.bladeType,
              b.environment === 'qa' ? 'QA' : null,
              b.agentVersion ? `agent ${b.agentVersion}` : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
          <p class="card-line muted">last heard {formatAgo(b.lastSeenAt, now)}</p>
          {cell.tickets.length === 0 ? (
            <p class="card-line">No open ticket.</p>
          ) : (
            <ul class="card-tickets">
              {cell.tickets.map((t) => (
                <li key={t.id}>
                  <SeverityBadge severity={t.severity} compact /> #{t.id} {t.summary}{' '}
                  <span class="muted">({STATE_LABELS[t.state]})</span>
                </li>
              ))}
            </ul>
          )}
          <p class="card-hint muted">Enter or click: show its tickets</p>
        </>
      )}
    </div>
  );
}

function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      <li>
        <span class="blade blade-online" aria-hidden="true" /> healthy
      </li>
      {([1, 2, 3, 4] as const).map((s) => (
        <li key={s} title={SEVERITY_LABELS[s]}>
          <span class={`blade blade-online worst-${s}`} aria-hidden="true">
            {s}
          </span>{' '}
          S{s}
        </li>
      ))}
      <li>
        <span class="blade blade-silent" aria-hidden="true">
          ?
        </span>{' '}
        silent
      </li>
      <li>
        <span class="blade blade-offline" aria-hidden="true">
          ×
        </span>{' '}
        offline
      </li>
      <li>
        <span class="blade blade-stopped" aria-hidden="true">
          –
        </span>{' '}
        stopped
      </li>
      <li>
        <span class="blade blade-empty" aria-hidden="true" /> empty slot
      </li>
    </ul>
  );
}
