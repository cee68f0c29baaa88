import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../shared/paths.js';
import { uniqueSite } from '../../support/broker.js';
import { CollectorProcesses } from '../../support/collector-process.js';
import { until } from '../../support/wait.js';

const processes = new CollectorProcesses();
afterEach(() => processes.cleanUp());
const collector = (args: string[], env: Record<string, string>) => processes.start(args, env);
const tempDir = () => processes.tempDir();

describe('bladeframe-collector run', () => {
  it('starts, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const site = uniqueSite('run');
    const config = join(dir, 'collector.yaml');
    // Only this test's site, and a session the broker forgets soon after.
    writeFileSync(
      config,
      `mqtt:\n  topicFilter: bladeframe/v1/${site}/+/+/#\n  sessionExpiry: 1m\n  sharedGroup: ${site}\n`,
    );
    const env: Record<string, string> = {
      DATA_DIR: join(dir, 'data'),
      HTTP_PORT: '0',
      MQTT_CLIENT_ID: `collector-${site}`,
      ...(process.env.MQTT_URL ? { MQTT_URL: process.env.MQTT_URL } : { MQTT_PORT: '0' }),
    };
    const run = collector(['run', '--config', config], env);
    const url = await until(() => run.output.out.match(/listening on (http:\/\/\S+)/)?.[1], {
      what: 'the listening line',
      timeoutMs: 30_000,
    });
    const health = await until(
      async () => {
        const res = await fetch(`${url}/healthz`);
        return res.status === 200
          ? ((await res.json()) as Record<string, { ok: boolean }>)
          : undefined;
      },
      { what: '/healthz 200' },
    );
    expect(health.store!.ok).toBe(true);
    expect(health.broker!.ok).toBe(true);
    // First start: an admin is created and its token shown once, on the console.
    const token = run.output.out.match(/^ {2}(bft_\S+)$/m)?.[1];
    expect(token).toBeDefined();
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ name: 'admin', role: 'admin' });
    expect((await fetch(`${url}/api/tickets`)).status).toBe(401);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('exits 2 with path: message lines on a bad configuration', async () => {
    const dir = tempDir();
    const config = join(dir, 'collector.yaml');
    writeFileSync(config, 'http:\n  port: lots\nfleet:\n  silentAfterIntervals: 0\n');
    const run = collector(['run', '--config', config], { DATA_DIR: join(dir, 'data') });
    expect(await run.exited).toBe(2);
    expect(run.output.err).toMatch(/^ {2}http\.port: /m);
    expect(run.output.err).toMatch(/^ {2}fleet\.silentAfterIntervals: /m);
  });

  it('exits 2 when the notify rules ask for a list the contract does not have', async () => {
    const dir = tempDir();
    const config = join(dir, 'collector.yaml');
    writeFileSync(
      config,
      [
        'notify:',
        '  smtp: { host: smtp.example.net, from: callhome@example.net }',
        '  email:',
        '    rules:',
        '      - { events: [opened], to: [customer-engineer, finance-director] }',
        '      - { events: [closed], to: [vp] }',
        '',
      ].join('\n'),
    );
    const contract = join(dir, 'contract.yaml');
    const example = readFileSync(join(projectRoot(), 'deploy/contract.example.yaml'), 'utf8');
    // The example contract with an empty V.P. list.
    writeFileSync(contract, example.replace(/ {4}vp:\n {6}- \{[^}]*\}\n/, '    vp: []\n'));
    let run = collector(['run', '--config', config], { DATA_DIR: join(dir, 'data') });
    expect(await run.exited).toBe(2);
    expect(run.output.err).toMatch(
      /^ {2}notify\.email\.rules\.0\.to\.1: must be an email address or one of /m,
    );

    writeFileSync(config, readFileSync(config, 'utf8').replace(', finance-director', ''));
    run = collector(['run', '--config', config], {
      DATA_DIR: join(dir, 'data'),
      CONTRACT_FILE: contract,
    });
    expect(await run.exited).toBe(2);
    expect(run.output.err).toContain(
      '  notify.email.rules.1.to.0: the contract has no escalation list with an email address for role vp (provider.escalationList.vp)',
    );
  });
});
