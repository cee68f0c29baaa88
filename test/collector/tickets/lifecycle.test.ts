import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import { BladeframeError, type ErrorCode } from '../../../shared/errors.js';
import { storeTargets } from '../../support/stores.js';
import {
  admin,
  customer,
  engineer,
  observation,
  operations,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<BladeframeError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BladeframeError);
  expect((error as BladeframeError).code).toBe(code);
  return error as BladeframeError;
}

const consent = (at: string) => ({
  by: 'Dana Whitfield',
  at,
  text: 'We confirm the replacement blade works; please close the call.',
});

describe.each(storeTargets)('ticket lifecycle on $name', (target) => {
  let h: TicketHarness;
  let id: string;
  beforeEach(async () => {
    h = await ticketHarness(target);
    id = (await h.service.recordObservation(observation(h.clock))).ticketId!;
  });
  afterEach(() => h.close());

  const minute = () => h.clock.advance(60_000);
  const now = () => h.clock.now().toISOString();

  it('walks a hardware call from open to closed, every step an event with its actor', async () => {
    const seen: AnyTicketEvent[] = [];
    h.service.onEvent((e) => seen.push(e));
    minute();
    expect((await h.service.respond(id, engineer, { note: 'On it' })).state).toBe('responded');
    minute();
    expect((await h.service.arriveOnSite(id, engineer)).state).toBe('on-site');
    minute();
    const diagnosed = await h.service.diagnose(id, engineer, { domain: 'hardware', note: 'DIMM' });
    expect(diagnosed).toMatchObject({
      state: 'diagnosed',
      domain: 'hardware',
      softwareClass: null,
    });
    minute();
    const dispatched = await h.service.dispatchReplacement(id, engineer, { serial: 'SN123' });
    expect(dispatched.state).toBe('replacement-dispatched');
    minute();
    await h.service.addNote(id, customer, { text: 'Thanks, team.' });
    minute();
    const fixed = await h.service.markFixed(id, engineer, { resolution: 'Blade replaced' });
    expect(fixed).toMatchObject({ state: 'fixed', resolution: 'Blade replaced', fixedAt: now() });
    minute();
    const closed = await h.service.close(id, customer, { consent: consent(now()) });
    expect(closed).toMatchObject({ state: 'closed', closedAt: now(), consent: consent(now()) });

    const { events } = (await h.service.get(id))!;
    expect(events.map((e) => e.type)).toEqual([
      'opened',
      'responded',
      'arrived-on-site',
      'diagnosed',
      'replacement-dispatched',
      'note',
      'fixed',
      'closed',
    ]);
    expect(events.slice(1).map((e) => e.actor)).toEqual([
      engineer,
      engineer,
      engineer,
      engineer,
      customer,
      engineer,
      customer,
    ]);
    expect(seen.map((e) => e.type)).toEqual(events.slice(1).map((e) => e.type));
    const row = await h.store.db
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'closed', active_fingerprint: null, closed_at: now() });
  });

  it('records a software diagnosis with its OEM or Reproducible Error class and sends updates', async () => {
    await h.service.respond(id, engineer);
    const view = await h.service.diagnose(id, engineer, {
      domain: 'software',
      softwareClass: 'reproducible-error',
    });
    expect(view).toMatchObject({ domain: 'software', softwareClass: 'reproducible-error' });
    minute();
    const updated = await h.service.sendUpdate(id, engineer, { note: 'Vendor patch requested' });
    expect(updated.updateTimes).toEqual([now()]);
    // A diagnosis may be revised until a replacement is sent.
    const revised = await h.service.diagnose(id, engineer, {
      domain: 'software',
      softwareClass: 'oem-error',
    });
    expect(revised.softwareClass).toBe('oem-error');
  });

  it('refuses a replacement blade for a software diagnosis', async () => {
    await h.service.respond(id, engineer);
    await h.service.diagnose(id, engineer, { domain: 'software', softwareClass: 'oem-error' });
    const error = await refused(
      h.service.dispatchReplacement(id, engineer),
      'BF_REPLACEMENT_SOFTWARE',
    );
    expect(error.statusCode).toBe(409);
  });

  it('refuses incomplete diagnoses', async () => {
    await h.service.respond(id, engineer);
    await refused(
      Promise.resolve().then(() => h.service.diagnose(id, engineer, { domain: 'software' })),
      'BF_DIAGNOSIS_INVALID',
    );
    await refused(
      Promise.resolve().then(() =>
        h.service.diagnose(id, engineer, { domain: 'hardware', softwareClass: 'oem-error' }),
      ),
      'BF_DIAGNOSIS_INVALID',
    );
    await refused(
      Promise.resolve().then(() =>
        h.service.diagnose(id, engineer, { domain: 'firmware' as never }),
      ),
      'BF_DIAGNOSIS_INVALID',
    );
  });

  it('refuses every step out of order with a coded error naming the state', async () => {
    // From open: nothing but respond, arrive on site, notes, updates and raises.
    const fromOpen = [
      () => h.service.diagnose(id, engineer, { domain: 'hardware' }),
      () => h.service.dispatchReplacement(id, engineer),
      () => h.service.markFixed(id, engineer, { resolution: 'x' }),
      () => h.service.close(id, customer, { consent: consent(now()) }),
    ];
    for (const step of fromOpen) {
      const error = await refused(step(), 'BF_TICKET_TRANSITION');
      expect(error.statusCode).toBe(409);
      expect(error.details[0]).toMatch(/^state: open; /);
    }
    await h.service.respond(id, engineer);
    await refused(h.service.respond(id, engineer), 'BF_TICKET_TRANSITION');
    await refused(h.service.dispatchReplacement(id, engineer), 'BF_TICKET_TRANSITION');
    await h.service.arriveOnSite(id, engineer);
    await refused(h.service.arriveOnSite(id, engineer), 'BF_TICKET_TRANSITION');
    await h.service.diagnose(id, engineer, { domain: 'hardware' });
    await h.service.dispatchReplacement(id, engineer);
    await refused(h.service.dispatchReplacement(id, engineer), 'BF_TICKET_TRANSITION');
    await refused(h.service.diagnose(id, engineer, { domain: 'hardware' }), 'BF_TICKET_TRANSITION');
    await h.service.markFixed(id, engineer, { resolution: 'replaced' });
    await refused(
      h.service.markFixed(id, engineer, { resolution: 'again' }),
      'BF_TICKET_TRANSITION',
    );
    await refused(h.service.respond(id, engineer), 'BF_TICKET_TRANSITION');
    await h.service.close(id, customer, { consent: consent(now()) });

    for (const step of [
      () => h.service.respond(id, engineer),
      () => h.service.arriveOnSite(id, engineer),
      () => h.service.sendUpdate(id, engineer, { note: 'x' }),
      () => h.service.markFixed(id, engineer, { resolution: 'x' }),
      () => h.service.close(id, customer, { consent: consent(now()) }),
      () => h.service.raiseSeverity(id, customer, { to: 1 }),
    ]) {
      await refused(step(), 'BF_TICKET_CLOSED');
    }
    // Notes are still taken on a closed call.
    expect((await h.service.addNote(id, engineer, { text: 'post-mortem filed' })).state).toBe(
      'closed',
    );
  });

  it("closes only with the customer's written consent: who, when and the text", async () => {
    await h.service.respond(id, engineer);
    await h.service.markFixed(id, engineer, { resolution: 'Reseated' });
    const openedAt = (await h.service.get(id))!.view.openedAt;
    const cases: [unknown, RegExp][] = [
      [undefined, /^consent: /],
      [null, /^consent: /],
      [{ at: now(), text: 'ok' }, /^consent\.by: /],
      [{ by: 'Dana', at: now(), text: '   ' }, /^consent\.text: /],
      [{ by: 'Dana', text: 'ok' }, /^consent\.at: /],
      [{ by: 'Dana', at: 'last week', text: 'ok' }, /^consent\.at: /],
      [
        { by: 'Dana', at: new Date(Date.parse(openedAt) - 1000).toISOString(), text: 'ok' },
        /^consent\.at: must lie between/,
      ],
      [
        { by: 'Dana', at: new Date(h.clock.now().getTime() + 60_000).toISOString(), text: 'ok' },
        /^consent\.at: must lie between/,
      ],
    ];
    for (const [given, detail] of cases) {
      const error = await refused(
        h.service.close(id, customer, { consent: given as never }),
        'BF_CONSENT_REQUIRED',
      );
      expect(error.statusCode).toBe(422);
      expect(error.details.join('\n')).toMatch(detail);
    }
    expect((await h.service.get(id))!.view.state).toBe('fixed');
    // An engineer may record the customer's consent received in writing.
    const closed = await h.service.close(id, engineer, {
      consent: { by: ' Dana Whitfield ', at: openedAt, text: ' Close it. ' },
    });
    expect(closed.consent).toEqual({ by: 'Dana Whitfield', at: openedAt, text: 'Close it.' });
  });

  it('lets the customer raise the severity, upwards only', async () => {
    const raised = await h.service.raiseSeverity(id, customer, { to: 1, reason: 'trading halted' });
    expect(raised.severity).toBe(1);
    expect(raised.severityChanges).toEqual([
      { at: now(), from: 2, to: 1, reason: 'trading halted' },
    ]);
    for (const to of [1, 2, 5]) {
      const error = await refused(
        h.service.raiseSeverity(id, customer, { to }),
        'BF_SEVERITY_NOT_RAISED',
      );
      expect(error.statusCode).toBe(422);
    }
    await refused(h.service.raiseSeverity(id, customer, { to: 0 }), 'BF_BAD_REQUEST');
    await refused(h.service.raiseSeverity(id, customer, { to: 1.5 }), 'BF_BAD_REQUEST');
    const row = await h.store.db
      .selectFrom('tickets')
      .select('severity')
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow();
    expect(Number(row.severity)).toBe(1);
  });

  it('enforces who may do what', async () => {
    for (const step of [
      () => h.service.respond(id, operations),
      () => h.service.respond(id, customer),
      () => h.service.respond(id, admin),
      () => h.service.raiseSeverity(id, engineer, { to: 1 }),
      () => h.service.addNote(id, operations, { text: 'x' }),
      () => h.service.close(id, operations, { consent: consent(now()) }),
      () => h.service.openByCustomer(operations, { siteId: 'nj1', severity: 3, summary: 'x' }),
    ]) {
      const error = await refused(Promise.resolve().then(step), 'BF_FORBIDDEN');
      expect(error.statusCode).toBe(403);
    }
  });

  it('answers an unknown ticket with not found', async () => {
    await refused(h.service.respond('999999', engineer), 'BF_NOT_FOUND');
    await refused(h.service.respond('abc', engineer), 'BF_NOT_FOUND');
    expect(await h.service.get('abc')).toBeNull();
  });

  it('requires the text of notes, updates and resolutions', async () => {
    await h.service.respond(id, engineer);
    for (const step of [
      () => h.service.addNote(id, engineer, { text: ' ' }),
      () => h.service.sendUpdate(id, engineer, { note: '' }),
      () => h.service.markFixed(id, engineer, { resolution: undefined as never }),
    ]) {
      await refused(Promise.resolve().then(step), 'BF_BAD_REQUEST');
    }
  });

  it("checks a dispatch against the site's spare sets when the contract names them", async () => {
    await h.service.respond(id, engineer);
    await h.service.diagnose(id, engineer, { domain: 'hardware' });
    // The example contract names no spare sets for nj1: any id is refused, none is fine.
    await refused(
      h.service.dispatchReplacement(id, engineer, { spareSetId: 'nj1-a' }),
      'BF_BAD_REQUEST',
    );
    expect((await h.service.dispatchReplacement(id, engineer, {})).state).toBe(
      'replacement-dispatched',
    );
  });
});

