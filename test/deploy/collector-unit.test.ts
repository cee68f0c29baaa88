import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTOR_ENV } from '../../shared/config/collector-config.js';
import { DEPLOY, parseUnit, REPO } from './support/installer.js';

const UNIT = join(DEPLOY, 'systemd', 'bladeframe-collector.service');
const unit = parseUnit(readFileSync(UNIT, 'utf8'));
const service = unit.get('Service')!;
const one = (key: string): string | undefined => service.get(key)?.at(-1);
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('deploy/systemd/bladeframe-collector.service', () => {
  it('runs the checkout the README installs, with its configuration and state directory', () => {
    expect(one('WorkingDirectory')).toBe('/opt/bladeframe-callhome');
    const [, bin, ...args] = one('ExecStart')!.split(' ').slice(1);
    expect(existsSync(join(REPO, bin!))).toBe(true);
    expect(args).toEqual(['run', '--config', '/etc/bladeframe/collector.yaml']);
    expect(one('StateDirectory')).toBe('bladeframe-collector');
    // Every variable the unit sets is one the collector reads.
    for (const assignment of service.get('Environment') ?? []) {
      const name = assignment.split('=')[0]!;
      if (name !== 'NODE_ENV') expect(Object.keys(COLLECTOR_ENV)).toContain(name);
    }
    expect(service.get('Environment')).toContain('DATA_DIR=/var/lib/bladeframe-collector');
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('keeps no privilege at all', () => {
    expect(one('DynamicUser')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateDevices')).toBe('yes');
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify and scores low exposure', () => {
    const verify = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const security = spawnSync('systemd-analyze', ['security', '--offline=true', UNIT], {
      encoding: 'utf8',
    });
    const level = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(security.stdout);
    if (level) expect(Number(level[1])).toBeLessThanOrEqual(2.5);
  });
});
