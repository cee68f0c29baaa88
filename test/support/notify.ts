import { notifyConfigSchema, type NotifyConfig } from '../../shared/config/notify-config.js';
import { Notifier } from '../../collector/notify/notifier.js';
import type { StoreTarget } from './stores.js';
import { contract, ticketHarness, type TicketHarness } from './tickets.js';

/** A notify section as a test writes it (YAML-shaped input), validated like the real one. */
export function notifyConfig(input: Record<string, unknown> = {}): NotifyConfig {
  return notifyConfigSchema.parse({
    dashboardUrl: 'https://callhome.example.net',
    ...input,
    delivery: {
      initialBackoff: '30s',
      maxBackoff: '10m',
      timeout: '5s',
      ...(input.delivery as object),
    },
  });
}

export interface NotifyHarness extends TicketHarness {
  config: NotifyConfig;
  notifier: Notifier;
  /** Another collector's notifier on the same store (a restart, or a second collector). */
  another(owner?: string): Notifier;
}

/**
 * The ticket harness (fresh store, manual clock at a business-hours Monday, example contract)
 * with a notifier whose jitter is fixed at zero spread, so backoff times are exact.
 */
export async function notifyHarness(
  target: StoreTarget,
  input: Record<string, unknown> = {},
): Promise<NotifyHarness> {
  const h = await ticketHarness(target);
  const config = notifyConfig(input);
  const make = (owner?: string) =>
    new Notifier({
      db: h.store.db,
      clock: h.clock,
      config,
      contract,
      tickets: h.service,
      random: () => 0.5,
      ...(owner ? { owner } : {}),
    });
  const notifier = make('collector-a');
  const extra: Notifier[] = [];
  return {
    ...h,
    config,
    notifier,
    another(owner = 'collector-b') {
      const n = make(owner);
      extra.push(n);
      return n;
    },
    async close() {
      for (const n of [notifier, ...extra]) await n.stop();
      await h.close();
    },
  };
}
