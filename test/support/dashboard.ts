import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../collector/domain/ticket-events.js';
import { CollectorRuntime } from '../../collector/runtime.js';
import { loadContract } from '../../collector/sla/load-contract.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { Contract } from '../../shared/config/contract.js';
import type { EventMessage } from '../../shared/messages/index.js';
import { launchChromium } from './browser.js';
import type { TestBroker } from './broker.js';
import { testCollectorConfig } from './collector.js';
import { bytes, FakeBlade } from './messages.js';
import type { TestDataLocation } from './stores.js';
import { until } from './wait.js';

export const ROLE_USERS: Record<Role, string> = {
  operations: 'Lee Okafor',
  engineer: 'Ana Ruiz',
  customer: 'Dana Whitfield',
  admin: 'Kim Admin',
};

/**
 * The example contract with the test's own sites, and a detection skew wide enough that a
 * fault observed hours ago counts from then: the tests put clocks at any point of their run.
 */
export function dashboardContract(sites: { id: string; name: string }[]): Contract {
  const example = loadContract();
  const template = example.sites[0]!;
  return {
    ...example,
    detection: { maxSkew: 7 * 24 * 3_600_000 },
    sites: sites.map((s) => ({
      ...template,
      id: s.id,
      name: s.name,
      spareSets: template.spareSets.map((set, i) => ({
        ...set,
        id: i === 0 ? `${s.id}-spares-a` : `${s.id}-${set.id}`,
      })),
    })),
  };
}

/**
 * A real collector (broker, SQLite, ingest, clocks, HTTP with the dashboard) for browser tests,
 * a publisher shaped like the blades' agents, a user and token per role, and Chromium.
 */
export class DashboardHarness {
  readonly tokens = {} as Record<Role, string>;
  private publisher: MqttClient | undefined;
  private readonly blades = new Map<string, FakeBlade>();
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly runtime: CollectorRuntime,
    readonly broker: TestBroker,
    readonly browser: Browser,
    private readonly location: TestDataLocation,
    readonly clock: Clock,
    /** How far the collector's time is ahead of real time (the browser's is put there too). */
    private readonly shift: { ms: number },
  ) {}

  static async start(options: {
    broker: TestBroker;
    location: TestDataLocation;
    sites: { id: string; name: string }[];
    /** Topic filter's site; default the first site (a shared broker carries other tests too). */
    topicSite?: string;
    fleet?: Record<string, unknown>;
    /**
     * Run the collector and the browser as if it were this moment (time still flows): a picture
     * that does not depend on the hour it is taken (business hours change the clocks).
     */
    now?: string;
  }): Promise<DashboardHarness> {
    const site = options.topicSite ?? options.sites[0]!.id;
    const config = testCollectorConfig(options.broker, site, options.location, {
      fleet: options.fleet ?? {},
    });
    const shift = { ms: options.now ? Date.parse(options.now) - Date.now() : 0 };
    // Real time, shifted: timers run as usual, and `advance` moves everyone's now forward.
    const clock: Clock = {
      now: () => new Date(Date.now() + shift.ms),
      setTimeout: systemClock.setTimeout,
    };
    const runtime = new CollectorRuntime({
      config,
      clock,
      contract: dashboardContract(options.sites),
    });
    await runtime.start();
    // Messages published before the collector's first subscription would reach nobody.
    await until(() => runtime.ingest!.status().subscribed, { what: 'subscription' });
    const browser = await launchChromium();
    const harness = new DashboardHarness(
      runtime,
      options.broker,
      browser,
      options.location,
      clock,
      shift,
    );
    const auth = runtime.auth!;
    for (const role of Object.keys(ROLE_USERS) as Role[]) {
      const user = await auth.createUser({ name: ROLE_USERS[role], role });
      harness.tokens[role] = (await auth.issueToken(user.id, { label: 'browser test' })).token;
    }
    return harness;
  }

  /**
   * Moves the collector's time forward at once (e.g. past the liveness grace after a start), as
   * if that long had gone by. Pages opened later see the same time.
   */
  advance(ms: number): void {
    this.shift.ms += ms;
  }

  get url(): string {
    return this.runtime.httpUrl;
  }

  /** A fresh browser context (its own sessionStorage) on the dashboard, logged in as `role`. */
  async open(role: Role | null, viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await this.browser.newContext({ viewport, reducedMotion: 'reduce' });
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    if (this.shift.ms !== 0) {
      await page.clock.install({ time: this.clock.now() });
    }
    await page.goto(this.url);
    if (role) await login(page, this.tokens[role]);
    return page;
  }

  private async client(): Promise<MqttClient> {
    this.publisher ??= await mqtt.connectAsync(this.broker.url, {
      protocolVersion: this.broker.protocolVersion,
      clientId: `dashboard-test-${Math.random().toString(36).slice(2, 10)}`,
      reconnectPeriod: 0,
    });
    return this.publisher;
  }

  blade(site: string, frame: string, blade: string): FakeBlade {
    const key = `${site}/${frame}/${blade}`;
    let b = this.blades.get(key);
    if (!b) {
      b = new FakeBlade({ site, frame, blade }, undefined, () => this.clock.now());
      this.blades.set(key, b);
    }
    return b;
  }

  /** Publishes as the agent of a blade would (QoS 1). */
  async publish(
    b: FakeBlade,
    kind: 'birth' | 'state' | 'health' | 'event',
    message: unknown,
    retain = false,
  ) {
    const client = await this.client();
    await client.publishAsync(b.topic(kind), bytes(message), { qos: 1, retain });
  }

  /** A blade calling in: birth, online, a first health snapshot. */
  async bringUp(site: string, frame: string, blade: string, heartbeatS = 60): Promise<FakeBlade> {
    const b = this.blade(site, frame, blade);
    await this.publish(b, 'birth', b.birth({}, heartbeatS));
    await this.publish(b, 'state', b.state('online', 'connect'));
    await this.publish(b, 'health', b.health(heartbeatS));
    return b;
  }

  /** A fault observed `agoMs` before now, with the summary and evidence an agent would send. */
  async fault(
    b: FakeBlade,
    signal: EventMessage['signal'],
    options: {
      agoMs?: number;
      component?: EventMessage['component'];
      evidence?: EventMessage['evidence'];
      summary?: string;
    } = {},
  ): Promise<void> {
    const base = b.event(signal, 'active', options.component);
    await this.publish(b, 'event', {
      ...base,
      observedAt: new Date(this.clock.now().getTime() - (options.agoMs ?? 0)).toISOString(),
      evidence: options.evidence ?? base.evidence,
      summary: options.summary ?? base.summary,
    });
  }

  /** Waits until the collector holds a ticket for the blade and signal; returns its id. */
  async ticketFor(bladeId: string, signal: string): Promise<string> {
    const row = await until(
      () =>
        this.runtime
          .store!.db.selectFrom('tickets')
          .select('id')
          .where('blade_id', '=', bladeId)
          .where('signal', '=', signal)
          .executeTakeFirst(),
      { what: `a ${signal} ticket for ${bladeId}` },
    );
    return String(row.id);
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.publisher?.endAsync().catch(() => undefined);
    await this.runtime.stop();
    await this.location.drop();
  }
}

/** Logs in through the form, as a person would. */
export async function login(page: Page, token: string): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: /Tickets by next due clock/ }).waitFor();
}
