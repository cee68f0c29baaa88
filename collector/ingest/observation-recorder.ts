import type { TicketService } from '../tickets/ticket-service.js';

export type { ObservationInput } from '../tickets/ticket-service.js';

/**
 * What ingest and fleet need of the ticket service: recording an observation of a fault (or of
 * its clearing) inside the caller's transaction, so a batch commits as one.
 */
export type ObservationRecorder = Pick<TicketService, 'recordObservation'>;
