import type { IPublishPacket, MqttClient } from 'mqtt';

/**
 * Returned to mqtt.js from `handleMessage` so that it neither sends the PUBACK itself nor waits:
 * mqtt.js hands messages over one at a time and sends each PUBACK only when the previous
 * `handleMessage` callback has run, which would mean one message per transaction. Passing an
 * error skips its PUBACK and moves on to the next packet; we send the PUBACK ourselves once the
 * batch holding the message is durable.
 */
export const ACK_DEFERRED = Object.freeze(new Error('acknowledged after the batch commits'));

interface PacketWriter {
  _sendPacket(
    packet: { cmd: 'puback'; messageId: number; reasonCode?: number },
    cb?: (error?: Error) => void,
  ): void;
  connected: boolean;
}

/**
 * Sends the PUBACK of a QoS 1 message. mqtt.js has no public call for a deferred PUBACK, so this
 * uses the client's own packet writer, exactly as its QoS 1 handler does.
 */
export function sendPuback(
  client: MqttClient,
  packet: IPublishPacket,
  protocolVersion: 4 | 5,
): boolean {
  const writer = client as unknown as PacketWriter;
  if (!writer.connected || packet.messageId === undefined) return false;
  writer._sendPacket({
    cmd: 'puback',
    messageId: packet.messageId,
    ...(protocolVersion === 5 ? { reasonCode: 0 } : {}),
  });
  return true;
}
