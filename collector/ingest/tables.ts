import type { Generated } from 'kysely';

/** One row per message processed: its identity is the unique key that makes ingest idempotent. */
export interface IngestMessageTable {
  blade_id: string;
  boot_id: string;
  seq: number;
  kind: string;
  site_id: string;
  frame_id: string;
  observed_at: string;
  received_at: string;
}

/** Input that could not be processed, kept with the reason so nothing is silently lost. */
export interface DeadLetterTable {
  id: Generated<number>;
  topic: string;
  /** The payload as text, or base64 when it is not UTF-8; cut at 64 KiB. */
  payload: string;
  payload_encoding: 'utf8' | 'base64';
  payload_bytes: number;
  code: string;
  reason: string;
  received_at: string;
}

export interface IngestTables {
  ingest_messages: IngestMessageTable;
  dead_letters: DeadLetterTable;
}
