import type { BrokerStatus, ReceivedBatch, SessionListener } from './mqtt-session.js';

/** What the collector's main thread tells the ingest thread. */
export type ToIngestThread =
  { type: 'ack'; ids: number[] } | { type: 'close' } | { type: 'end'; force: boolean };

/** What the ingest thread tells the main thread. */
export type FromIngestThread =
  | { type: 'received'; batch: ReceivedBatch }
  | { type: 'status'; status: BrokerStatus }
  | {
      type: 'log';
      level: Parameters<SessionListener['log']>[0];
      fields: Record<string, unknown>;
      message: string;
    }
  | { type: 'ended' };
