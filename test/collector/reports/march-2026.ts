import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import { Call } from './support.js';

/**
 * A hand-computed month: March 2026 in New York (EST until Sunday 8 March, EDT after), under the
 * reports' test contract (threshold 75 %). Times in the comments are New York local.
 *
 * nj1 — 4 calls counted, 3 met, 1 missed: 75 %, exactly the threshold, no credit.
 *   1 sev 3, Mon 2 Mar 10:00 EST; response due 14:00; responded 12:00 → met. Closed 3 Mar.
 *   2 sev 1, Tue 3 Mar 22:00 EST (outside hours: on site within 4 h, due 02:00); arrived 01:30
 *     → met; diagnosed hardware 02:30, replacement from nj1-cage 04:00, fixed 05:00; never closed.
 *   3 sev 2, Wed 4 Mar 09:00 EST (business hours: on site within 4 h, due 13:00); arrived 14:00
 *     → missed by 1 h; diagnosed hardware 15:00, replacement due 19:00, dispatched 20:00 (also
 *     1 h late, but the replacement clock does not decide the SLR); closed Thu 5 Mar 10:00.
 *   4 sev 1 on a QA system, Thu 5 Mar 19:00 EST: served at severity 3 (response 4 business
 *     hours: 19:00-20:00 Thursday, 08:00-11:00 Friday, due Fri 11:00); responded 10:30 → met.
 *   5 a test call, Tue 10 Mar, never answered: not counted.
 * ny2 — 4 calls counted, 2 met, 2 missed: 50 %, below → one month's credit.
 *   6 sev 3, Tue 31 Mar 19:00 EDT: 1 business hour that day, 3 on Wednesday 1 April, due 11:00
 *     EDT 1 April; responded 09:00 EDT 1 April → met, and counted in March.
 *   7 sev 2 software, Mon 9 Mar 12:00 EDT (the day after the change): software response due
 *     13:00, on site due 16:00; responded 12:30, arrived 15:00 → met. Closed 10 March.
 *   8 sev 3, Thu 12 Mar 09:00 EDT, due 13:00; responded 14:00 → missed by 1 h.
 *   9 sev 3 software, Fri 13 Mar 10:00 EDT: response due 14:00, software response due 11:00;
 *     responded 11:30 → the software response missed by 30 min. Fixed Friday 16:00 but closed
 *     only Wednesday 18 March 10:00, so updates were owed every 4 business hours from Tuesday
 *     17 March 10:00 (24 business hours after detection): the first (due 14:00) was missed, an
 *     update at 16:00 met the second, the third (due 20:00) was missed, and the close at 10:00
 *     Wednesday ended the fourth: 2 missed, the longest gap 14 h (20:00 Tuesday to 10:00).
 * Not in March: 10 (Sat 28 Feb 23:30 EST = 04:30Z on 1 March) and 11 (Wed 1 Apr 00:30 EDT).
 */
export function march2026(): Call[] {
  return [
    new Call({ id: '1', severity: 3, detectedAt: '2026-03-02T15:00:00Z', contact: 'Priya Raman' })
      .responded('2026-03-02T17:00:00Z')
      .fixed('2026-03-02T20:00:00Z', 'Reseated the DIMM; errors stopped')
      .closed('2026-03-03T15:00:00Z'),
    new Call({
      id: '2',
      severity: 1,
      detectedAt: '2026-03-04T03:00:00Z',
      summary: 'Blade b01 stopped: machine check',
    })
      .arrived('2026-03-04T06:30:00Z')
      .diagnosed('2026-03-04T07:30:00Z', 'hardware', 'CPU0 failed')
      .replaced('2026-03-04T09:00:00Z', 'nj1-cage')
      .fixed('2026-03-04T10:00:00Z', 'Blade replaced'),
    new Call({ id: '3', severity: 2, detectedAt: '2026-03-04T14:00:00Z' })
      .arrived('2026-03-04T19:00:00Z')
      .diagnosed('2026-03-04T20:00:00Z', 'hardware')
      .replaced('2026-03-05T01:00:00Z', 'nj1-cage')
      .fixed('2026-03-05T02:00:00Z', 'Blade replaced')
      .closed('2026-03-05T15:00:00Z'),
    new Call({ id: '4', severity: 1, detectedAt: '2026-03-06T00:00:00Z', environment: 'qa' })
      .responded('2026-03-06T15:30:00Z')
      .fixed('2026-03-06T18:00:00Z')
      .closed('2026-03-09T14:00:00Z'),
    new Call({ id: '5', severity: 4, detectedAt: '2026-03-10T14:00:00Z', test: true }),
    new Call({ id: '6', severity: 3, detectedAt: '2026-03-31T23:00:00Z', site: 'ny2' })
      .responded('2026-04-01T13:00:00Z')
      .fixed('2026-04-01T18:00:00Z'),
    new Call({
      id: '7',
      severity: 2,
      detectedAt: '2026-03-09T16:00:00Z',
      site: 'ny2',
      domain: 'software',
      summary: 'Kernel panic on b01',
    })
      .responded('2026-03-09T16:30:00Z')
      .arrived('2026-03-09T19:00:00Z')
      .fixed('2026-03-09T22:00:00Z', 'Patched the driver')
      .closed('2026-03-10T14:00:00Z', 'Tomás Ferreira'),
    new Call({ id: '8', severity: 3, detectedAt: '2026-03-12T13:00:00Z', site: 'ny2' })
      .responded('2026-03-12T18:00:00Z')
      .fixed('2026-03-13T15:00:00Z'),
    new Call({
      id: '9',
      severity: 3,
      detectedAt: '2026-03-13T14:00:00Z',
      site: 'ny2',
      domain: 'software',
      summary: 'Service pan-agent failed',
    })
      .responded('2026-03-13T15:30:00Z')
      .fixed('2026-03-13T20:00:00Z', 'Restarted with the corrected configuration')
      .update('2026-03-17T20:00:00Z')
      .closed('2026-03-18T14:00:00Z', 'Tomás Ferreira'),
    new Call({ id: '10', severity: 3, detectedAt: '2026-03-01T04:30:00Z' }).responded(
      '2026-03-02T13:30:00Z',
    ),
    new Call({ id: '11', severity: 3, detectedAt: '2026-04-01T04:30:00Z', site: 'ny2' }),
  ];
}

export function march2026Logs(): AnyTicketEvent[][] {
  return march2026().map((c) => c.events);
}
