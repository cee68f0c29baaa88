import type { Kysely } from 'kysely';
import type {
  ObservationInput,
  ObservationRecorder,
} from '../../collector/ingest/observation-recorder.js';
import type { Database } from '../../collector/store/schema.js';

/**
 * Stands in for the ticket service where a test looks at ingest or fleet alone: it keeps what it
 * was given (and whether it came inside a transaction) and can be told to fail.
 */
export class RecordingTickets implements ObservationRecorder {
  readonly observations: ObservationInput[] = [];
  readonly inTransaction: boolean[] = [];
  failWhen: ((input: ObservationInput) => boolean) | undefined;

  async recordObservation(input: ObservationInput, db?: Kysely<Database>) {
    if (this.failWhen?.(input)) throw new Error(`refused ${input.signal}`);
    this.observations.push(input);
    this.inTransaction.push(db?.isTransaction ?? false);
    return { ticketId: `T-${this.observations.length}`, created: true };
  }

  signals(): string[] {
    return this.observations.map((o) => `${o.signal}:${o.status}:${o.bladeId ?? o.frameId}`);
  }
}
