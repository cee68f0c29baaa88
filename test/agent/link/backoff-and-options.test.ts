import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectOptions } from '../../../agent/link/connect-options.js';
import { reconnectDelay } from '../../../agent/link/backoff.js';
import { fixtureConfig, FIXTURES } from '../support/fixtures.js';

const address = { site: 'nyc1', frame: 'f3', blade: 'b7' };

describe('reconnect backoff', () => {
  it('doubles from the minimum to the maximum, with jitter in the upper half', () => {
    const low = (n: number) => reconnectDelay(n, 1000, 60_000, () => 0);
    const high = (n: number) => reconnectDelay(n, 1000, 60_000, () => 1);
    expect([0, 1, 2, 3, 6, 7, 50].map(low)).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
    expect([0, 1, 6, 50].map(high)).toEqual([1000, 2000, 60_000, 60_000]);
  });
});

describe('MQTT connection options', () => {
  it('asks for a persistent session and reconnects on its own clock', () => {
    const options = connectOptions(fixtureConfig(), address);
    expect(options).toMatchObject({
      clientId: 'bladeframe-nyc1-f3-b7',
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      reconnectPeriod: 0,
    });
    expect(options.properties).toBeUndefined();
    const v5 = connectOptions(
      fixtureConfig({ mqtt: { protocolVersion: 5, sessionExpiry: '1d' } }),
      address,
    );
    expect(v5.properties).toEqual({ sessionExpiryInterval: 86_400 });
  });

  it('reads the password file and TLS files once', () => {
    const tls = `${FIXTURES}/tls`;
    const options = connectOptions(
      fixtureConfig({
        mqtt: {
          username: 'blade-07',
          passwordFile: `${FIXTURES}/tls/README`,
          tls: { ca: `${tls}/ca.pem`, cert: `${tls}/blade.pem`, key: `${tls}/blade.key` },
        },
      }),
      address,
    );
    expect(options.username).toBe('blade-07');
    expect(options.password).toBe(readFileSync(`${tls}/README`, 'utf8').replace(/\n$/, ''));
    expect(String(options.ca)).toContain('BEGIN CERTIFICATE');
    expect(String(options.key)).toContain('PRIVATE KEY');
    expect(options.rejectUnauthorized).toBe(true);
  });

  it('names a credential file it cannot read', () => {
    expect(() =>
      connectOptions(fixtureConfig({ mqtt: { tls: { ca: '/nonexistent/ca.pem' } } }), address),
    ).toThrow(
      'a credential file of the MQTT connection cannot be read: mqtt.tls.ca /nonexistent/ca.pem: ENOENT',
    );
  });
});
