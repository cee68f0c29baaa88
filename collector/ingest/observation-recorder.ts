import type { Kysely } from 'kysely';
import type { Environment } from '../../shared/messages/birth.js';
import type { Component, Evidence } from '../../shared/messages/event.js';
import type { Signal } from '../../shared/signals.js';
import type { Database } from '../store/schema.js';

/**
 * What ingest and fleet hand to the ticket service: an observation of a fault (or of its
 * clearing), recorded inside the caller's transaction so a batch commits as one.
 */
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

export interface ObservationRecorder {
  recordObservation(
    input: ObservationInput,
    db?: Kysely<Database>,
  ): Promise<{ ticketId: string | null; created: boolean }>;
}
