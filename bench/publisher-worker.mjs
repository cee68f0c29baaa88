// The benchmarks' publisher, on its own thread (as blades are other machines): its sockets are
// served while the collector's thread is busy in a commit. Commands come by message; how much
// the consumer has taken comes through shared memory, so flooding never waits on the other
// thread's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';

const init = workerData;
const consumed = new Int32Array(init.consumed);
const now = () => performance.timeOrigin + performance.now();
let turn = 0;

const clients = await Promise.all(
  Array.from({ length: init.connections }, (_, i) =>
    mqtt.connectAsync(init.url, {
      protocolVersion: init.protocolVersion,
      clientId: `bench-pub-${process.pid}-${i}`,
      clean: true,
      reconnectPeriod: 0,
    }),
  ),
);

function publish(m) {
  const client = clients[turn++ % clients.length];
  client.publish(m.topic, Buffer.from(m.payload), { qos: 1 });
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function flood(messages, window) {
  const startedAt = now();
  let sent = 0;
  while (sent < messages.length) {
    const room = window - (sent - Atomics.load(consumed, 0));
    if (room <= 0) {
      const value = Atomics.load(consumed, 0);
      const { async, value: wait } = Atomics.waitAsync(consumed, 0, value, 50);
      if (async) await wait;
      continue;
    }
    const upTo = Math.min(messages.length, sent + Math.min(room, 100));
    while (sent < upTo) publish(messages[sent++]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return startedAt;
}

async function paced(messages, perSecond) {
  const times = [];
  const start = performance.now();
  let i = 0;
  while (i < messages.length) {
    const due = Math.min(
      messages.length,
      Math.floor(((performance.now() - start) * perSecond) / 1000),
    );
    while (i < due) {
      const m = messages[i++];
      if (m.newFault) times.push([m.newFault, now()]);
      publish(m);
    }
    await tick(5);
  }
  return times;
}

parentPort.on('message', (command) => {
  void (async () => {
    switch (command.type) {
      case 'flood':
        return { startedAt: await flood(command.messages, command.window) };
      case 'paced':
        return { times: await paced(command.messages, command.perSecond) };
      case 'settle':
        while (clients.some((c) => Object.keys(c.outgoing).length > 0)) await tick(10);
        return {};
      case 'close':
        await Promise.all(clients.map((c) => c.endAsync()));
        return {};
    }
  })().then(
    (reply) => parentPort.postMessage({ ok: true, ...reply }),
    (error) => parentPort.postMessage({ ok: false, error: String(error) }),
  );
});
parentPort.postMessage({ ok: true, ready: true });
