import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether this machine has Mosquitto (and its password tool) to start one of our own. */
export function mosquittoInstalled(): boolean {
  return (
    spawnSync('mosquitto', ['-h']).error === undefined &&
    spawnSync('mosquitto_passwd', ['-h']).error === undefined
  );
}

/** A port nothing listens on now, on the loopback address. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningMosquitto {
  stop(): Promise<void>;
}

/**
 * Starts `mosquitto -c configFile` and resolves once it listens on `port` (which the file must
 * name); throws with its log when it refuses the configuration.
 */
export async function runMosquitto(configFile: string, port: number): Promise<RunningMosquitto> {
  const broker = spawn('mosquitto', ['-c', configFile, '-v'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (d: Buffer) => (log += d.toString());
  broker.stderr.on('data', collect);
  broker.stdout.on('data', collect);
  const deadline = Date.now() + 10_000;
  while (!log.includes(`listen socket on port ${port}`)) {
    if (broker.exitCode !== null || Date.now() > deadline) {
      broker.kill('SIGKILL');
      throw new Error(`mosquitto did not start with ${configFile}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // -v logs every packet; once up, stop collecting it.
  broker.stderr.off('data', collect).resume();
  broker.stdout.off('data', collect).resume();
  return {
    stop: async () => {
      if (broker.exitCode !== null) return;
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      broker.kill('SIGTERM');
      await exited;
    },
  };
}
