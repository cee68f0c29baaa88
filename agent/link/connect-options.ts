import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { AgentConfig } from '../../shared/config/agent-config.js';
import { BladeframeError } from '../../shared/errors.js';
import type { TopicAddress } from '../../shared/topics.js';

function readCredential(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new BladeframeError('BF_CREDENTIALS_UNREADABLE', `${what} ${path}: ${code}`, [
      `${what}: ${path}: ${code}`,
    ]);
  }
}

export function defaultClientId(address: TopicAddress): string {
  return `bladeframe-${address.site}-${address.frame}-${address.blade}`;
}

/**
 * MQTT connection options from the configuration, credential files read once at start (a
 * missing file is a clear error then, not a reconnect loop). The session is persistent
 * (`clean: false`; on MQTT 5 with a session expiry). Reconnecting is the link's own business
 * (`reconnectPeriod: 0`), on the injected clock.
 */
export function connectOptions(config: AgentConfig, address: TopicAddress): IClientOptions {
  const m = config.mqtt;
  const options: IClientOptions = {
    clientId: m.clientId ?? defaultClientId(address),
    protocolVersion: m.protocolVersion,
    clean: false,
    keepalive: Math.round(m.keepalive / 1000),
    connectTimeout: m.connectTimeout,
    reconnectPeriod: 0,
    resubscribe: false,
    // mqtt-packet's cache of every 16-bit number as a Buffer is 7 MB of heap for a client that
    // sends a message every 15 s.
    writeCache: false,
  };
  if (m.protocolVersion === 5) {
    options.properties = { sessionExpiryInterval: Math.round(m.sessionExpiry / 1000) };
  }
  if (m.username !== undefined) options.username = m.username;
  if (m.password !== undefined) options.password = m.password;
  if (m.passwordFile) {
    options.password = readCredential(m.passwordFile, 'mqtt.passwordFile')
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (m.tls) {
    if (m.tls.ca) options.ca = readCredential(m.tls.ca, 'mqtt.tls.ca');
    if (m.tls.cert) options.cert = readCredential(m.tls.cert, 'mqtt.tls.cert');
    if (m.tls.key) options.key = readCredential(m.tls.key, 'mqtt.tls.key');
    options.rejectUnauthorized = m.tls.rejectUnauthorized;
    if (m.tls.servername) options.servername = m.tls.servername;
  }
  return options;
}