describe.each(storeTargets)('calls placed by hand on $name', (target) => {
  let h: TicketHarness;
  beforeEach(async () => {
    h = await ticketHarness(target);
  });
  afterEach(() => h.close());

  it('opens a customer call at the severity the customer determined, clocks from now', async () => {
    const view = await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      frameId: 'f1',
      bladeId: 'b03',
      severity: 1,
      summary: 'Order entry down on b03',
      contact: 'Dana Whitfield +1 212 555 0140',
    });
    expect(view).toMatchObject({
      state: 'open',
      severity: 1,
      opened: {
        source: 'customer',
        signal: 'customer.report',
        detectedAt: h.clock.now().toISOString(),
        contact: 'Dana Whitfield +1 212 555 0140',
      },
      classification: { ruleId: 'customer-report', severity: 1 },
    });
    expect(view.classification.because).toContain(
      'severity 1 as reasonably determined by the customer (cust-dana)',
    );
    // Two calls about the same blade are two calls.
    const again = await h.service.openByCustomer(engineer, {
      siteId: 'nj1',
      bladeId: 'b03',
      severity: 3,
      summary: 'Second report',
    });
    expect(again.id).not.toBe(view.id);
    expect(again.opened.contact).toBe('eng-ana');
  });

  it('takes severity 5 as a feature request', async () => {
    const view = await h.service.openByCustomer(customer, {
      siteId: 'ny2',
      severity: 5,
      summary: 'Export the monthly report as PDF',
    });
    expect(view).toMatchObject({
      severity: 5,
      opened: { signal: 'feature.request' },
      classification: { ruleId: 'feature-request' },
    });
  });

  it('refuses a bad severity, an empty summary and an unknown site', async () => {
    for (const input of [
      { siteId: 'nj1', severity: 0, summary: 'x' },
      { siteId: 'nj1', severity: 6, summary: 'x' },
      { siteId: 'nj1', severity: 2, summary: '  ' },
      { siteId: 'mars', severity: 2, summary: 'x' },
    ]) {
      await refused(h.service.openByCustomer(customer, input), 'BF_BAD_REQUEST');
    }
  });

  it('serves a QA system at severity 3 response time', async () => {
    const qa = await h.service.recordObservation(
      observation(h.clock, { environment: 'qa', signal: 'pcie.aer.fatal' }),
    );
    const view = (await h.service.get(qa.ticketId!))!.view;
    expect(view).toMatchObject({ severity: 2, serviceSeverity: 3 });
    const row = await h.store.db
      .selectFrom('tickets')
      .select(['severity', 'service_severity', 'environment'])
      .where('id', '=', Number(qa.ticketId))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ environment: 'qa' });
    expect(Number(row.service_severity)).toBe(3);
  });
});
