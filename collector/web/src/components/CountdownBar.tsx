import { clockLevel, clockName, clockSpoken, clockText, elapsedFraction } from '../lib/clocks.js';
import { formatFull, formatWhen } from '../lib/format.js';
import type { ClockStatus } from '../lib/types.js';

/**
 * One contract clock as a bar that fills as its time goes: neutral until the warning
 * (`warnAt`), amber until the breach (`dueAt`), red after; a met clock rests, muted.
 */
export function CountdownBar({
  clock,
  now,
  showName = true,
  others = 0,
}: {
  clock: ClockStatus;
  now: number;
  showName?: boolean;
  /** How many more clocks of the ticket run (the list shows the nearest only). */
  others?: number;
}) {
  const level = clockLevel(clock, now);
  const fraction = level === 'breached' ? 1 : elapsedFraction(clock, now);
  const spoken = clockSpoken(clock, now);
  const tip = `${clockName(clock)} (${clock.calendar === 'business' ? 'business hours' : '24x7'}): started ${formatFull(clock.startedAt)}, warning ${formatFull(clock.warnAt)}, due ${formatFull(clock.dueAt)}${clock.metAt ? `, met ${formatFull(clock.metAt)}` : ''}`;
  return (
    <div class={`countdown level-${level}`} data-level={level} data-clock={clock.kind} title={tip}>
      {showName && (
        <span class="countdown-name">
          {clockName(clock)}
          {clock.calendar === 'business' && (
            <abbr title="counts business hours only" class="cal">
              BH
            </abbr>
          )}
          {others > 0 && (
            <span
              class="more-clocks"
              title={`${others} more clock${others === 1 ? '' : 's'} running`}
            >
              +{others}
            </span>
          )}
        </span>
      )}
      <span
        class="countdown-track"
        role="progressbar"
        aria-label={spoken}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={spoken}
      >
        <span class="countdown-fill" style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
        <span
          class="countdown-warn"
          style={{ left: `${warnPosition(clock)}%` }}
          aria-hidden="true"
        />
      </span>
      <span class="countdown-text" aria-hidden="true">
        {clockText(clock, now)}
      </span>
      <span class="countdown-due" aria-hidden="true">
        {level === 'met' || level === 'met-late'
          ? formatWhen(clock.metAt, now)
          : `due ${formatWhen(clock.dueAt, now)}`}
      </span>
    </div>
  );
}

function warnPosition(clock: ClockStatus): number {
  const start = Date.parse(clock.startedAt);
  const span = Date.parse(clock.dueAt) - start;
  if (!(span > 0)) return 100;
  return Math.min(100, Math.max(0, ((Date.parse(clock.warnAt) - start) / span) * 100));
}
