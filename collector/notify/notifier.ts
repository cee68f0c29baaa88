import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import type { Contract } from '../../shared/config/contract.js';
import { NOTIFY_EVENT_TYPES, type NotifyConfig } from '../../shared/config/notify-config.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { AnyTicketEvent } from '../domain/ticket-events.js';
import { BusinessCalendar } from '../sla/calendar.js';
import type { Database } from '../store/schema.js';
import { loadEvents } from '../tickets/ticket-store.js';
import {
  enqueueDeliveries,
  pruneDeliveries,
  queueSummary,
  type NewDelivery,
} from './delivery-store.js';
import { DeliveryWorker, type ChannelSender } from './delivery-worker.js';
import { renderEmail } from './email-content.js';
import { EmailSender, type QueuedEmail } from './email-sender.js';
import { TicketEventFeed, type FeedBatch } from './event-feed.js';
import { QueueMailer, type Mailer } from './mailer.js';
import { NotifyRouter } from './routing.js';
import { buildNotice, type StoredTicketEvent } from './ticket-notice.js';
import { validateNotifyConfig } from './validate.js';
import { webhookPayload, webhookSubject } from './webhook.js';
import { WebhookSender } from './webhook-sender.js';

/** Ticket events read per transaction. */
const FEED_BATCH = 500;
const PRUNE_EVERY_MS = 3_600_000;

export interface NotifierDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: NotifyConfig;
  /** The contract in force (a function: it may be reloaded while running). */
  contract: Contract | (() => Contract);
  /** Appended ticket events wake the notifier at once (else it polls). */
  tickets?: { onEvent(listener: (event: AnyTicketEvent) => void): () => void };
  logger?: Logger;
  /** [0, 1) for the backoff jitter (tests fix it). */
  random?: () => number;
  /** Leases of this collector's worker. */
  owner?: string;
  /** Channel senders instead of the configured ones (benchmarks). */
  senders?: Partial<Record<'webhook' | 'email', ChannelSender>>;
}

/**
 * Notifications to support: follows the ticket event log, queues a delivery per receiver that
 * the configuration routes each event to (signed webhooks; email to the contract's escalation
 * lists), and runs the worker that sends them. Also the `Mailer` other parts use (reports).
 */
export class Notifier {
  readonly mailer: Mailer;
  readonly worker: DeliveryWorker;
  private readonly deps: NotifierDeps;
  private readonly logger: Logger;
  private readonly feed: TicketEventFeed;
  private readonly router: NotifyRouter;
  private readonly emailSender: EmailSender | null;
  private unsubscribe: (() => void) | null = null;
  private calendars = new WeakMap<Contract, BusinessCalendar>();
  private prunedAt: number | null = null;

