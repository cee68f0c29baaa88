import type { Kysely } from 'kysely';
import type { Environment } from '../../shared/messages/birth.js';
import type { EventMessage } from '../../shared/messages/event.js';
import type { TopicAddress } from '../../shared/topics.js';
import { transactionWithHooks } from '../store/after-commit.js';
import { bulkInsert } from '../store/bulk-insert.js';
import { applyFleetMessages, type FleetApplySettings } from '../fleet/apply-messages.js';
import type { Database } from '../store/schema.js';
import { insertDeadLetters } from './dead-letters.js';
import { decodeDelivery, messageKey, type DeadLetterInput, type ValidMessage } from './decode.js';
import type { ObservationInput, ObservationRecorder } from './observation-recorder.js';

/** One message as it came off the broker. */
export interface Delivery {
  topic: string;
  payload: Buffer;
  receivedAt: Date;
}

export interface BatchOutcome {
  /** New messages applied. */
  processed: number;
  /** Messages already seen (redelivery, replay) and skipped. */
  duplicates: number;
  deadLetters: number;
  livenessChanged: boolean;
}

export interface IngestProcessorOptions {
  db: Kysely<Database>;
  tickets: ObservationRecorder;
  fleet: FleetApplySettings;
}

const IDENTITY_COLUMNS = [
  'blade_id',
  'boot_id',
  'seq',
  'kind',
  'site_id',
  'frame_id',
  'observed_at',
  'received_at',
] as const;

/**
 * Applies a batch of deliveries in one transaction: dead letters for what is invalid, the
 * identity of each valid message claimed through the unique key (so a message is processed
 * once however often it arrives), then fleet updates and fault observations in arrival order.
 */
export class IngestProcessor {
  constructor(private readonly options: IngestProcessorOptions) {}

  async process(batch: readonly Delivery[]): Promise<BatchOutcome> {
    const dead: DeadLetterInput[] = [];
    const valid: ValidMessage[] = [];
    const seenInBatch = new Set<string>();
    let duplicates = 0;
    for (const delivery of batch) {
      const decoded = decodeDelivery(delivery.topic, delivery.payload, delivery.receivedAt);
      if (!decoded.ok) {
        dead.push(decoded.deadLetter);
        continue;
      }
      const key = messageKey(decoded.value.message);
      if (seenInBatch.has(key)) {
        duplicates++;
        continue;
      }
      seenInBatch.add(key);
      valid.push(decoded.value);
    }

    return transactionWithHooks(this.options.db, async (trx) => {
      await insertDeadLetters(trx, dead);
      const fresh = await claimIdentities(trx, valid);
      duplicates += valid.length - fresh.length;
      const applied = await applyFleetMessages(trx, fresh, this.options.fleet);
      for (const [i, m] of fresh.entries()) {
        if (m.kind !== 'event') continue;
        await this.options.tickets.recordObservation(
          eventObservation(m.message, m.address, applied.environments[i]!, m.receivedAt),
          trx,
        );
      }
      return {
        processed: fresh.length,
        duplicates,
        deadLetters: dead.length,
        livenessChanged: applied.livenessChanged,
      };
    });
  }
}

/** Inserts each message's identity; returns, in order, the messages not seen before. */
async function claimIdentities(
  trx: Kysely<Database>,
  messages: readonly ValidMessage[],
): Promise<ValidMessage[]> {
  const inserted = await bulkInsert<{ blade_id: string; boot_id: string; seq: number | string }>(
    trx,
    {
      table: 'ingest_messages',
      columns: IDENTITY_COLUMNS,
      rows: messages.map((m) => [
        m.message.bladeId,
        m.message.bootId,
        m.message.seq,
        m.kind,
        m.address.site,
        m.address.frame,
        m.message.observedAt,
        m.receivedAt.toISOString(),
      ]),
      suffix:
        'on conflict ("blade_id", "boot_id", "seq") do nothing returning "blade_id", "boot_id", "seq"',
    },
  );
  const claimed = new Set(
    inserted.map((r) => messageKey({ bladeId: r.blade_id, bootId: r.boot_id, seq: Number(r.seq) })),
  );
  return messages.filter((m) => claimed.has(messageKey(m.message)));
}

function eventObservation(
  message: EventMessage,
  address: TopicAddress,
  environment: Environment,
  receivedAt: Date,
): ObservationInput {
  return {
    source: 'call-home',
    signal: message.signal,
    status: message.status,
    component: message.component,
    evidence: message.evidence,
    summary: message.summary,
    siteId: address.site,
    frameId: address.frame,
    bladeId: address.blade,
    environment,
    observedAt: message.observedAt,
    receivedAt: receivedAt.toISOString(),
  };
}
