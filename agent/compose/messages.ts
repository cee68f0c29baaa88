import type { Clock } from '../../shared/clock.js';
import {
  PROTOCOL_VERSION,
  type BirthMessage,
  type Envelope,
  type EventMessage,
  type HealthMessage,
  type Inventory,
  type MessageByKind,
  type StateMessage,
} from '../../shared/messages/index.js';
import { buildTopic, type MessageKind } from '../../shared/topics.js';
import type { Observation } from '../detect/observation.js';
import type { Identity } from '../identity.js';

/** A message ready to leave: what `collect --json` prints and the link publishes. */
export interface Outgoing<K extends MessageKind = MessageKind> {
  kind: K;
  topic: string;
  payload: MessageByKind[K];
  retain: boolean;
}

/** Hands out sequence numbers, monotonic per (bladeId, bootId). */
export interface SequenceSource {
  next(): number;
}

export class CountingSequence implements SequenceSource {
  constructor(private value = 0) {}
  next(): number {
    return this.value++;
  }
}

/** Builds every message the agent sends, each with its envelope. */
export class MessageFactory {
  constructor(
    readonly identity: Identity,
    private readonly sequence: SequenceSource,
    private readonly clock: Clock,
  ) {}

  topic(kind: MessageKind): string {
    return buildTopic(this.identity, kind);
  }

  private envelope(): Envelope {
    return {
      v: PROTOCOL_VERSION,
      bladeId: this.identity.blade,
      bootId: this.identity.bootId,
      seq: this.sequence.next(),
      observedAt: this.clock.now().toISOString(),
    };
  }

  private wrap<K extends MessageKind>(
    kind: K,
    payload: MessageByKind[K],
    retain = false,
  ): Outgoing<K> {
    return { kind, topic: this.topic(kind), payload, retain };
  }

  birth(inventory: Inventory, heartbeatIntervalS: number): Outgoing<'birth'> {
    const payload: BirthMessage = { ...this.envelope(), inventory, heartbeatIntervalS };
    return this.wrap('birth', payload);
  }

  /** Retained: a new subscriber (a restarted collector) learns every blade's state at once. */
  state(state: StateMessage['state'], cause: StateMessage['cause']): Outgoing<'state'> {
    return this.wrap('state', { ...this.envelope(), state, cause }, true);
  }

  health(body: Omit<HealthMessage, keyof Envelope>): Outgoing<'health'> {
    return this.wrap('health', { ...this.envelope(), ...body });
  }

  event(o: Observation): Outgoing<'event'> {
    const payload: EventMessage = {
      ...this.envelope(),
      signal: o.signal,
      status: o.status,
      component: o.component,
      evidence: o.evidence,
      summary: o.summary,
    };
    return this.wrap('event', payload);
  }

  testCall(note: string): Outgoing<'event'> {
    return this.event({
      signal: 'test.call',
      status: 'active',
      component: { kind: 'agent', id: 'test-call', location: null },
      evidence: { requestedAt: this.clock.now().toISOString(), note },
      summary: `Test call from ${this.identity.blade}: ${note}`.slice(0, 500),
    });
  }
}
