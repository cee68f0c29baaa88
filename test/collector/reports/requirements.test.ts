import { describe, expect, it } from 'vitest';
import { week11Report } from './fixture-reports.js';

describe('the product requirements matrix and its weekly review', () => {
  const report = week11Report();

  it('lists the requests logged that week and those still open at its end', () => {
    expect(report.review.map((q) => [q.ticketId, q.isNew, q.state])).toEqual([
      ['22', false, 'responded'],
      ['23', true, 'open'],
    ]);
    expect(report.counts).toEqual({ logged: 3, new: 1, open: 2, closed: 1 });
  });

  it('keeps every request logged by the week’s end in the matrix, with its notes', () => {
    expect(report.matrix.map((q) => [q.ticketId, q.loggedWeek])).toEqual([
      ['21', '2026-W08'],
      ['22', '2026-W10'],
      ['23', '2026-W11'],
    ]);
    expect(report.matrix[1]!.notes).toEqual([
      { at: '2026-03-06T15:00:00.000Z', by: 'eng-ana', text: 'Accepted for PAN Manager 6.1' },
    ]);
    expect(report.matrix[1]!.requestedBy).toBe('Marcus Oyelaran');
  });

  it('shows each request’s severity 5 response clock', () => {
    // Logged Tuesday 10 March 09:30 EDT; 36 business hours (10.5 Tuesday, 12 Wednesday, 12
    // Thursday, 1.5 Friday): due Friday 13 March 09:30 EDT, unanswered by the week's end.
    expect(report.review[1]!.response).toMatchObject({
      kind: 'response',
      dueAt: '2026-03-13T13:30:00.000Z',
      state: 'breached',
    });
    expect(report.matrix[1]!.response).toMatchObject({ state: 'met' });
  });
});
