import { randomBytes } from 'node:crypto';
import type { AgentConfig } from '../../shared/config/agent-config.js';
import { BladeframeError } from '../../shared/errors.js';
import { formatDuration } from '../../shared/duration.js';
import type { CliIo } from '../cli-io.js';
import { MessageFactory } from '../compose/messages.js';
import { resolveIdentity } from '../identity.js';
import { connectOptions } from '../link/connect-options.js';
import { Link } from '../link/link.js';
import { Outbox } from '../outbox/outbox.js';
import { RootReader } from '../probes/root-reader.js';
import { lockHolder, openStateDir } from '../state/lock.js';
import { readStatus, removeStatus, writeRequest } from '../state/requests.js';
import { PersistentSequence } from '../state/sequence.js';
import { cliLogger } from './run.js';
import { pollUntil, racePromise } from './wait.js';

export interface TestEventOptions {
  timeoutMs: number;
  note: string;
}

/**
 * `bladeframe-agent test-event`: a `test.call` through the whole path (outbox, MQTT, collector,
 * where it opens a test ticket acknowledged automatically). With the agent running, the call is
 * handed to it, so it takes the agent's sequence and connection; otherwise this command sends it
 * itself (with anything else still queued) and disconnects. Exit 0 once the broker has
 * acknowledged it; 1 if it is still queued when the time is up.
 */
export async function testEventCommand(
  config: AgentConfig,
  io: CliIo,
  options: TestEventOptions,
): Promise<number> {
  const stateDir = config.paths.stateDir;
  const holder = lockHolder(stateDir);
  const seconds = formatDuration(options.timeoutMs);
  if (holder !== undefined) {
    const id = `${io.clock.now().getTime()}-${randomBytes(4).toString('hex')}`;
    try {
      await writeRequest(stateDir, { id, note: options.note });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new BladeframeError('BF_OUTBOX_UNWRITABLE', `${stateDir}/requests: ${code}`, [], {
        cause: error,
      });
    }
    io.stdout(`handed to the running agent (pid ${holder})\n`);
    const status = await pollUntil(
      () => {
        const s = readStatus(stateDir, id);
        return s?.state === 'delivered' ? s : undefined;
      },
      io.clock,
      options.timeoutMs,
    );
    const last = status ?? readStatus(stateDir, id);
    if (last) io.stdout(`test call queued as seq ${last.seq}\n`);
    if (status) {
      removeStatus(stateDir, id);
      io.stdout(`delivered: the broker acknowledged the test call\n`);
      return 0;
    }
    io.stdout(
      `not delivered within ${seconds}: ${last ? 'it stays queued and is sent when the broker is reachable' : 'the agent has not picked it up'}\n`,
    );
    return 1;
  }

  // No agent running: send it ourselves, with the agent's state directory and identity.
  const { lock, created } = openStateDir(stateDir);
  try {
    const logger = cliLogger(config, io).child({ module: 'test-event' });
    const identity = resolveIdentity(config);
    const outbox = await Outbox.open(stateDir, { maxBytes: config.outbox.maxBytes, logger });
    const uptimeS = Number(new RootReader(config.paths.procfs).line('uptime')?.split(' ')[0]);
    const sequence = new PersistentSequence(
      stateDir,
      identity.bootId,
      created ? 0 : (Number.isFinite(uptimeS) ? uptimeS : 0) * 1000,
    );
    const factory = new MessageFactory(identity, sequence, io.clock);
    const message = factory.testCall(options.note);
    const record = await outbox.append(message);
    if (!record) throw new Error('the test call could not be queued');
    io.stdout(`test call queued as seq ${message.payload.seq} (agent not running: sending it)\n`);
    const link = new Link({
      config,
      clientOptions: connectOptions(config, identity),
      outbox,
      factory,
      clock: io.clock,
      logger,
      announce: false,
    });
    link.start();
    const delivered = await racePromise(
      outbox.whenRemoved(record.ordinal).then(() => true),
      io.clock,
      options.timeoutMs,
    );
    await link.stop();
    if (delivered) {
      io.stdout(`delivered to ${config.mqtt.url}: the broker acknowledged the test call\n`);
      return 0;
    }
    io.stdout(
      `not delivered within ${seconds}: it stays queued and is sent when the agent or this command next reaches the broker\n`,
    );
    return 1;
  } finally {
    lock.release();
  }
}
