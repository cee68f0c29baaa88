import type { Clock } from '../shared/clock.js';
import type { AgentConfig } from '../shared/config/agent-config.js';
import { healthBody } from './compose/health.js';
import { gatherInventory } from './compose/inventory.js';
import { CountingSequence, MessageFactory, type Outgoing } from './compose/messages.js';
import { Cycle } from './cycle.js';
import { emptyDetectState } from './detect/detect-state.js';
import type { HostAdapter } from './host/host-adapter.js';
import { resolveIdentity } from './identity.js';

/**
 * One full cycle with no network and no state: the birth, state and health messages and every
 * observation, exactly as they would be published. Detection starts from a fresh state, so the
 * events show everything the counters and conditions say since boot.
 */
export async function collectOnce(
  config: AgentConfig,
  host: HostAdapter,
  clock: Clock,
): Promise<Outgoing[]> {
  const identity = resolveIdentity(config);
  const factory = new MessageFactory(identity, new CountingSequence(), clock);
  const intervalS = config.intervals.heartbeat / 1000;
  const inventory = await gatherInventory(config, identity, host);
  const cycle = new Cycle(config, host, clock, emptyDetectState(identity.bootId));
  const { runs, observations } = await cycle.run();
  const outbox = { queued: 0, bytes: 0, droppedHealth: 0, droppedFaults: 0 };
  return [
    factory.birth(inventory, intervalS),
    factory.state('online', 'connect'),
    factory.health(healthBody(runs, intervalS, outbox)),
    ...observations.map((o) => factory.event(o)),
  ];
}

/** The human view of `collect` (without --json). */
export function describeOutgoing(messages: readonly Outgoing[]): string[] {
  const lines: string[] = [];
  for (const m of messages) {
    const p = m.payload as unknown as Record<string, unknown>;
    switch (m.kind) {
      case 'birth': {
        const inv = (p as { inventory: Record<string, unknown> }).inventory;
        lines.push(`birth   ${m.topic}`, `        ${inv.bladeType} serial ${inv.serial ?? '-'}`);
        lines.push(`        kernel ${inv.kernel}, agent ${inv.agentVersion}`);
        break;
      }
      case 'state':
        lines.push(`state   ${m.topic}  ${p.state} (${p.cause})`);
        break;
      case 'health': {
        const probes = p.probes as { name: string; ok: boolean; error?: string }[];
        const failed = probes.filter((x) => !x.ok);
        lines.push(
          `health  ${m.topic}  ${probes.length - failed.length}/${probes.length} probes ok`,
          ...failed.map((x) => `        ${x.name}: ${x.error}`),
        );
        break;
      }
      case 'event':
        lines.push(`event   ${p.signal} ${p.status}: ${p.summary}`);
        break;
    }
  }
  return lines;
}
