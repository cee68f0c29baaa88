// The stream benchmark's WebSocket clients, on their own thread (as browsers are elsewhere): each
// notes when it first saw each ticket opened, by `blade|component`, in absolute milliseconds.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now();
const { url, count } = workerData;
const clients = [];

function open() {
  const seen = new Map();
  const client = { seen, messages: 0 };
  const socket = new WebSocket(url);
  client.socket = socket;
  socket.on('message', (raw) => {
    const at = now();
    client.messages++;
    const message = JSON.parse(String(raw));
    if (message.type === 'live') client.live = true;
    if (message.type !== 'ticket.event' || message.data.type !== 'opened') return;
    const { bladeId, component } = message.data.ticket;
    seen.set(`${bladeId ?? ''}|${component.id}`, at);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    const wait = () => (client.live ? resolve(client) : setTimeout(wait, 5));
    socket.once('open', wait);
  });
}

parentPort.on('message', (command) => {
  void (async () => {
    switch (command.type) {
      case 'reset':
        for (const c of clients) {
          c.seen.clear();
          c.messages = 0;
        }
        return {};
      case 'report':
        return {
          clients: clients.map((c) => ({
            seen: [...c.seen],
            messages: c.messages,
            open: c.socket.readyState === WebSocket.OPEN,
          })),
        };
      case 'close':
        await Promise.all(
          clients.map(
            (c) =>
              new Promise((resolve) => {
                if (c.socket.readyState === WebSocket.CLOSED) return resolve();
                c.socket.once('close', resolve);
                c.socket.close();
              }),
          ),
        );
        return {};
    }
  })().then(
    (reply) => parentPort.postMessage({ ok: true, ...reply }),
    (error) => parentPort.postMessage({ ok: false, error: String(error) }),
  );
});

try {
  for (let i = 0; i < count; i++) clients.push(await open());
  parentPort.postMessage({ ok: true, ready: true });
} catch (error) {
  parentPort.postMessage({ ok: false, error: String(error) });
}
