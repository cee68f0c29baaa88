import { describe, expect, it } from 'vitest';
import {
  judgeCall,
  meetsThreshold,
  siteSlr,
  type CallJudgement,
} from '../../../collector/reports/slr.js';
import { march2026Logs } from './march-2026.js';
import { Call, reportContract, slrContext } from './support.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

function judgeAll(asOf: string, contract = reportContract()): CallJudgement[] {
  const ctx = slrContext(asOf, contract);
  return march2026Logs().map((events) => judgeCall(events, ctx));
}

const byId = (js: CallJudgement[], id: string) => js.find((j) => j.ticketId === id)!;

describe('SLR of a hand-computed month (March 2026)', () => {
  const judgements = judgeAll('2026-04-06T12:00:00Z');

  it('puts each call in the month of its detection, in New York time', () => {
    expect(judgements.map((j) => `${j.ticketId}:${j.month}`)).toEqual([
      '1:2026-03',
      '2:2026-03',
      '3:2026-03',
      '4:2026-03',
      '5:2026-03',
      '6:2026-03',
      '7:2026-03',
      '8:2026-03',
      '9:2026-03',
      '10:2026-02',
      '11:2026-04',
    ]);
  });

  it('decides each call by its response clocks', () => {
    expect(judgements.slice(0, 9).map((j) => `${j.ticketId}:${j.outcome}`)).toEqual([
      '1:met',
      '2:met',
      '3:missed',
      '4:met',
      '5:missed',
      '6:met',
      '7:met',
      '8:missed',
      '9:missed',
    ]);
    expect(byId(judgements, '5').exclusion).toBe('test');
    expect(judgements.filter((j) => j.exclusion !== null).map((j) => j.ticketId)).toEqual(['5']);
  });

  it('shows the clock that missed and by how much', () => {
    const three = byId(judgements, '3');
    expect(three.missedBy).toMatchObject({
      kind: 'onsite-response',
      dueAt: '2026-03-04T18:00:00.000Z',
      metAt: '2026-03-04T19:00:00.000Z',
      marginMs: -HOUR,
    });
    // The replacement blade was late too; it is a breach, but not of a response clock.
    expect(three.breaches.map((c) => [c.kind, c.marginMs])).toEqual([
      ['onsite-response', -HOUR],
      ['replacement', -HOUR],
    ]);
    expect(byId(judgements, '8').missedBy).toMatchObject({ kind: 'response', marginMs: -HOUR });
    expect(byId(judgements, '9').missedBy).toMatchObject({
      kind: 'software-response',
      dueAt: '2026-03-13T15:00:00.000Z',
      marginMs: -30 * MINUTE,
    });
    expect(byId(judgements, '9').responseClocks.map((c) => `${c.kind}:${c.state}`)).toEqual([
      'response:met',
      'software-response:breached',
    ]);
  });

  it('serves a QA system at the severity 3 response target', () => {
    const qa = byId(judgements, '4');
    expect(qa.view.serviceSeverity).toBe(3);
    expect(qa.responseClocks).toEqual([
      expect.objectContaining({
        kind: 'response',
        calendar: 'business',
        dueAt: '2026-03-06T16:00:00.000Z',
        metAt: '2026-03-06T15:30:00.000Z',
        state: 'met',
      }),
    ]);
  });

  it('counts a call opened in March and responded in April in March', () => {
    const six = byId(judgements, '6');
    expect(six.month).toBe('2026-03');
    expect(six.responseClocks[0]).toMatchObject({
      kind: 'response',
      dueAt: '2026-04-01T15:00:00.000Z',
      metAt: '2026-04-01T13:00:00.000Z',
      state: 'met',
    });
  });

  it('gives nj1 exactly the threshold (no credit) and ny2 below it', () => {
    const sites = siteSlr(judgements, reportContract(), '2026-03', new Date('2026-04-06T12:00Z'));
    expect(sites).toEqual([
      {
        siteId: 'nj1',
        siteName: 'Weehawken primary',
        month: '2026-03',
        calls: 4,
        met: 3,
        missed: 1,
        pending: 0,
        percent: 75,
        thresholdPercent: 75,
        belowThreshold: false,
        final: true,
      },
      {
        siteId: 'ny2',
        siteName: 'Lower Manhattan secondary',
        month: '2026-03',
        calls: 4,
        met: 2,
        missed: 2,
        pending: 0,
        percent: 50,
        thresholdPercent: 75,
        belowThreshold: true,
        final: true,
      },
    ]);
  });

  it('keeps a call unresponded at month end pending until its clock decides', () => {
    const early = judgeAll('2026-04-01T12:00:00Z');
    expect(byId(early, '6').outcome).toBe('pending');
    const ny2 = siteSlr(early, reportContract(), '2026-03', new Date('2026-04-01T12:00Z'))[1]!;
    expect(ny2).toMatchObject({ calls: 4, met: 1, missed: 2, pending: 1, final: false });
  });

  it('with unrespondedAtMonthEnd: missed, counts it missed at midnight', () => {
    const strict = reportContract((c) => {
      c.slr = { thresholdPercent: 75, unrespondedAtMonthEnd: 'missed' };
    });
    const js = judgeAll('2026-04-06T12:00:00Z', strict);
    const six = byId(js, '6');
    expect(six.outcome).toBe('missed');
    expect(six.missedBy).toMatchObject({ kind: 'response', state: 'running', metAt: null });
    const ny2 = siteSlr(js, strict, '2026-03', new Date('2026-04-06T12:00Z'))[1]!;
    expect(ny2).toMatchObject({ met: 1, missed: 3, percent: 25, final: true });
    // Before the month is over, the same call is pending, not missed.
    expect(byId(judgeAll('2026-03-31T23:30:00Z', strict), '6').outcome).toBe('pending');
  });

  it('recomputes identically, and a corrected calendar recomputes the month the same way each time', () => {
    expect(judgeAll('2026-04-06T12:00:00Z')).toEqual(judgements);
    // Thursday 12 March declared closed after the fact: call 8's 4 business hours now start
    // Friday 08:00 and its 14:00 Thursday response is in time.
    const corrected = () =>
      reportContract((c) => {
        c.businessHours = { extraClosures: [{ date: '2026-03-12', name: 'Closure' }] };
      });
    const once = judgeAll('2026-04-06T12:00:00Z', corrected());
    const twice = judgeAll('2026-04-06T12:00:00Z', corrected());
    expect(twice).toEqual(once);
    expect(byId(once, '8').outcome).toBe('met');
    const ny2 = siteSlr(once, corrected(), '2026-03', new Date('2026-04-06T12:00Z'))[1]!;
    expect(ny2).toMatchObject({ met: 3, missed: 1, percent: 75, belowThreshold: false });
  });

  it('reads the log as it stood at asOf', () => {
    // On 4 March 15:00Z call 3's on-site clock runs (due 18:00Z): pending.
    const at = judgeCall(march2026Logs()[2]!, slrContext('2026-03-04T15:00:00Z'));
    expect(at.outcome).toBe('pending');
    expect(at.view.state).toBe('open');
  });
});

