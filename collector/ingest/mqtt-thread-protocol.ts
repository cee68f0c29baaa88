import type { BrokerStatus, ReceivedBatch, SessionListener } from './mqtt-session.js';

/** What the collector's main thread tells the ingest thread. */
export type ToIngestThread =
  /** PUBACKs to send; with `afterFlush`, only once flush request `afterFlush` is done. */
  | { type: 'ack'; ids: number[]; afterFlush?: number }
  /** Flush the store's write-ahead log (everything committed before this request). */
  | { type: 'flush'; seq: number }
  | { type: 'close' }
  | { type: 'end'; force: boolean };

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
  /** The write-ahead log is on disk through flush request `seq`. */
  | { type: 'flushed'; seq: number }
  | { type: 'ended' };

/** What the ingest thread starts with. */
export interface IngestThreadData<Session> {
  session: Session;
  /** The write-ahead log this thread flushes on request; null when main flushes its own. */
  flushLog: string | null;
}
