/**
 * The MQTT topic layout shared by agent and collector:
 * `bladeframe/v1/<site>/<frame>/<blade>/<kind>`.
 */
export const TOPIC_ROOT = 'bladeframe/v1';
const ROOT_PARTS = TOPIC_ROOT.split('/') as [string, string];

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

function badSegment(name: string, value: string): { error: string } | null {
  return isValidSegment(value) ? null : { error: `topic ${name} "${value}" is not a valid name` };
}

/** Parses a topic; returns a reason string instead of throwing so ingest can dead-letter it. */
export function parseTopic(topic: string): ParsedTopic | { error: string } {
  // Runs for every message on both ingest threads: no allocation beyond the split.
  const parts = topic.split('/');
  if (parts.length !== 6 || parts[0] !== ROOT_PARTS[0] || parts[1] !== ROOT_PARTS[1]) {
    return { error: `topic "${topic}" is not ${TOPIC_ROOT}/<site>/<frame>/<blade>/<kind>` };
  }
  const [, , site, frame, blade, kind] = parts as [string, string, string, string, string, string];
  const bad = badSegment('site', site) ?? badSegment('frame', frame) ?? badSegment('blade', blade);
  if (bad) return bad;
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
