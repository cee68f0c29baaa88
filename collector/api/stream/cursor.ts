/**
 * A stream position: the last ticket event id and the last activity id a client has seen.
 * Written `<ticketEventId>-<activityId>` (e.g. `1842-77`); clients keep it as an opaque string.
 * Positions only grow, component by component, along the stream.
 */
export interface Cursor {
  ticketEvent: number;
  activity: number;
}

const CURSOR = /^(\d{1,15})-(\d{1,15})$/;

export function formatCursor(cursor: Cursor): string {
  return `${cursor.ticketEvent}-${cursor.activity}`;
}

/** Parses a cursor; undefined when the text is not one. */
export function parseCursor(text: string): Cursor | undefined {
  const match = CURSOR.exec(text);
  if (!match) return undefined;
  return { ticketEvent: Number(match[1]), activity: Number(match[2]) };
}

/** Whether `a` is at or past `b` in both components. */
export function reached(a: Cursor, b: Cursor): boolean {
  return a.ticketEvent >= b.ticketEvent && a.activity >= b.activity;
}

/** The component-wise smaller of two cursors (a cursor from the future means the head). */
export function earliest(a: Cursor, b: Cursor): Cursor {
  return {
    ticketEvent: Math.min(a.ticketEvent, b.ticketEvent),
    activity: Math.min(a.activity, b.activity),
  };
}
