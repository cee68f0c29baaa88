import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INSTALLER, parseUnit, PATHS, UNIT } from './support/installer.js';

const text = readFileSync(UNIT, 'utf8');
const unit = parseUnit(text);
const service = unit.get('Service')!;
const one = (key: string): string | undefined => {
  const values = service.get(key);
  return values?.[values.length - 1];
};

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasAnalyze = analyze.status === 0;

describe('deploy/systemd/bladeframe-agent.service', () => {
  it('starts the installed bundle with the installed configuration, and keeps it running', () => {
    expect(one('Type')).toBe('simple');
    expect(one('ExecStart')).toBe(`/usr/bin/env node ${PATHS.bundle} run --config ${PATHS.config}`);
    // The installer and the unit agree on the paths.
    const installer = readFileSync(INSTALLER, 'utf8');
    expect(installer).toContain(`BUNDLE_DEST=${PATHS.bundle}\n`);
    expect(installer).toContain(`CONFIG_DEST=${PATHS.config}\n`);
    expect(installer).toContain(`UNIT_DEST=/etc/systemd/system/$UNIT_NAME\n`);
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartSec')).toMatch(/^\d+s?$/);
    expect(one('RestartPreventExitStatus')).toBe('2'); // a bad configuration
    expect(one('EnvironmentFile')).toBe('-/etc/bladeframe/agent.env');
    expect(one('StateDirectory')).toBe('bladeframe-agent');
    expect(one('StandardOutput')).toBe('journal');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('is hardened, and leaves the probes what they read', () => {
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'read-only',
      PrivateTmp: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectKernelModules: 'yes',
      ProtectControlGroups: 'yes',
      LockPersonality: 'yes',
      RestrictNamespaces: 'yes',
      RestrictSUIDSGID: 'yes',
      SystemCallArchitectures: 'native',
      DevicePolicy: 'closed',
    };
    for (const [key, value] of Object.entries(expected))
      expect({ [key]: one(key) }).toEqual({
        [key]: value,
      });
    expect(one('RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual([
      'AF_INET',
      'AF_INET6',
      'AF_UNIX',
    ]);
    // Disks are readable for SMART, never writable.
    for (const rule of service.get('DeviceAllow') ?? []) expect(rule).toMatch(/ r$/);
    // V8's JIT needs writable and executable memory; /proc and /dev must stay whole.
    for (const key of ['MemoryDenyWriteExecute', 'ProtectProc', 'ProcSubset', 'PrivateDevices'])
      expect(service.has(key), key).toBe(false);
  });

  it('runs as root with only the capabilities it documents', () => {
    // docs/DECISIONS.md, "Agent service privileges": root with a reduced set, no other user.
    expect(service.has('User')).toBe(false);
    expect(service.has('DynamicUser')).toBe(false);
    const caps = (one('CapabilityBoundingSet') ?? '').split(/\s+/).filter(Boolean);
    expect(caps).toEqual(['CAP_SYS_RAWIO']);
    for (const cap of caps) expect(text).toMatch(new RegExp(`^# ${cap}: \\S`, 'm'));
    expect(one('AmbientCapabilities')).toBe('');
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasAnalyze)('has a low exposure in systemd-analyze security', () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', UNIT], {
      encoding: 'utf8',
    });
    const level = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(r.stdout);
    // --offline needs systemd 250; older ones cannot score a unit file.
    if (!level) return;
    expect(Number(level[1])).toBeLessThanOrEqual(3);
  });
});
