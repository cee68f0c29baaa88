import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertDeadLetters } from '../../../collector/ingest/dead-letters.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';
import { storeTargets } from '../../support/stores.js';
import { engineer, observation } from '../../support/tickets.js';

interface Operation {
  summary: string;
  security: unknown[];
  'x-access': unknown;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, { content?: { 'application/json': { schema: unknown } } }>;
}

describe.each(storeTargets)('OpenAPI and metrics on $name', (target) => {
  let h: ApiHarness;
  let lagMs = 0;
  beforeEach(async () => {
    lagMs = 0;
    h = await apiHarness(target, {
      stream: {},
      health: {
        ingest: () => ({
          lagMs,
          storeAvailable: true,
          pending: 3,
          processed: 120,
          duplicates: 4,
          deadLetters: 2,
        }),
      },
    });
  });
  afterEach(() => h.close());

  async function document() {
    const response = await h.as(null, { url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    return response.json() as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
  }

  it('lists every route the app serves, each with its access', async () => {
    const doc = await document();
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = h.app.routeEntries.map(
      (r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`,
    );
    expect(served.length).toBeGreaterThan(30);
    expect(listed.sort()).toEqual([...new Set(served)].sort());
    for (const path of ['/api/stream', '/api/tickets/{id}/close', '/api/contract', '/metrics']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.paths['/api/tickets']!.get!.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
  });

  it('describes bodies, parameters and errors from the schemas the routes validate with', async () => {
    const doc = await document();
    const close = doc.paths['/api/tickets/{id}/close']!.post!;
    expect(close['x-access']).toEqual(['customer', 'engineer']);
    expect(close.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(close.requestBody!.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { consent: expect.any(Object) },
      additionalProperties: false,
    });
    expect(Object.keys(close.responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '422', '500'].sort(),
    );
    const severity = doc.paths['/api/tickets/{id}/severity']!.post!;
    expect(severity.requestBody!.content['application/json'].schema).toMatchObject({
      properties: { to: { type: 'integer', minimum: 1, maximum: 5 } },
      required: ['to', 'reason'],
    });
    const list = doc.paths['/api/tickets']!.get!;
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['state', 'severity', 'site', 'breached', 'limit']),
    );
    expect(doc.components.schemas.Error).toMatchObject({
      required: ['code', 'message', 'details'],
    });
  });

  it('exposes the figures Prometheus scrapes', async () => {
    const opened = await h.tickets.recordObservation(observation(h.clock, { bladeId: 'b1' }));
    await h.tickets.recordObservation(
      observation(h.clock, {
        bladeId: 'b2',
        frameId: 'f2',
        signal: 'filesystem.full',
        component: { kind: 'filesystem', id: '/var', location: null },
        evidence: { usedPercent: 97 },
      }),
    );
    await h.tickets.respond(opened.ticketId!, engineer);
    await insertDeadLetters(h.store.db, [
      {
        topic: 'bladeframe/v1/x/y/z/event',
        payload: Buffer.from('nope'),
        code: 'BF_MESSAGE_INVALID',
        reason: 'not JSON',
        receivedAt: h.clock.now(),
      },
    ]);
    // A clock breach recorded by this collector.
    h.tickets.publish([
      {
        ticketId: opened.ticketId!,
        seq: 99,
        at: h.clock.now().toISOString(),
        actor: { kind: 'system', id: 'collector' },
        type: 'clock-breached',
        data: { clock: 'onsite-response', iteration: 1, dueAt: h.clock.now().toISOString() },
      },
    ]);
    lagMs = 1500;
    const response = await h.as(null, { url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    const value = (line: string) => {
      const found = text.split('\n').find((l) => l.startsWith(line + ' '));
      return found === undefined ? undefined : Number(found.slice(line.length + 1));
    };
    expect(value('bladeframe_ingest_messages_total{outcome="processed"}')).toBe(120);
    expect(value('bladeframe_ingest_messages_total{outcome="dead_letter"}')).toBe(2);
    expect(value('bladeframe_ingest_lag_seconds')).toBe(1.5);
    expect(value('bladeframe_ingest_pending_messages')).toBe(3);
    expect(value('bladeframe_dead_letters')).toBe(1);
    expect(value('bladeframe_tickets_open{severity="2",state="responded"}')).toBe(1);
    expect(value('bladeframe_tickets_open{severity="1",state="open"}')).toBe(0);
    expect(value('bladeframe_tickets_breached_open{severity="2"}')).toBe(0);
    expect(
      value('bladeframe_clock_events_total{type="clock-breached",clock="onsite-response"}'),
    ).toBe(1);
    expect(value('bladeframe_stream_clients')).toBe(0);
    expect(text).toMatch(/^bladeframe_process_cpu_seconds_total /m);
    expect(text).toMatch(/^# HELP bladeframe_tickets_open /m);
  });
});
