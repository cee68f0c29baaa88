import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../../shared/config/collector-config.js';
import { BladeframeError } from '../../shared/errors.js';
import { projectFile } from '../../shared/paths.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bf-collector-')), 'collector.yaml');
  writeFileSync(path, text);
  return path;
}

describe('collector configuration', () => {
  it('defaults to the embedded broker, SQLite in ./data and port 8080', () => {
    const config = loadCollectorConfig(undefined, {});
    expect(config.mqtt.url).toBeUndefined();
    expect(config.mqtt.port).toBe(1883);
    expect(config.mqtt.clientId).toMatch(/^bladeframe-collector-/);
    expect(config.store).toEqual({
      dataDir: './data',
      sqliteSync: 'background',
      sqliteCheckpoint: 'background',
    });
    expect(config.http.port).toBe(8080);
    expect(config.contractFile).toBeUndefined();
    expect(config.fleet).toMatchObject({
      silentAfterIntervals: 3,
      defaultHeartbeat: 60_000,
      healthRetention: 172_800_000,
    });
  });

  it('lets the environment override the file', () => {
    const config = loadCollectorConfig(
      file(
        'mqtt:\n  url: mqtt://broker:1883\n  password: from-file\nhttp:\n  port: 9000\nfleet:\n  frameWindow: 2m\n',
      ),
      {
        MQTT_URL: 'mqtts://other:8883',
        MQTT_PASSWORD: '12345',
        DATABASE_URL: 'postgres://bf@db/bladeframe',
        DATA_DIR: '/var/lib/bladeframe',
        HTTP_PORT: '8081',
        CONTRACT_FILE: '/etc/bladeframe/contract.yaml',
        SILENT_AFTER_INTERVALS: '5',
      },
    );
    expect(config.mqtt).toMatchObject({ url: 'mqtts://other:8883', password: '12345' });
    expect(config.store).toMatchObject({
      databaseUrl: 'postgres://bf@db/bladeframe',
      dataDir: '/var/lib/bladeframe',
    });
    expect(config.http.port).toBe(8081);
    expect(config.contractFile).toBe('/etc/bladeframe/contract.yaml');
    expect(config.fleet).toMatchObject({ silentAfterIntervals: 5, frameWindow: 120_000 });
  });

  it('lists every problem as path: message', () => {
    try {
      loadCollectorConfig(file('http:\n  port: 70000\nfleet:\n  healthRetention: soon\n'), {
        MQTT_URL: 'localhost',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BladeframeError);
      const details = (error as BladeframeError).details;
      expect(details).toHaveLength(3);
      expect(details).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^http\.port: /),
          expect.stringMatching(/^fleet\.healthRetention: must be a duration/),
          expect.stringMatching(/^mqtt\.url: must be a URL/),
        ]),
      );
    }
  });

  it('accepts the example file shipped in deploy/', () => {
    const config = loadCollectorConfig(projectFile('deploy', 'collector.example.yaml'), {});
    expect(config.http.port).toBe(8080);
    expect(config.fleet.silentAfterIntervals).toBe(3);
  });
});
