import type { ErrorCode } from '../../shared/errors.js';
import { validateMessage, type MessageByKind } from '../../shared/messages/index.js';
import { SIGNALS } from '../../shared/signals.js';
import { parseTopic, type MessageKind, type TopicAddress } from '../../shared/topics.js';

/**
 * What ingest reads of a health message (its identity, time and interval); the whole of it is
 * stored as its text. The ingest thread sends these fields beside the payload, so the store's
 * thread need not parse the most frequent message at all.
 */
export type HealthHead = Pick<
  MessageByKind['health'],
  'bladeId' | 'bootId' | 'seq' | 'observedAt' | 'intervalS'
>;

/** A message as ingest carries it: a health message by its head. */
type Carried = Omit<MessageByKind, 'health'> & { health: HealthHead };

/** A message that passed every check, with the place its topic names. */
export type ValidMessage = {
  [K in MessageKind]: {
    kind: K;
    topic: string;
    address: TopicAddress;
    message: Carried[K];
    receivedAt: Date;
    /** The message as validated, in JSON, when the ingest thread has already written it. */
    text?: string;
  };
}[MessageKind];

export interface DeadLetterInput {
  topic: string;
  payload: Buffer;
  code: ErrorCode;
  reason: string;
  receivedAt: Date;
}

export type Decoded =
  { ok: true; value: ValidMessage } | { ok: false; deadLetter: DeadLetterInput };

/**
 * Turns one MQTT delivery into a valid message or a dead letter with its reason. Never throws:
 * bad input is data to keep, not an error to crash on.
 */
export function decodeDelivery(topic: string, payload: Buffer, receivedAt: Date): Decoded {
  return decodeParsing(topic, payload, receivedAt).decoded;
}

/** A dead letter as `decodeParsing` gives it: a function, not a closure made per message. */
function rejected(
  topic: string,
  payload: Buffer,
  receivedAt: Date,
  code: DeadLetterInput['code'],
  reason: string,
): { decoded: Decoded } {
  return { decoded: { ok: false, deadLetter: { topic, payload, code, reason, receivedAt } } };
}

/** As `decodeDelivery`, with the payload's JSON as parsed, before validation dropped anything. */
function decodeParsing(
  topic: string,
  payload: Buffer,
  receivedAt: Date,
): { decoded: Decoded; json?: unknown } {
  const parsed = parseTopic(topic);
  if ('error' in parsed)
    return rejected(topic, payload, receivedAt, 'BF_TOPIC_INVALID', parsed.error);

  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return rejected(
      topic,
      payload,
      receivedAt,
      'BF_MESSAGE_INVALID',
      `payload is not JSON: ${(error as Error).message}`,
    );
  }
  const result = validateMessage(parsed.kind, json);
  if (!result.ok)
    return rejected(
      topic,
      payload,
      receivedAt,
      'BF_MESSAGE_INVALID',
      `${parsed.kind}: ${result.reason}`,
    );
  if (result.message.bladeId !== parsed.blade) {
    return rejected(
      topic,
      payload,
      receivedAt,
      'BF_TOPIC_INVALID',
      `topic names blade "${parsed.blade}" but the payload is from "${result.message.bladeId}"`,
    );
  }
  if ('signal' in result.message) {
    const origin = SIGNALS[result.message.signal].origin;
    if (origin !== 'agent') {
      return rejected(
        topic,
        payload,
        receivedAt,
        'BF_MESSAGE_INVALID',
        `event: signal "${result.message.signal}" is raised by the ${origin === 'fleet' ? 'collector' : 'API'}, never by an agent`,
      );
    }
  }
  return { decoded: valid(topic, parsed, result.message, receivedAt), json };
}

/**
 * Whether validation kept all of `input`: the schemas transform no value, so the output is the
 * input less its unknown fields, and every object keeping its count of keys means none went.
 */
function keptWhole(input: unknown, output: unknown): boolean {
  if (typeof output !== 'object' || output === null) return true;
  if (Array.isArray(output)) {
    if (!Array.isArray(input) || input.length !== output.length) return false;
    for (let i = 0; i < output.length; i++) if (!keptWhole(input[i], output[i])) return false;
    return true;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const from = input as Record<string, unknown>;
  const to = output as Record<string, unknown>;
  // Counted by for-in (parsed JSON and validated output are plain objects): no key arrays made
  // for the sixty-odd objects of every health message.
  let missing = 0;
  for (const key in to) {
    if (!keptWhole(from[key], to[key])) return false;
    missing--;
  }
  for (const _ in from) missing++;
  return missing === 0;
}

function valid(
  topic: string,
  { kind, site, frame, blade }: Exclude<ReturnType<typeof parseTopic>, { error: string }>,
  message: unknown,
  receivedAt: Date,
  text?: string,
): Decoded {
  return {
    ok: true,
    value: {
      kind,
      topic,
      address: { site, frame, blade },
      message,
      receivedAt,
      ...(text !== undefined ? { text } : {}),
    } as ValidMessage,
  };
}

/** Identity of a message: `(bladeId, bootId, seq)`. */
export function messageKey(m: { bladeId: string; bootId: string; seq: number }): string {
  return `${m.bladeId}\u0000${m.bootId}\u0000${m.seq}`;
}

/** The ingest thread's verdict on a payload, so the store's thread need not validate it again. */
export type Verdict =
  /** `head`: a health message's fields, so the store's thread need not parse it. */
  { ok: true; head?: HealthHead } | { ok: false; code: ErrorCode; reason: string };

/**
 * Validates a delivery on the ingest thread. A valid message goes on as the JSON of what was
 * validated (unknown fields dropped: as it came when it had none), which the store's thread only
 * parses; an invalid one goes on as it came, with the reason.
 */
export function checkDelivery(
  topic: string,
  payload: Buffer,
): { payload: Buffer; verdict: Verdict } {
  const { decoded, json } = decodeParsing(topic, payload, new Date(0));
  if (!decoded.ok) {
    const { code, reason } = decoded.deadLetter;
    return { payload, verdict: { ok: false, code, reason } };
  }
  const { value } = decoded;
  // Serialised again only when validation dropped something (a newer agent's extra fields).
  const payloadOut = keptWhole(json, value.message)
    ? payload
    : Buffer.from(JSON.stringify(value.message));
  if (value.kind !== 'health') return { payload: payloadOut, verdict: { ok: true } };
  const { bladeId, bootId, seq, observedAt, intervalS } = value.message;
  return {
    payload: payloadOut,
    verdict: { ok: true, head: { bladeId, bootId, seq, observedAt, intervalS } },
  };
}

/** Turns a delivery the ingest thread has checked into a valid message or a dead letter. */
export function acceptChecked(
  topic: string,
  payload: Buffer,
  receivedAt: Date,
  verdict: Verdict,
): Decoded {
  if (!verdict.ok) {
    return {
      ok: false,
      deadLetter: { topic, payload, code: verdict.code, reason: verdict.reason, receivedAt },
    };
  }
  const parsed = parseTopic(topic);
  // Checked on the ingest thread already; a topic that fails here would be a defect.
  if ('error' in parsed) throw new Error(`checked topic is invalid: ${parsed.error}`);
  const text = payload.toString('utf8');
  if (verdict.head && parsed.kind === 'health')
    return valid(topic, parsed, verdict.head, receivedAt, text);
  return valid(topic, parsed, JSON.parse(text) as unknown, receivedAt, text);
}
