import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../shared/messages/index.js';
import { parseTopic } from '../../shared/topics.js';
import { cli } from './support/cli.js';
import { FIXTURE_FACTS, FIXTURE_PROC, FIXTURE_SYS } from './support/fixtures.js';
import { COLLECT_GOLDEN, golden, normaliseCollect } from './support/golden.js';

const fixtureArgs = ['--sysfs', FIXTURE_SYS, '--procfs', FIXTURE_PROC, '--facts', FIXTURE_FACTS];
const env = { BLADEFRAME_SITE: 'nyc1', BLADEFRAME_FRAME: 'frame-03' };

describe('collect --json', () => {
  it('prints exactly the golden messages for the fixture tree', async () => {
    const { status, stdout, stderr } = await cli(['collect', '--json', ...fixtureArgs], { env });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const actual = normaliseCollect(stdout);
    expect(actual).toBe(golden(COLLECT_GOLDEN, actual));
  });

  it('prints only valid messages on the topic of their kind, in sequence', async () => {
    const { stdout } = await cli(['collect', '--json', ...fixtureArgs], { env });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { topic: string; payload: { seq: number; bladeId: string } });
    expect(lines.length).toBeGreaterThan(10);
    lines.forEach((line, i) => {
      const topic = parseTopic(line.topic);
      if ('error' in topic) throw new Error(topic.error);
      expect(topic).toMatchObject({ site: 'nyc1', frame: 'frame-03', blade: 'blade-07' });
      const result = validateMessage(topic.kind, line.payload);
      expect(result.ok ? 'valid' : result.reason).toBe('valid');
      expect(line.payload.seq).toBe(i);
      expect(line.payload.bladeId).toBe(topic.blade);
    });
    expect(lines.slice(0, 3).map((l) => l.topic.split('/').pop())).toEqual([
      'birth',
      'state',
      'health',
    ]);
  });

  it('has a human form', async () => {
    const { stdout } = await cli(['collect', ...fixtureArgs], { env });
    expect(stdout).toContain(
      'event   memory.ecc.correctable active: Correctable ECC errors on DIMM CPU1_DIMM_A1',
    );
    expect(stdout).toMatch(/health .* 12\/12 probes ok/);
  });

  it('names a missing tree nowhere as an error: no hardware is no data', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bf-empty-'));
    const { status, stdout } = await cli(
      ['collect', '--json', '--sysfs', empty, '--procfs', empty, '--facts', FIXTURE_FACTS],
      { env },
    );
    expect(status).toBe(0);
    const health = stdout
      .split('\n')
      .map((l) => l && JSON.parse(l))
      .find((m) => m?.topic.endsWith('/health'));
    expect(health.payload.probes.every((p: { ok: boolean }) => p.ok)).toBe(true);
  });

  it('reports an unreadable file as a probe failure and still prints everything else', async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const dir = mkdtempSync(join(tmpdir(), 'bf-noperm-'));
    writeFileSync(join(dir, 'x'), '');
    chmodSync(dir, 0);
    const { status } = await cli(['collect', '--json', '--sysfs', dir, '--facts', FIXTURE_FACTS]);
    expect(status).toBe(0);
  });
});

describe('bad configuration', () => {
  it('exits 2 with one path: message line per problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-config-'));
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      [
        'site: "nyc 1"',
        'mqtt:',
        '  url: http://collector',
        '  protocolVersion: 3',
        'intervals:',
        '  heartbeat: 7m',
        'detect:',
        '  memoryCorrectable: { threshold: 0 }',
        'probez: {}',
      ].join('\n'),
    );
    const { status, stdout, stderr } = await cli(['collect', '--json', '--config', file]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n').sort()).toEqual([
      '(root): Unrecognized key: "probez"',
      'detect.memoryCorrectable.threshold: Too small: expected number to be >0',
      'intervals.heartbeat: must divide a minute, an hour or a day evenly (e.g. 15s, 30s, 1m, 5m, 1h)',
      'mqtt.protocolVersion: Invalid input',
      'mqtt.url: must be mqtt://host:port or mqtts://host:port',
      'site: must be 1-64 of A-Z a-z 0-9 . _ -',
    ]);
  });

  it('exits 2 for YAML errors, a missing file and bad environment overrides', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-config-'));
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, 'site: [');
    const syntax = await cli(['collect', '--config', file]);
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(/^.*agent\.yaml: .+\n$/);
    const missing = await cli(['collect', '--config', join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({ status: 2, stderr: expect.stringContaining('ENOENT') });
    const env = await cli(['collect'], { env: { BLADEFRAME_HEARTBEAT: 'soon' } });
    expect(env).toMatchObject({
      status: 2,
      stderr: 'intervals.heartbeat: must be a duration like 15s, 5m, 6h or 1h30m\n',
    });
  });
});
