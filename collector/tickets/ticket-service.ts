import type { Kysely } from 'kysely';
import type { Contract } from '../../shared/config/contract.js';
import type { Clock } from '../../shared/clock.js';
import { BladeframeError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Environment } from '../../shared/messages/birth.js';
import type { Component, Evidence } from '../../shared/messages/event.js';
import type { Signal } from '../../shared/signals.js';
import { classify } from '../classify/classify.js';
import { loadRules } from '../classify/load-rules.js';
import type { Observation } from '../classify/observation.js';
import type { ClassificationRule } from '../classify/rule-schema.js';
import { foldTicket, type TicketView } from '../domain/fold.js';
import type {
  AnyTicketEvent,
  Classification,
  ClockStatus,
  OpenedData,
  Severity,
  SoftwareErrorClass,
} from '../domain/ticket-events.js';
import { BusinessCalendar } from '../sla/calendar.js';
import {
  computeClocks,
  computeEscalations,
  detectionTime,
  type ClockContext,
  type EscalationStatus,
} from '../sla/clocks.js';
import type { Database } from '../store/schema.js';
import { afterCommit } from '../store/after-commit.js';
import { isoAt, isoOf } from '../../shared/iso-time.js';
import { faultFingerprint } from './fingerprint.js';
import { listTickets, type TicketFilter, type TicketSummary } from './ticket-queries.js';
import { ticketSettings, type TicketSettings, type TicketSettingsInput } from './settings.js';
import {
  attachToParent,
  detectStorm,
  frameSituation,
  lockFrame,
  stormEligible,
  type FrameTicket,
  type StormContext,
} from './storm.js';
import {
  appendEvents,
  appendOccurrence,
  findActiveTicket,
  getTicketRow,
  inTransaction,
  openTicket,
  ticketIdOf,
  loadEvents,
  loadEventsOf,
  SYSTEM_ACTOR,
  type Db,
  type NewEvent,
} from './ticket-store.js';
import { authorize, checkTransition, type Action, type UserActor } from './transitions.js';

export interface ObservationInput {
  source: 'call-home' | 'fleet';
  signal: Signal;
  status: 'active' | 'cleared';
  component: Component;
  evidence: Evidence;
  summary: string;
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
  environment: Environment;
  observedAt: string;
  receivedAt: string;
}

export interface TicketServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  contract: Contract;
  logger?: Logger;
  /** Classification rules; default: the shipped `collector/classify/rules.yaml`. */
  rules?: ClassificationRule[];
  settings?: TicketSettingsInput;
}

/** A call placed by hand (telephone, web): severity 1-5, 5 being a feature request. */
export interface CustomerCallInput {
  siteId: string;
  frameId?: string | null;
  bladeId?: string | null;
  severity: number;
  summary: string;
  /** Who to call back, for the monthly report. */
  contact?: string | null;
  environment?: Environment;
}

export interface TicketDetail {
  ticket: TicketView;
  clocks: ClockStatus[];
  escalations: EscalationStatus[];
  /** For a storm's child: the parent whose clocks serve it. */
  clocksCarriedBy: string | null;
  events: AnyTicketEvent[];
  classification: Classification & { rule: ClassificationRule | null };
}

export interface ConsentInput {
  by: string;
  at: string;
  text: string;
}

const MAX_TEXT = 4000;
const TEST_CALL_CLOSING = 'Test call: not a service call; closed on receipt, no consent needed.';
let shippedRules: ClassificationRule[] | undefined;

/**
 * Tickets: opens one per fault, folds repeats into occurrences and storms into a parent, and
 * records every lifecycle step as an event with its actor. The state is always derived from the
 * event log (`foldTicket`); illegal steps are refused with coded errors.
 */
export class TicketService {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** The contract in force; `replaceContract` swaps it while running. */
  contract: Contract;
  private readonly logger: Logger;
  private readonly rules: ClassificationRule[];
  private readonly settings: TicketSettings;
  private readonly listeners = new Set<(event: AnyTicketEvent) => void>();
  private calendar: BusinessCalendar | undefined;

