import type { ErrorCode } from '../../shared/errors.js';
import { validateMessage, type MessageByKind } from '../../shared/messages/index.js';
import { SIGNALS } from '../../shared/signals.js';
import { parseTopic, type MessageKind, type TopicAddress } from '../../shared/topics.js';

/** A message that passed every check, with the place its topic names. */
export type ValidMessage = {
  [K in MessageKind]: {
    kind: K;
    topic: string;
    address: TopicAddress;
    message: MessageByKind[K];
    receivedAt: Date;
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
  const reject = (code: DeadLetterInput['code'], reason: string): Decoded => ({
    ok: false,
    deadLetter: { topic, payload, code, reason, receivedAt },
  });
  const parsed = parseTopic(topic);
  if ('error' in parsed) return reject('BF_TOPIC_INVALID', parsed.error);

  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return reject('BF_MESSAGE_INVALID', `payload is not JSON: ${(error as Error).message}`);
  }
  const result = validateMessage(parsed.kind, json);
  if (!result.ok) return reject('BF_MESSAGE_INVALID', `${parsed.kind}: ${result.reason}`);
  if (result.message.bladeId !== parsed.blade) {
    return reject(
      'BF_TOPIC_INVALID',
      `topic names blade "${parsed.blade}" but the payload is from "${result.message.bladeId}"`,
    );
  }
  if ('signal' in result.message) {
    const origin = SIGNALS[result.message.signal].origin;
    if (origin !== 'agent') {
      return reject(
        'BF_MESSAGE_INVALID',
        `event: signal "${result.message.signal}" is raised by the ${origin === 'fleet' ? 'collector' : 'API'}, never by an agent`,
      );
    }
  }
  const { site, frame, blade } = parsed;
  return {
    ok: true,
    value: {
      kind: parsed.kind,
      topic,
      address: { site, frame, blade },
      message: result.message,
      receivedAt,
    } as ValidMessage,
  };
}

/** Identity of a message: `(bladeId, bootId, seq)`. */
export function messageKey(m: { bladeId: string; bootId: string; seq: number }): string {
  return `${m.bladeId}\u0000${m.bootId}\u0000${m.seq}`;
}