describe('which calls count', () => {
  const ctx = slrContext('2026-06-30T12:00:00Z');

  it('leaves out storm children (their parent is the call) and severities not in the SLR', () => {
    const child = new Call({
      id: 'c',
      severity: 2,
      detectedAt: '2026-06-01T14:00:00Z',
      parentId: 'p',
    });
    expect(judgeCall(child.events, ctx).exclusion).toBe('storm-child');
    const five = new Call({ id: 'r', severity: 5, detectedAt: '2026-06-01T14:00:00Z' });
    expect(judgeCall(five.events, ctx).exclusion).toBe(null);
    const noFives = slrContext(
      '2026-06-30T12:00:00Z',
      reportContract((c) => {
        c.slr = { thresholdPercent: 75, severities: [1, 2, 3, 4] };
      }),
    );
    expect(judgeCall(five.events, noFives).exclusion).toBe('severity');
  });

  it('decides by the clocks named in slr.responseClocks', () => {
    // Responded 2 h late to a software severity 3 call: both response clocks breached.
    const late = new Call({
      id: 's',
      severity: 3,
      detectedAt: '2026-06-01T14:00:00Z',
      domain: 'software',
    })
      .responded('2026-06-01T16:30:00Z')
      .fixed('2026-06-01T18:00:00Z')
      .closed('2026-06-01T19:00:00Z');
    expect(judgeCall(late.events, ctx).missedBy?.kind).toBe('software-response');
    const onlyResponse = slrContext(
      '2026-06-30T12:00:00Z',
      reportContract((c) => {
        c.slr = { thresholdPercent: 75, responseClocks: ['response'] };
      }),
    );
    const j = judgeCall(late.events, onlyResponse);
    expect(j.outcome).toBe('met');
    expect(j.responseClocks.map((c) => c.kind)).toEqual(['response']);
    // The software response is still shown as a breach for the monthly report.
    expect(j.breaches.map((c) => c.kind)).toEqual(['software-response']);
  });

  it('counts a severity raised by the customer by the raised targets', () => {
    // Severity 3 at 10:00, raised to 1 at 11:00 (business hours: on site within 2 h, by 13:00).
    const raised = new Call({ id: 'x', severity: 3, detectedAt: '2026-06-02T14:00:00Z' })
      .responded('2026-06-02T14:30:00Z')
      .raised('2026-06-02T15:00:00Z', 3, 1)
      .arrived('2026-06-02T17:30:00Z');
    const j = judgeCall(raised.events, ctx);
    expect(j.responseClocks.map((c) => `${c.kind}:${c.state}`)).toEqual([
      'onsite-response:breached',
      'response:met',
    ]);
    expect(j.outcome).toBe('missed');
  });
});

describe('the threshold', () => {
  it('is met exactly at the threshold, without floating-point slips', () => {
    expect(meetsThreshold(19, 20, 95)).toBe(true);
    expect(meetsThreshold(18, 20, 95)).toBe(false);
    expect(meetsThreshold(97, 100, 97)).toBe(true);
    expect(meetsThreshold(39, 40, 97.5)).toBe(true);
    expect(meetsThreshold(0, 0, 95)).toBe(true);
  });

  it('is a percentage of 19 calls met out of 20 equal to 95', () => {
    const contract = reportContract((c) => {
      c.slr = { thresholdPercent: 95 };
    });
    const ctx = slrContext('2026-06-30T12:00:00Z', contract);
    const calls = Array.from({ length: 20 }, (_, i) => {
      const day = String(1 + (i % 5)).padStart(2, '0');
      const call = new Call({ id: `t${i}`, severity: 3, detectedAt: `2026-06-${day}T14:00:00Z` });
      // All but one responded in an hour; the last 5 business hours late.
      return call.responded(i === 19 ? '2026-06-05T23:59:00Z' : `2026-06-${day}T15:00:00Z`);
    });
    const sites = siteSlr(
      calls.map((c) => judgeCall(c.events, ctx)),
      contract,
      '2026-06',
      new Date('2026-07-01T12:00Z'),
    );
    expect(sites[0]).toMatchObject({ calls: 20, met: 19, percent: 95, belowThreshold: false });
    expect(sites[1]).toMatchObject({
      siteId: 'ny2',
      calls: 0,
      percent: null,
      belowThreshold: false,
    });
  });
});
