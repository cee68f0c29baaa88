import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../shared/config/load.js';
import { BladeframeError } from '../../shared/errors.js';

const schema = z.object({
  mqtt: z.object({ url: z.string().url(), keepaliveS: z.int().positive().default(30) }),
  site: z.string(),
});

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bf-config-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  return path;
}

describe('config loading', () => {
  it('applies environment overrides with their YAML types', () => {
    const config = loadConfig(schema, {
      file: file('site: nyc1\nmqtt:\n  url: mqtt://a:1883\n'),
      env: { X_URL: 'mqtts://b:8883', X_KEEPALIVE: '15' },
      envMapping: { X_URL: 'mqtt.url', X_KEEPALIVE: 'mqtt.keepaliveS' },
    });
    expect(config).toEqual({ site: 'nyc1', mqtt: { url: 'mqtts://b:8883', keepaliveS: 15 } });
  });

  it('lists every problem as path: message', () => {
    try {
      loadConfig(schema, { file: file('mqtt:\n  url: nope\n  keepaliveS: -1\n') });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BladeframeError);
      const details = (error as BladeframeError).details;
      expect(details).toHaveLength(3);
      expect(details.some((l) => l.startsWith('mqtt.url: '))).toBe(true);
      expect(details.some((l) => l.startsWith('mqtt.keepaliveS: '))).toBe(true);
      expect(details.some((l) => l.startsWith('site: '))).toBe(true);
    }
  });

  it('reports YAML syntax and missing files by code', () => {
    expect(() => loadConfig(schema, { file: file('a: [') })).toThrow(/not valid YAML/);
    expect(() => loadConfig(schema, { file: '/nonexistent/config.yaml' })).toThrow(
      /cannot be read/,
    );
  });
});
