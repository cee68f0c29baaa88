// A private Mosquitto with the queue settings of deploy/mosquitto/bladeframe.conf, for the
// collector benchmarks: a broker with Mosquitto's defaults drops what queues past 1000 messages
// for a subscriber, which made the baseline lose messages now and then.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFile } from '../shared/paths.js';
import type { TestBroker } from '../test/support/broker.js';
import { freePort, runMosquitto } from '../test/support/mosquitto.js';

export { mosquittoInstalled } from '../test/support/mosquitto.js';

const QUEUE_SETTINGS = /^(max_queued_messages|max_inflight_messages)\s+\S+/gm;

export async function startDeployedMosquitto(): Promise<TestBroker> {
  const port = await freePort();
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
  const broker = await runMosquitto(conf, port);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    protocolVersion: 5,
    embedded: false,
    stop: () => broker.stop(),
  };
}