  constructor(deps: TicketServiceDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.contract = deps.contract;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'tickets' });
    this.rules = deps.rules ?? (shippedRules ??= loadRules());
    this.settings = ticketSettings(deps.settings);
  }

  /** Every appended event, once its transaction (or the caller's, see `afterCommit`) has committed. */
  onEvent(listener: (event: AnyTicketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Classifies an observation with this service's rules (also for the API's explanations). */
  classify(observation: Observation) {
    return classify(observation, this.rules);
  }

  /**
   * Opens a ticket or appends an occurrence/cleared event. `db` may be a transaction so ingest
   * can batch; the service then joins it.
   */
  async recordObservation(
    input: ObservationInput,
    db: Kysely<Database> = this.db,
  ): Promise<{ ticketId: string | null; created: boolean }> {
    const now = this.now();
    const receivedAt = isoOr(input.receivedAt, now);
    const observedAt = isoOr(input.observedAt, receivedAt);
    const fingerprint = faultFingerprint(input);
    const test = input.signal === 'test.call';
    const emitted: AnyTicketEvent[] = [];

    const result = await inTransaction(db, async (tx) => {
      if (input.status === 'cleared') {
        const row = test ? undefined : await findActiveTicket(tx, fingerprint);
        if (!row) return { ticketId: null, created: false };
        if (row.cleared_at === null) {
          emitted.push(
            ...(await appendEvents(tx, row, [
              { type: 'cleared', data: { observedAt }, actor: SYSTEM_ACTOR, at: now },
            ])),
          );
        }
        return { ticketId: String(row.id), created: false };
      }

      const occurrence: Extract<NewEvent, { type: 'occurrence' }> = {
        type: 'occurrence',
        data: { observedAt, receivedAt, evidence: input.evidence, summary: input.summary },
        actor: SYSTEM_ACTOR,
        at: now,
      };
      if (!test) {
        const appended = await appendOccurrence(tx, fingerprint, occurrence);
        if (appended) {
          emitted.push(appended);
          return { ticketId: appended.ticketId, created: false };
        }
      }

      const opened = this.openedData(input, { observedAt, receivedAt, test });
      const storm = stormEligible(opened) ? this.stormContext(tx, now) : null;
      let siblings: FrameTicket[] = [];
      if (storm) {
        await lockFrame(tx, opened.siteId, opened.frameId!);
        const frame = await frameSituation(storm, opened);
        if (frame.parent) opened.parentId = String(frame.parent.id);
        siblings = frame.siblings;
      }
      const created = await openTicket(tx, opened, {
        at: now,
        actor: SYSTEM_ACTOR,
        fingerprint,
        activeFingerprint: test ? null : fingerprint,
      });
      if (!created) {
        // Another collector opened the same fault a moment ago: this is a repeat of it.
        const appended = await appendOccurrence(tx, fingerprint, occurrence);
        if (!appended) throw new Error(`fingerprint ${fingerprint} conflicted but holds no ticket`);
        emitted.push(appended);
        return { ticketId: appended.ticketId, created: false };
      }
      const id = ticketIdOf(created.row);
      emitted.push(created.event);
      if (test) {
        emitted.push(
          ...(await appendEvents(tx, created.row, [
            {
              type: 'acknowledged',
              data: { note: 'Test call received end to end; acknowledged automatically.' },
              actor: SYSTEM_ACTOR,
              at: now,
            },
            // A test call is not a service call: there is nothing to fix and nothing for the
            // customer to consent to, so it closes on receipt instead of waiting forever.
            {
              type: 'closed',
              data: { consent: { by: SYSTEM_ACTOR.id, at: now, text: TEST_CALL_CLOSING } },
              actor: SYSTEM_ACTOR,
              at: now,
            },
          ])),
        );
      }
      if (storm && opened.parentId !== null) {
        emitted.push(
          ...(await attachToParent(storm, opened.parentId, {
            id,
            severity: opened.classification.severity,
            alreadyInOpened: true,
          })),
        );
      } else if (storm) {
        emitted.push(...(await detectStorm(storm, { row: created.row, opened }, siblings)));
      }
      this.logger.info(
        { ticketId: id, signal: input.signal, rule: opened.classification.ruleId },
        'ticket opened',
      );
      return { ticketId: id, created: true };
    });
    // Inside ingest's batch, listeners hear of the events only once the batch has committed.
    afterCommit(db, () => this.publish(emitted));
    return result;
  }

  /** A call placed by hand: severity as reasonably determined by the customer. */
  async openByCustomer(actor: UserActor, input: CustomerCallInput): Promise<TicketView> {
    authorize(actor, 'open-call');
    const severity = input.severity;
    if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
      throw new BladeframeError('BF_BAD_REQUEST', 'severity must be 1-5', [
        `severity: ${String(severity)} is not 1, 2, 3, 4 or 5`,
      ]);
    }
    const summary = requireText(input.summary, 'summary');
    if (!this.contract.sites.some((site) => site.id === input.siteId)) {
      throw new BladeframeError('BF_BAD_REQUEST', `unknown site ${input.siteId}`, [
        `siteId: not a site of the contract (${this.contract.sites.map((s) => s.id).join(', ')})`,
      ]);
    }
    const now = this.now();
    const signal: Signal = severity === 5 ? 'feature.request' : 'customer.report';
    const observation: Observation = {
      signal,
      component: input.bladeId
        ? { kind: 'blade', id: input.bladeId, location: null }
        : input.frameId
          ? { kind: 'frame', id: input.frameId, location: null }
          : { kind: 'frame', id: 'site', location: null },
      evidence: {},
      summary,
      siteId: input.siteId,
      frameId: input.frameId ?? null,
      bladeId: input.bladeId ?? null,
      environment: input.environment ?? 'production',
    };
    const classification = this.classify(observation);
    classification.severity = severity as Severity;
    classification.because = [
      ...(classification.because ?? []),
      `severity ${severity} as reasonably determined by the customer (${actor.id})`,
    ];
    const opened: OpenedData = {
      ...observation,
      source: 'customer',
      signal,
      // The customer's report starts the clocks.
      detectedAt: now,
      observedAt: now,
      receivedAt: now,
      classification,
      test: false,
      parentId: null,
      contact: input.contact?.trim() || actor.id,
    };
    const fingerprint = `${faultFingerprint(observation)}|call:${now}`;
    const { view, events } = await inTransaction(this.db, async (tx) => {
      const created = (await openTicket(tx, opened, {
        at: now,
        actor,
        fingerprint,
        activeFingerprint: null,
      }))!;
      return { view: foldTicket([created.event]), events: [created.event] };
    });
    this.publish(events);
    return view;
  }

  respond(id: string, actor: UserActor, input: { note?: string } = {}): Promise<TicketView> {
    return this.act(id, actor, 'respond', () => [
      { type: 'responded', data: { note: optionalText(input.note) } },
    ]);
  }

  arriveOnSite(id: string, actor: UserActor, input: { note?: string } = {}): Promise<TicketView> {
    return this.act(id, actor, 'arrive-on-site', () => [
      { type: 'arrived-on-site', data: { note: optionalText(input.note) } },
    ]);
  }

  /** Hardware or software; a software diagnosis says OEM Error or Reproducible Error. */
  diagnose(
    id: string,
    actor: UserActor,
    input: {
      domain: 'hardware' | 'software';
      softwareClass?: SoftwareErrorClass | null;
      note?: string;
    },
  ): Promise<TicketView> {
    const softwareClass = input.softwareClass ?? null;
    if (input.domain !== 'hardware' && input.domain !== 'software') {
      throw new BladeframeError('BF_DIAGNOSIS_INVALID', 'domain must be hardware or software', [
        `domain: ${String(input.domain)} is not hardware or software`,
      ]);
    }
    if (
      input.domain === 'software' &&
      softwareClass !== 'oem-error' &&
      softwareClass !== 'reproducible-error'
    ) {
      throw new BladeframeError('BF_DIAGNOSIS_INVALID', 'a software diagnosis needs its class', [
        'softwareClass: give oem-error (not reproducible on certified hardware) or reproducible-error',
      ]);
    }
    if (input.domain === 'hardware' && softwareClass !== null) {
      throw new BladeframeError(
        'BF_DIAGNOSIS_INVALID',
        'a hardware diagnosis has no software class',
        ['softwareClass: only for domain software'],
      );
    }
    return this.act(id, actor, 'diagnose', () => [
      {
        type: 'diagnosed',
        data: { domain: input.domain, softwareClass, note: optionalText(input.note) },
      },
    ]);
  }

  /** A replacement blade from the site's spare set: for a hardware diagnosis only. */
  dispatchReplacement(
    id: string,
    actor: UserActor,
    input: { spareSetId?: string | null; serial?: string | null; note?: string } = {},
  ): Promise<TicketView> {
    return this.act(id, actor, 'dispatch-replacement', (view) => {
      const spareSetId = input.spareSetId ?? null;
      const site = this.contract.sites.find((s) => s.id === view.opened.siteId);
      if (spareSetId !== null && site && !site.spareSets.some((set) => set.id === spareSetId)) {
        throw new BladeframeError(
          'BF_BAD_REQUEST',
          `no spare set ${spareSetId} at site ${site.id}`,
          [
            `spareSetId: one of ${site.spareSets.map((s) => s.id).join(', ') || '(none configured)'}`,
          ],
        );
      }
      return [
        {
          type: 'replacement-dispatched',
          data: { spareSetId, serial: input.serial ?? null, note: optionalText(input.note) },
        },
      ];
    });
  }

  sendUpdate(id: string, actor: UserActor, input: { note: string }): Promise<TicketView> {
    const note = requireText(input.note, 'note');
    return this.act(id, actor, 'send-update', () => [{ type: 'update-sent', data: { note } }]);
  }

  addNote(id: string, actor: UserActor, input: { text: string }): Promise<TicketView> {
    const text = requireText(input.text, 'text');
    return this.act(id, actor, 'add-note', () => [{ type: 'note', data: { text } }]);
  }

  markFixed(id: string, actor: UserActor, input: { resolution: string }): Promise<TicketView> {
    const resolution = requireText(input.resolution, 'resolution');
    return this.act(id, actor, 'mark-fixed', () => [{ type: 'fixed', data: { resolution } }]);
  }

  /** Closes a fixed call; refused without the customer's written consent (who, when, text). */
  close(
    id: string,
    actor: UserActor,
    input: { consent?: Partial<ConsentInput> | null },
  ): Promise<TicketView> {
    return this.act(id, actor, 'close', (view) => [
      { type: 'closed', data: { consent: this.validConsent(input.consent, view) } },
    ]);
  }

  /** The customer raises the severity ("as reasonably determined by Customer"): upwards only. */
  raiseSeverity(
    id: string,
    actor: UserActor,
    input: { to: number; reason?: string },
  ): Promise<TicketView> {
    return this.act(id, actor, 'raise-severity', (view) => {
      const to = input.to;
      if (!Number.isInteger(to) || to < 1 || to > 5) {
        throw new BladeframeError('BF_BAD_REQUEST', 'severity must be 1-5', [
          `to: ${String(to)} is not 1, 2, 3, 4 or 5`,
        ]);
      }
      if (to >= view.severity) {
        throw new BladeframeError(
          'BF_SEVERITY_NOT_RAISED',
          `ticket ${view.id} is at severity ${view.severity}; ${to} is not more severe`,
          [`to: must be below ${view.severity} (1 is the most severe)`],
        );
      }
      return [
        {
          type: 'severity-raised',
          data: { from: view.severity, to: to as Severity, reason: optionalText(input.reason) },
        },
      ];
    });
  }

  /**
   * Puts a corrected contract in force (the API's PUT /api/contract). Clocks are recomputed
   * from the event logs, so open tickets follow it as soon as the clock engine looks again.
   */
  replaceContract(contract: Contract): void {
    this.contract = contract;
    this.calendar = undefined;
  }

  /** What the clock functions need, at this moment. */
  clockContext(): ClockContext {
    this.calendar ??= new BusinessCalendar(this.contract.businessHours);
    return { contract: this.contract, calendar: this.calendar, now: this.clock.now() };
  }

  /** The rule of this service's rules with that id (a ticket's rule may since have gone). */
  rule(id: string): ClassificationRule | null {
    return this.rules.find((r) => r.id === id) ?? null;
  }

  list(filter: TicketFilter = {}) {
    return listTickets(this.db, filter);
  }

  /** Listed tickets with their clocks at this moment (a storm's child: its parent's carry them). */
  async withClocks(
    summaries: TicketSummary[],
  ): Promise<(TicketSummary & { clocks: ClockStatus[]; clocksCarriedBy: string | null })[]> {
    const ctx = this.clockContext();
    const events = await loadEventsOf(
      this.db,
      summaries.filter((t) => t.parentId === null).map((t) => t.id),
    );
    // Not `{ ...t, clocks }`: new keys on a spread copy take V8 a slow path each (see
    // `openedData`), and a dashboard lists hundreds of tickets.
    return summaries.map((t) =>
      Object.assign({}, t, {
        clocks: t.parentId === null ? computeClocks(events.get(t.id) ?? [], ctx) : [],
        clocksCarriedBy: t.parentId,
      }),
    );
  }

  /**
   * Everything about one ticket: its view, clocks and escalations at this moment, its log, and
   * its classification with the rule that fired. A storm's child shows no clocks of its own: its
   * parent carries them (`clocksCarriedBy`).
   */
  async detail(id: string): Promise<TicketDetail | null> {
    const found = await this.get(id);
    if (!found) return null;
    const { view, events } = found;
    const child = view.parentId !== null;
    const ctx = this.clockContext();
    return {
      ticket: view,
      clocks: child ? [] : computeClocks(events, ctx),
      escalations: child ? [] : computeEscalations(events, ctx),
      clocksCarriedBy: child ? view.parentId : null,
      events,
      classification: { ...view.classification, rule: this.rule(view.classification.ruleId) },
    };
  }

  /** The folded view and the raw log of one ticket, or null. */
  async get(
    id: string,
    db: Db = this.db,
  ): Promise<{ view: TicketView; events: AnyTicketEvent[] } | null> {
    const events = await loadEvents(db, id);
    if (events.length === 0) return null;
    return { view: foldTicket(events), events };
  }

  private async act(
    id: string,
    actor: UserActor,
    action: Exclude<Action, 'open-call'>,
    build: (view: TicketView) => { type: NewEvent['type']; data: NewEvent['data'] }[],
  ): Promise<TicketView> {
    authorize(actor, action);
    const now = this.now();
    const { view, appended } = await inTransaction(this.db, async (tx) => {
      const row = await getTicketRow(tx, id, { lock: 'wait' });
      if (!row) throw new BladeframeError('BF_NOT_FOUND', `no ticket ${id}`, [`id: ${id}`]);
      const events = await loadEvents(tx, id);
      const before = foldTicket(events);
      checkTransition(before, action);
      const drafts = build(before).map((d) => ({ ...d, actor, at: now }) as NewEvent);
      const appended = await appendEvents(tx, row, drafts, events);
      return { view: foldTicket([...events, ...appended]), appended };
    });
    this.logger.info({ ticketId: id, action, actor: actor.id, state: view.state }, 'ticket action');
    this.publish(appended);
    return view;
  }

  private validConsent(
    consent: Partial<ConsentInput> | null | undefined,
    view: TicketView,
  ): ConsentInput {
    const problems: string[] = [];
    const by = typeof consent?.by === 'string' ? consent.by.trim() : '';
    const text = typeof consent?.text === 'string' ? consent.text.trim() : '';
    const at = typeof consent?.at === 'string' ? Date.parse(consent.at) : NaN;
    if (!consent)
      problems.push("consent: the customer's written consent { by, at, text } is required");
    else {
      if (!by) problems.push('consent.by: who at the customer consented');
      if (!text) problems.push('consent.text: the text of the written consent');
      if (Number.isNaN(at)) problems.push('consent.at: when the consent was given (ISO time)');
      else if (at < Date.parse(view.openedAt) || at > this.clock.now().getTime()) {
        problems.push(`consent.at: must lie between the call's opening (${view.openedAt}) and now`);
      }
    }
    if (problems.length > 0) {
      throw new BladeframeError('BF_CONSENT_REQUIRED', `ticket ${view.id} stays open`, problems);
    }
    return { by: by.slice(0, 200), at: new Date(at).toISOString(), text: text.slice(0, MAX_TEXT) };
  }

  private openedData(
    input: ObservationInput,
    times: { observedAt: string; receivedAt: string; test: boolean },
  ): OpenedData {
    const observation: Observation = {
      signal: input.signal,
      component: input.component,
      evidence: input.evidence,
      summary: input.summary,
      siteId: input.siteId,
      frameId: input.frameId,
      bladeId: input.bladeId,
      environment: input.environment,
    };
    // Not `{ ...observation, source, ... }`: adding keys to a spread copy takes V8 (Node 20)
    // a slow path per key, some 8 us for this object, on every new ticket.
    return Object.assign({}, observation, {
      source: input.source,
      signal: input.signal,
      detectedAt: detectionTime(times.observedAt, times.receivedAt, this.contract),
      observedAt: times.observedAt,
      receivedAt: times.receivedAt,
      classification: this.classify(observation),
      test: times.test,
      parentId: null,
      contact: null,
    });
  }

  private stormContext(tx: Db, now: string): StormContext {
    return {
      tx,
      now,
      settings: this.settings.storm,
      classify: (observation) => this.classify(observation),
    };
  }

  private now(): string {
    return isoOf(this.clock.now());
  }

  /** Hands appended events to the listeners (the clock engine publishes its own through here). */
  publish(events: readonly AnyTicketEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.logger.error({ err: error, type: event.type }, 'ticket event listener failed');
        }
      }
    }
  }
}

function isoOr(value: string, fallback: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? fallback : isoAt(ms);
}

function requireText(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) {
    throw new BladeframeError('BF_BAD_REQUEST', `${field} is required`, [
      `${field}: must not be empty`,
    ]);
  }
  return text.slice(0, MAX_TEXT);
}

function optionalText(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, MAX_TEXT) : '';
}
