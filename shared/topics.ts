/**
 * The MQTT topic layout shared by agent and collector:
 * `bladeframe/v1/<site>/<frame>/<blade>/<kind>`.
 */
export const TOPIC_ROOT = 'bladeframe/v1';

export const MESSAGE_KINDS = ['birth', 'state', 'health', 'event'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Site, frame and blade names: no MQTT wildcards, no separators, printable. */
export const SEGMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface TopicAddress {
  site: string;
  frame: string;
  blade: string;
}

export interface ParsedTopic extends TopicAddress {
  kind: MessageKind;
}

export function isValidSegment(value: string): boolean {
  return SEGMENT_PATTERN.test(value);
}

export function buildTopic(address: TopicAddress, kind: MessageKind): string {
  for (const [name, value] of Object.entries(address)) {
    if (!isValidSegment(value)) {
      throw new Error(`invalid ${name} "${value}" for a topic segment (${SEGMENT_PATTERN})`);
    }
  }
  return `${TOPIC_ROOT}/${address.site}/${address.frame}/${address.blade}/${kind}`;
}

/** Parses a topic; returns a reason string instead of throwing so ingest can dead-letter it. */
export function parseTopic(topic: string): ParsedTopic | { error: string } {
  const parts = topic.split('/');
  if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { error: `topic "${topic}" is not ${TOPIC_ROOT}/<site>/<frame>/<blade>/<kind>` };
  }
  const [, , site, frame, blade, kind] = parts as [string, string, string, string, string, string];
  for (const [name, value] of [
    ['site', site],
    ['frame', frame],
    ['blade', blade],
  ] as const) {
    if (!isValidSegment(value)) return { error: `topic ${name} "${value}" is not a valid name` };
  }
  if (!(MESSAGE_KINDS as readonly string[]).includes(kind)) {
    return { error: `topic kind "${kind}" is not one of ${MESSAGE_KINDS.join(', ')}` };
  }
  return { site, frame, blade, kind: kind as MessageKind };
}

/** Subscription used by collectors; `$share/` splits the load where the broker supports it. */
export function collectorSubscription(shared: boolean, group = 'collectors'): string {
  const filter = `${TOPIC_ROOT}/+/+/+/#`;
  return shared ? `$share/${group}/${filter}` : filter;
}
