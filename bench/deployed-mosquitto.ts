// A private Mosquitto with the queue settings of deploy/mosquitto/bladeframe.conf, for the
// collector benchmarks: a broker with Mosquitto's defaults drops what queues past 1000 messages
// for a subscriber, which made the baseline lose messages now and then.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFile } from '../shared/paths.js';
import type { TestBroker } from '../test/support/broker.js';

const QUEUE_SETTINGS = /^(max_queued_messages|max_inflight_messages)\s+\S+/gm;

export function mosquittoInstalled(): boolean {
  return spawnSync('mosquitto', ['-h']).error === undefined;
}

export async function startDeployedMosquitto(): Promise<TestBroker> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
  const shipped = readFileSync(projectFile('deploy', 'mosquitto', 'bladeframe.conf'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'bf-bench-mosquitto-'));
  chmodSync(dir, 0o755);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      ...(shipped.match(QUEUE_SETTINGS) ?? []),
      'allow_anonymous true',
      `listener ${port} 127.0.0.1`,
      '',
    ].join('\n'),
  );
  const broker = spawn('mosquitto', ['-c', conf, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  broker.stderr.on('data', (d: Buffer) => (log += d.toString()));
  broker.stdout.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!log.includes(`listen socket on port ${port}`)) {
    if (broker.exitCode !== null || Date.now() > deadline) {
      broker.kill('SIGKILL');
      throw new Error(`mosquitto did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // -v logs every packet; once up, stop collecting it.
  broker.stderr.removeAllListeners('data').resume();
  broker.stdout.removeAllListeners('data').resume();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    protocolVersion: 5,
    embedded: false,
    stop: async () => {
      if (broker.exitCode !== null) return;
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      broker.kill('SIGTERM');
      await exited;
    },
  };
}
