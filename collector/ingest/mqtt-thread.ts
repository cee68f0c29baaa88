// The ingest thread: the broker session of the collector, so MQTT's parsing and acknowledging
// run beside the store's work instead of taking turns with it on one core.
import { parentPort, workerData } from 'node:worker_threads';
import { checkDelivery } from './decode.js';
import { MqttSession, type MqttSessionOptions } from './mqtt-session.js';
import type { FromIngestThread, ToIngestThread } from './mqtt-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('mqtt-thread.ts runs as a worker thread');
const send = (message: FromIngestThread, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

const session = new MqttSession(
  workerData as MqttSessionOptions,
  {
    received: (batch) => send({ type: 'received', batch }, [batch.bytes]),
    status: (status) => send({ type: 'status', status }),
    log: (level, fields, message) => send({ type: 'log', level, fields, message }),
  },
  // Validation runs here too: it is work the store's thread need not do.
  checkDelivery,
);

port.on('message', (message: ToIngestThread) => {
  switch (message.type) {
    case 'ack':
      session.acknowledge(message.ids);
      break;
    case 'close':
      session.close();
      break;
    case 'end':
      void session.end(message.force).then(() => send({ type: 'ended' }));
      break;
  }
});

session.start();