  constructor(deps: NotifierDeps) {
    this.deps = deps;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'notify' });
    const { config } = deps;
    const emailEnabled = config.smtp !== undefined;
    this.router = new NotifyRouter(config, () => this.contract(), emailEnabled);
    this.feed = new TicketEventFeed({
      db: deps.db,
      gapGraceMs: config.delivery.gapGrace,
      batchSize: FEED_BATCH,
      types: NOTIFY_EVENT_TYPES.filter((type) => this.router.wants(type)),
    });
    this.emailSender =
      config.smtp && !deps.senders?.email
        ? new EmailSender(config.smtp, config.delivery.timeout)
        : null;
    this.worker = new DeliveryWorker({
      db: deps.db,
      clock: deps.clock,
      settings: config.delivery,
      senders: {
        webhook:
          deps.senders?.webhook ??
          new WebhookSender(config.webhooks, {
            clock: deps.clock,
            timeoutMs: config.delivery.timeout,
          }),
        ...(deps.senders?.email
          ? { email: deps.senders.email }
          : this.emailSender
            ? { email: this.emailSender }
            : {}),
      },
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.owner ? { owner: deps.owner } : {}),
      beforeRun: async () => {
        await this.queueNew();
        await this.prune();
      },
    });
    this.mailer = new QueueMailer({
      db: deps.db,
      clock: deps.clock,
      enabled: emailEnabled,
      onQueued: () => this.worker.poke(),
    });
  }

  /** Checks the configuration against the contract, then catches up and keeps sending. */
  async start(): Promise<void> {
    validateNotifyConfig(this.deps.config, this.contract());
    if (!this.deps.config.smtp) {
      this.logger.info(
        'no SMTP server configured (notify.smtp): notifications go to webhooks only',
      );
    }
    this.unsubscribe = this.deps.tickets?.onEvent(() => this.worker.poke()) ?? null;
    await this.worker.start();
    this.logger.info(
      {
        webhooks: this.deps.config.webhooks.map((w) => w.name),
        email: Boolean(this.deps.config.smtp),
      },
      'notifier started',
    );
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.worker.stop();
    this.emailSender?.close();
  }

  /** Queues what the ticket log added and sends what is due now (tests await it). */
  runDue(): Promise<number> {
    return this.worker.runDue();
  }

  idle(): Promise<void> {
    return this.worker.idle();
  }

  /** For /healthz: the queue, this worker's attempts since start, holes waited for. */
  async health(): Promise<Record<string, unknown>> {
    return {
      ...(await queueSummary(this.deps.db)),
      webhooks: this.deps.config.webhooks.map((w) => w.name),
      email: this.deps.config.smtp !== undefined,
      worker: { ...this.worker.stats },
      openGaps: this.feed.openGaps().length,
    };
  }

  /** Holes in the ticket event ids still waited for (see TicketEventFeed). */
  openGaps() {
    return this.feed.openGaps();
  }

  /** Reads the ticket log past the cursor until it is caught up, queueing deliveries. */
  async queueNew(): Promise<number> {
    let queued = 0;
    for (;;) {
      let added = 0;
      const read = await this.feed.pump(this.deps.clock.now().getTime(), async (batch) => {
        added = await this.queueBatch(batch);
      });
      queued += added;
      // null: another collector holds the cursor and does this work.
      if (read === null || read === 0) return queued;
      if (added > 0) this.logger.debug({ events: read, queued: added }, 'deliveries queued');
      if (read < FEED_BATCH) return queued;
    }
  }

  /** Keeps the log to its retention; looks at most once an hour. */
  private async prune(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (this.prunedAt !== null && now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const before = new Date(now - this.deps.config.delivery.retention).toISOString();
    const removed = await pruneDeliveries(this.deps.db, before);
    if (removed > 0) this.logger.info({ removed, before }, 'old deliveries removed from the log');
  }

  private async queueBatch({ events, tx }: FeedBatch): Promise<number> {
    const logs = new Map<string, AnyTicketEvent[]>();
    const deliveries: NewDelivery[] = [];
    // The feed hands over only the types some receiver wants (its `types`).
    for (const stored of events) {
      try {
        let log = logs.get(stored.event.ticketId);
        if (!log || log[log.length - 1]!.seq < stored.event.seq) {
          log = await loadEvents(tx, stored.event.ticketId);
          logs.set(stored.event.ticketId, log);
        }
        deliveries.push(...this.deliveriesOf(stored, log));
      } catch (error) {
        // One event that cannot be read must not hold up every later notification.
        this.logger.error(
          { err: error, eventId: stored.id },
          'cannot build notifications for event',
        );
      }
    }
    if (deliveries.length === 0) return 0;
    return enqueueDeliveries(tx, deliveries, this.deps.clock.now().toISOString());
  }

  private deliveriesOf(stored: StoredTicketEvent, log: readonly AnyTicketEvent[]): NewDelivery[] {
    const contract = this.contract();
    const { config } = this.deps;
    const notice = buildNotice(stored, log, {
      contract,
      calendar: this.calendar(contract),
      dashboardUrl: config.dashboardUrl,
      ticketPath: config.ticketPath,
    });
    const common = {
      eventKey: notice.key,
      ticketEventId: notice.event.id,
      ticketId: notice.ticket.id,
      eventType: notice.event.type,
      severity: notice.ticket.serviceSeverity,
    };
    const result: NewDelivery[] = this.router.webhooksFor(notice).map((hook) => ({
      ...common,
      channel: 'webhook',
      target: hook.name,
      subject: webhookSubject(notice),
      payload: webhookPayload(notice),
    }));
    const recipients = this.router.emailRecipients(notice);
    if (recipients.length > 0) {
      const content = renderEmail(notice, { subjectPrefix: config.email.subjectPrefix, contract });
      const email: QueuedEmail = { ...content, thread: `ticket-${notice.ticket.id}` };
      for (const to of recipients) {
        result.push({
          ...common,
          channel: 'email',
          target: to,
          subject: content.subject,
          payload: email,
        });
      }
    }
    return result;
  }

  private contract(): Contract {
    const { contract } = this.deps;
    return typeof contract === 'function' ? contract() : contract;
  }

  private calendar(contract: Contract): BusinessCalendar {
    let calendar = this.calendars.get(contract);
    if (!calendar) {
      calendar = new BusinessCalendar(contract.businessHours);
      this.calendars.set(contract, calendar);
    }
    return calendar;
  }
}
