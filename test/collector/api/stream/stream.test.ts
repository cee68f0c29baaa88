import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alert, appendActivity } from '../../../../collector/activity/activity-log.js';
import { visibleTo } from '../../../../collector/api/stream/visibility.js';
import { ROLES } from '../../../../collector/domain/ticket-events.js';
import { IngestProcessor } from '../../../../collector/ingest/ingest-processor.js';
import { apiHarness, type ApiHarness } from '../../../support/api.js';
import { bytes, FakeBlade } from '../../../support/messages.js';
import { stalledClient, StreamTestClient, type Received } from '../../../support/stream.js';
import { storeTargets } from '../../../support/stores.js';
import { engineer, observation } from '../../../support/tickets.js';
import { until } from '../../../support/wait.js';

describe.each(storeTargets)('live stream on $name', (target) => {
  let h: ApiHarness;
  const clients: StreamTestClient[] = [];
  const sockets: Socket[] = [];

  beforeEach(async () => {
    h = await apiHarness(target, { stream: { heartbeatMs: 15_000, maxBufferedBytes: 256 * 1024 } });
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await h.close();
  });

  async function open(role = 'operations' as (typeof ROLES)[number], query = {}) {
    const client = await StreamTestClient.open(h.baseUrl, h.tokens[role], query);
    clients.push(client);
    return client;
  }

  /** Connected and live from the head (no resume wait). */
  async function live(role = 'operations' as (typeof ROLES)[number]) {
    await h.hub!.flush();
    const client = await open(role, { since: h.hub!.stats().head });
    await client.waitForType('live');
    return client;
  }

  /** A fault on a blade of a frame of its own (never a storm). */
  async function fault(bladeId: string) {
    const { ticketId } = await h.tickets.recordObservation(
      observation(h.clock, { bladeId, frameId: `frame-${bladeId}` }),
    );
    return ticketId!;
  }

  const ticketEvents = (c: StreamTestClient) => c.events().filter((m) => m.type === 'ticket.event');

  it('says hello, then streams ticket events with the ticket as it stands', async () => {
    const client = await live('engineer');
    expect(client.messages[0]).toMatchObject({
      type: 'hello',
      data: { name: 'engineer', role: 'engineer', heartbeatMs: 15_000 },
    });
    const id = await fault('b1');
    await h.as('engineer', { method: 'POST', url: `/api/tickets/${id}/respond` });
    await client.waitFor((m) => m.some((x) => x.data.type === 'responded'), 'responded');
    const [opened, responded] = ticketEvents(client);
    expect(opened).toMatchObject({
      type: 'ticket.event',
      data: {
        type: 'opened',
        ticketId: id,
        seq: 1,
        actor: { kind: 'system' },
        ticket: { id, severity: 2, siteId: 'nj1', bladeId: 'b1' },
      },
    });
    expect(responded).toMatchObject({
      data: {
        type: 'responded',
        actor: { kind: 'user', id: 'engineer', role: 'engineer' },
        ticket: { id, state: 'responded' },
      },
    });
    // Ids are ordered cursors: each one past the one before.
    const ids = ticketEvents(client).map((m) => m.id.split('-').map(Number));
    expect(ids[1]![0]).toBeGreaterThan(ids[0]![0]!);
  });

  it('streams blade state changes and alerts from the activity log', async () => {
    const client = await live();
    const blade = new FakeBlade({ site: 'nj1', frame: 'f1', blade: 'a1' }, undefined, () =>
      h.clock.now(),
    );
    const processor = new IngestProcessor({
      db: h.store.db,
      tickets: h.tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 },
    });
    await processor.process([
      { topic: blade.topic('birth'), payload: bytes(blade.birth()), receivedAt: h.clock.now() },
    ]);
    h.clock.advance(1000);
    await processor.process([
      {
        topic: blade.topic('state'),
        payload: bytes(blade.state('offline', 'will')),
        receivedAt: h.clock.now(),
      },
    ]);
    await appendActivity(h.store.db, [
      alert(h.clock.now().toISOString(), {
        kind: 'spares.low',
        severity: 'warning',
        message: 'Site nj1 has no full spare set',
        siteId: 'nj1',
      }),
    ]);
    h.hub!.poke();
    await client.waitForType('alert');
    expect(client.events().map((m) => [m.type, m.data.state ?? m.data.kind])).toEqual([
      ['blade.state', 'online'],
      ['blade.state', 'offline'],
      ['alert', 'spares.low'],
    ]);
    expect(client.events()[1]!.data).toMatchObject({
      bladeId: 'a1',
      siteId: 'nj1',
      frameId: 'f1',
      previous: 'online',
    });
  });

  it('catches up a client that reconnects with the last id it saw, then goes live', async () => {
    const first = await live();
    const a = await fault('b1');
    await first.waitFor(() => ticketEvents(first).length === 1, 'first event');
    const seen = first.lastId();
    await first.close();

    // Missed while away: a response, a new fault, a note.
    await h.tickets.respond(a, engineer);
    const b = await fault('b2');
    await h.tickets.addNote(b, engineer, { text: 'seen overnight' });
    await h.hub!.flush();

    const again = await open('operations', { since: seen });
    await again.waitForType('live');
    expect(ticketEvents(again).map((m) => [m.data.ticketId, m.data.type])).toEqual([
      [a, 'responded'],
      [b, 'opened'],
      [b, 'note'],
    ]);
    // Then live, nothing doubled.
    await h.tickets.addNote(a, engineer, { text: 'live again' });
    await again.waitFor(() => ticketEvents(again).length === 4, 'the live note');
    const types = again.messages.map((m) => m.type);
    expect(types.indexOf('live')).toBeLessThan(types.lastIndexOf('ticket.event'));
    expect(new Set(ticketEvents(again).map((m) => m.id)).size).toBe(4);

    // The same by a first message instead of the query.
    const resumed = await open('operations');
    resumed.socket.send(JSON.stringify({ resume: seen }));
    await resumed.waitForType('live');
    expect(ticketEvents(resumed).map((m) => m.data.type)).toEqual([
      'responded',
      'opened',
      'note',
      'note',
    ]);
  });

  it('starts at the head when no id is given, after waiting briefly for a resume', async () => {
    await fault('b1');
    await h.hub!.flush();
    const client = await open();
    h.clock.advance(250);
    await client.waitForType('live');
    expect(ticketEvents(client)).toEqual([]);
    await fault('b2');
    await client.waitFor(() => ticketEvents(client).length === 1, 'the new fault');
  });

  it('with no client, moves its head once the pokes of the idle gather are in', async () => {
    await h.hub!.flush();
    const before = h.hub!.stats();
    await fault('b1');
    await fault('b2');
    // Each fault's events poked the hub; with no one listening it waits for more.
    expect(h.hub!.stats().head).toBe(before.head);
    h.clock.advance(h.hub!.settings.idleGatherMs);
    await until(() => h.hub!.stats().head !== before.head, { what: 'the head to move' });
    await h.hub!.flush();
    const after = h.hub!.stats();
    expect(after.messages).toBeGreaterThan(before.messages);
    // A client that connects now starts past both faults.
    const client = await open();
    h.clock.advance(250);
    await client.waitForType('live');
    expect(ticketEvents(client)).toEqual([]);
  });

  it('pages a long catch-up in order', async () => {
    h.hub!.settings.pageSize = 7;
    await h.hub!.flush();
    const from = h.hub!.stats().head;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await fault(`b${i}`));
    await h.hub!.flush();
    const client = await open('customer', { since: from });
    await client.waitForType('live');
    expect(ticketEvents(client).map((m) => m.data.ticketId)).toEqual(ids);
  });

  it('refuses the upgrade without a token or with a malformed id', async () => {
    // A raw socket: the HTTP answer to a refused upgrade, as a browser would get it.
    const refused = async (query: string, token?: string) => {
      const { port } = new URL(h.baseUrl);
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `GET /api/stream?${query} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n` +
          'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
          (token ? `Authorization: Bearer ${token}\r\n` : '') +
          '\r\n',
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += String(chunk)));
      await new Promise((resolve) => socket.once('close', resolve));
      const [head, body] = text.split('\r\n\r\n');
      return {
        status: Number(head!.split(' ')[1]),
        body: JSON.parse(body!) as { code: string },
      };
    };
    expect(await refused('')).toMatchObject({ status: 401, body: { code: 'BF_UNAUTHENTICATED' } });
    expect(await refused('since=yesterday', h.tokens.operations)).toMatchObject({
      status: 400,
      body: { code: 'BF_BAD_REQUEST' },
    });
    const plain = await h.as('operations', { url: '/api/stream' });
    expect(plain.statusCode).toBe(400);
  });

  it('filters by role in one place: every role that reads sees every message', async () => {
    const all = await Promise.all(ROLES.map((role) => live(role)));
    await fault('b1');
    for (const client of all)
      await client.waitFor(() => ticketEvents(client).length === 1, 'event');
    for (const role of ROLES) {
      expect(visibleTo(role, { type: 'alert', data: {} as never })).toBe(true);
    }
  });

  it('drops a client whose token is revoked, at the next heartbeat', async () => {
    const user = await h.auth.createUser({ name: 'leaving', role: 'operations' });
    const { token, record } = await h.auth.issueToken(user.id);
    await h.hub!.flush();
    const client = await StreamTestClient.open(h.baseUrl, token, { since: h.hub!.stats().head });
    clients.push(client);
    await client.waitForType('live');
    h.clock.advance(15_000);
    await client.waitForType('heartbeat');
    await h.auth.revokeToken(record.id);
    h.clock.advance(15_000);
    await until(() => client.closed, { what: 'close' });
    expect(client.closed).toEqual({ code: 4401, reason: 'token no longer valid' });
  });

  it('drops a client that answers no ping', async () => {
    await h.hub!.flush();
    const socket = await stalledClient(h.baseUrl, h.tokens.operations, h.hub!.stats().head);
    sockets.push(socket);
    await until(() => h.hub!.stats().clients === 1, { what: 'connected' });
    h.clock.advance(15_000);
    h.clock.advance(15_000);
    await until(() => h.hub!.stats().clients === 0, { what: 'dropped' });
    expect(h.hub!.stats().droppedDead).toBe(1);
  });

  it('drops a client that stops reading, without delaying the others or the store', async () => {
    const fast = await live();
    await h.hub!.flush();
    const slow = await stalledClient(h.baseUrl, h.tokens.operations, h.hub!.stats().head);
    sockets.push(slow);
    await until(
      () => h.hub!.clients.size === 2 && [...h.hub!.clients].every((c) => c.state === 'live'),
      {
        what: 'both live',
      },
    );
    // 40 reads of 96 alerts of 4 KiB: each read fits the 256 KiB allowance, the whole (15 MiB)
    // is far more than the socket buffers and the allowance hold.
    const padding = 'x'.repeat(4 * 1024);
    const at = h.clock.now().toISOString();
    for (let batch = 0; batch < 40; batch++) {
      await appendActivity(
        h.store.db,
        Array.from({ length: 96 }, (_, i) =>
          alert(at, {
            kind: 'test.padding',
            severity: 'info',
            message: `alert ${batch * 96 + i}`,
            padding,
          }),
        ),
      );
      // The fan-out never waits for a client: each read completes while the slow one is stuck.
      await h.hub!.flush();
      // The alerts arrive over time: let the sockets do their I/O between them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await fast.waitFor(
      (m) => m.filter((x) => x.type === 'alert').length === 3840,
      'all alerts',
      30_000,
    );
    expect(h.hub!.stats()).toMatchObject({ clients: 1, droppedSlow: 1 });
    // Ingest goes on meanwhile: a fault still lands and reaches the live client.
    await fault('b9');
    await fast.waitFor(() => ticketEvents(fast).length === 1, 'the fault after the flood');
    expect(
      fast
        .events()
        .filter((m: Received) => m.type === 'alert')
        .map((m) => m.data.message),
    ).toEqual(Array.from({ length: 3840 }, (_, i) => `alert ${i}`));
  });
});
