import type {
  BirthMessage,
  EventMessage,
  HealthMessage,
  StateMessage,
} from '../../shared/messages/index.js';
import { buildTopic, type MessageKind, type TopicAddress } from '../../shared/topics.js';

/**
 * Agent-shaped messages for tests and benchmarks: a blade with its own boot and sequence, so
 * every message carries a fresh identity unless a test repeats one on purpose.
 */
export class FakeBlade {
  seq = 0;
  constructor(
    readonly address: TopicAddress,
    public bootId = `boot-${Math.random().toString(36).slice(2, 10)}`,
    public clock: () => Date = () => new Date(),
  ) {}

  topic(kind: MessageKind): string {
    return buildTopic(this.address, kind);
  }

  private envelope() {
    return {
      v: 1 as const,
      bladeId: this.address.blade,
      bootId: this.bootId,
      seq: this.seq++,
      observedAt: this.clock().toISOString(),
    };
  }

  birth(overrides: Partial<BirthMessage['inventory']> = {}, heartbeatIntervalS = 60): BirthMessage {
    return {
      ...this.envelope(),
      heartbeatIntervalS,
      inventory: {
        hostname: `${this.address.blade}.example`,
        bladeType: 'BladeFrame pBlade 4x',
        vendor: 'Egenera',
        serial: `SN-${this.address.blade}`,
        firmware: { bios: '2.1.7', biosDate: '2025-03-01', bmc: '1.42' },
        os: { distro: 'Debian GNU/Linux', release: '12' },
        kernel: '6.1.0-18-amd64',
        arch: 'x64',
        cpus: 16,
        memoryBytes: 68_719_476_736,
        agentVersion: '0.1.0',
        environment: 'production',
        software: [{ product: 'PAN Manager', version: '5.2' }],
        ...overrides,
      },
    };
  }

  state(state: 'online' | 'offline', cause: StateMessage['cause']): StateMessage {
    return { ...this.envelope(), state, cause };
  }

  health(intervalS = 60): HealthMessage {
    return {
      ...this.envelope(),
      intervalS,
      uptimeS: 3600,
      load: { one: 0.5, five: 0.4, fifteen: 0.3 },
      cpu: { count: 16, busyPercent: 12.5 },
      memory: {
        totalBytes: 68_719_476_736,
        availableBytes: 34_359_738_368,
        swapTotalBytes: 0,
        swapFreeBytes: 0,
      },
      filesystems: [
        {
          mount: '/',
          device: '/dev/sda1',
          fstype: 'ext4',
          sizeBytes: 1e11,
          usedBytes: 4e10,
          readOnly: false,
        },
      ],
      temperatures: [],
      fans: [],
      counters: {
        edacCorrectable: 0,
        edacUncorrectable: 0,
        aerCorrectable: null,
        aerNonfatal: null,
        aerFatal: null,
        machineChecks: 0,
        oomKills: 0,
      },
      probes: [{ name: 'edac', ok: true, durationMs: 0.4 }],
      outbox: { queued: 0, bytes: 0, droppedHealth: 0, droppedFaults: 0 },
    };
  }

  event(
    signal: EventMessage['signal'] = 'memory.ecc.uncorrectable',
    status: EventMessage['status'] = 'active',
    component: EventMessage['component'] = {
      kind: 'dimm',
      id: 'mc0/csrow1/ch0',
      location: 'CPU0_DIMM_A1',
    },
  ): EventMessage {
    return {
      ...this.envelope(),
      signal,
      status,
      component,
      evidence: { ue_count: 1, delta: 1 },
      summary: `${signal} on ${component.id}`,
    };
  }
}

export const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
