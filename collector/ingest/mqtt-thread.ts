// The ingest thread: the broker session of the collector, so MQTT's parsing and acknowledging
// run beside the store's work instead of taking turns with it on one core. With SQLite it also
// flushes the write-ahead log after each commit, right before that batch's PUBACKs.
import { parentPort, workerData } from 'node:worker_threads';
import { walFlusher } from '../store/durability.js';
import { checkDelivery } from './decode.js';
import { MqttSession, type MqttSessionOptions } from './mqtt-session.js';
import type { FromIngestThread, IngestThreadData, ToIngestThread } from './mqtt-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('mqtt-thread.ts runs as a worker thread');
const send = (message: FromIngestThread, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

const data = workerData as IngestThreadData<MqttSessionOptions>;
const session = new MqttSession(
  data.session,
  {
    received: (batch) => send({ type: 'received', batch }, [batch.bytes]),
    status: (status) => send({ type: 'status', status }),
    log: (level, fields, message) => send({ type: 'log', level, fields, message }),
  },
  // Validation runs here too: it is work the store's thread need not do.
  checkDelivery,
);

const flusher = data.flushLog ? walFlusher(data.flushLog) : null;
/** Flush requests done, and the latest asked for. */
let flushedThrough = 0;
let flushWanted = 0;
/** PUBACKs waiting for a flush not done yet (one whose disk failed, to be tried again). */
const held: { ids: number[]; afterFlush: number }[] = [];
let retry: NodeJS.Timeout | undefined;
const FLUSH_RETRY_MS = 1000;

function flush(): void {
  if (!flusher || flushWanted <= flushedThrough) return;
  const through = flushWanted;
  try {
    flusher.flushNow();
  } catch (error) {
    // Nothing waiting on it is acknowledged or told until a flush succeeds.
    send({
      type: 'log',
      level: 'error',
      fields: { err: (error as Error).message },
      message: 'flushing the store failed; trying again',
    });
    retry ??= setTimeout(() => {
      retry = undefined;
      flush();
    }, FLUSH_RETRY_MS);
    return;
  }
  flushedThrough = through;
  while (held.length > 0 && held[0]!.afterFlush <= flushedThrough)
    session.acknowledge(held.shift()!.ids);
  send({ type: 'flushed', seq: through });
}

port.on('message', (message: ToIngestThread) => {
  switch (message.type) {
    case 'flush':
      flushWanted = Math.max(flushWanted, message.seq);
      flush();
      break;
    case 'ack': {
      // In order: once one waits, those after it wait too (for its flush at least).
      const afterFlush = Math.max(message.afterFlush ?? 0, held.at(-1)?.afterFlush ?? 0);
      if (afterFlush > flushedThrough) held.push({ ids: message.ids, afterFlush });
      else session.acknowledge(message.ids);
      break;
    }
    case 'close':
      session.close();
      break;
    case 'end':
      clearTimeout(retry);
      flusher?.close();
      void session.end(message.force).then(() => send({ type: 'ended' }));
      break;
  }
});

session.start();
