import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { validateMessage } from '../../../shared/messages/index.js';
import { parseTopic, type MessageKind } from '../../../shared/topics.js';
import { startHarness, type Harness } from '../support/agent-harness.js';
import type { Received } from '../support/subscriber.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function expectValid(m: Received): void {
  const topic = parseTopic(m.topic);
  if ('error' in topic) throw new Error(topic.error);
  const result = validateMessage(topic.kind as MessageKind, m.payload);
  expect(result.ok ? 'valid' : result.reason).toBe('valid');
  expect(m.payload.bladeId).toBe(topic.blade);
}

describe('agent over a real broker', () => {
  it('sends birth, the retained online state and health, then a heartbeat on schedule', async () => {
    h = await startHarness();
    await h.agent.start();
    const sub = h.subscriber;
    await sub.until(
      (ms) => ['birth', 'state', 'health'].every((k) => ms.some((m) => m.kind === k)),
      15_000,
      'birth, state and health',
    );
    sub.messages.forEach(expectValid);
    expect(sub.of('birth')[0]!.payload).toMatchObject({
      inventory: {
        bladeType: 'BladeFrame pBlade 4x',
        serial: 'BF4X-0042-7731',
        kernel: '6.1.0-28-amd64',
      },
      heartbeatIntervalS: 60,
    });
    expect(sub.of('state')[0]!.payload).toMatchObject({ state: 'online', cause: 'connect' });
    expect(sub.of('health')[0]!.payload).toMatchObject({ intervalS: 60, cpu: { count: 8 } });
    // The fixture blade's standing faults were observed in the first cycle.
    expect(sub.of('event').length).toBeGreaterThan(5);

    // The heartbeat: the next multiple of the interval on the (manual) clock.
    h.clock.advance(60_000);
    await sub.until(
      (ms) => ms.filter((m) => m.kind === 'health').length === 2,
      15_000,
      'a heartbeat',
    );

    // Retained: a newcomer learns the state at once.
    const late = await mqtt.connectAsync(h.broker.url, {
      protocolVersion: h.broker.protocolVersion,
    });
    const retained = new Promise<{ payload: Buffer; retain: boolean }>((resolve) =>
      late.on('message', (_t, payload, packet) => resolve({ payload, retain: packet.retain })),
    );
    await late.subscribeAsync(`bladeframe/v1/${h.site}/+/+/state`, { qos: 1 });
    const state = await retained;
    expect(state.retain).toBe(true);
    expect(JSON.parse(state.payload.toString())).toMatchObject({ state: 'online' });
    await late.endAsync();

    // Every message of the run carries one identity, seq rising in publishing order.
    const seqs = sub.messages.map((m) => m.payload.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(new Set(sub.messages.map((m) => m.payload.bootId))).toEqual(
      new Set(['3f1c2b9e-8d7a-4c55-9a0e-1b2c3d4e5f60']),
    );
  });

  it('queues faults while the broker is down and delivers them all, once, in order', async () => {
    h = await startHarness();
    await h.agent.start();
    await h.subscriber.until((ms) => ms.some((m) => m.kind === 'health'));
    await h.drained();
    const sub = h.subscriber;
    const before = sub.messages.length;

    const down = once(h.agent.link, 'disconnected');
    await h.proxy.pause();
    await down;
    for (let total = 1; total <= 4; total++) {
      h.setFatalAer(total);
      h.clock.advance(15_000);
      await h.agent.runCycle();
    }
    const queued = h.agent.outbox.pending().filter((r) => r.kind === 'event');
    expect(queued).toHaveLength(4);
    expect(sub.messages.slice(before).filter((m) => m.kind === 'event')).toEqual([]);

    await h.proxy.resume();
    await h.reconnect();
    await sub.until(
      (ms) => ms.filter((m) => m.payload.signal === 'pcie.aer.fatal').length >= 4,
      15_000,
      'the queued faults',
    );
    const fatal = sub.messages.filter((m) => m.payload.signal === 'pcie.aer.fatal');
    expect(fatal.map((m) => (m.payload.evidence as { count: number }).count)).toEqual([1, 2, 3, 4]);
    const seqs = fatal.map((m) => m.payload.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // After the reconnect: a fresh birth and online state, then the backlog.
    const afterOutage = sub.messages.slice(before).filter((m) => m.payload.cause !== 'will');
    expect(afterOutage.slice(0, 2).map((m) => m.kind)).toEqual(['birth', 'state']);
    // The broker announced the lost connection with the will.
    expect(
      sub.of('state').some((m) => m.payload.cause === 'will' && m.payload.state === 'offline'),
    ).toBe(true);
    await h.drained();
  });

  it('a clean stop leaves the retained state offline with cause shutdown', async () => {
    h = await startHarness();
    await h.agent.start();
    await h.subscriber.until((ms) => ms.some((m) => m.kind === 'state'));
    await h.agent.stop();
    await h.subscriber.until((ms) => ms.some((m) => m.payload.cause === 'shutdown'));
    const last = h.subscriber.of('state').at(-1)!;
    expect(last.payload).toMatchObject({ state: 'offline', cause: 'shutdown' });
    expect(h.subscriber.of('state').some((m) => m.payload.cause === 'will')).toBe(false);
  });
});
