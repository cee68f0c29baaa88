// The benchmarks' bare subscriber, on its own thread: it only counts what it receives (QoS 1,
// acknowledged at once). On the collector's thread it was held up whenever the collector was
// busy (notifications, clocks), and the broker dropped what queued for it meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const count = new Int32Array(workerData.count);
const client = await mqtt.connectAsync(workerData.url, {
  protocolVersion: workerData.protocolVersion,
  clientId: `bench-bare-${process.pid}-${Math.random().toString(36).slice(2, 7)}`,
  clean: true,
  reconnectPeriod: 0,
  // As the collector asks (MQTT 5).
  ...(workerData.protocolVersion === 5 ? { properties: { receiveMaximum: 1000 } } : {}),
});
client.on('message', () => {
  Atomics.add(count, 0, 1);
  Atomics.notify(count, 0);
});
await client.subscribeAsync(`bladeframe/v1/${workerData.site}/+/+/#`, { qos: 1 });
parentPort.on('message', async (command) => {
  if (command.type === 'close') {
    await client.endAsync();
    parentPort.postMessage({ ok: true });
  }
});
parentPort.postMessage({ ok: true });
