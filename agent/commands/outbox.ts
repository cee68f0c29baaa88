import type { AgentConfig } from '../../shared/config/agent-config.js';
import type { CliIo } from '../cli-io.js';
import { Outbox } from '../outbox/outbox.js';
import { lockHolder } from '../state/lock.js';

/** `bladeframe-agent outbox`: what is queued on disk, read-only (safe while the agent runs). */
export function outboxCommand(config: AgentConfig, io: CliIo, json: boolean): number {
  const stateDir = config.paths.stateDir;
  let view: ReturnType<typeof Outbox.inspect>;
  try {
    view = Outbox.inspect(stateDir);
  } catch (error) {
    throw new Error(`cannot read the outbox in ${stateDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const holder = lockHolder(stateDir);
  if (json) {
    io.stdout(JSON.stringify({ stateDir, agentPid: holder ?? null, ...view.stats }) + '\n');
    for (const r of view.records) {
      io.stdout(
        JSON.stringify({
          ordinal: r.ordinal,
          topic: r.topic,
          bytes: r.bytes,
          payload: JSON.parse(r.payload),
        }) + '\n',
      );
    }
    return 0;
  }
  const s = view.stats;
  io.stdout(
    `${stateDir}: ${s.queued} queued (${s.bytes} bytes); dropped ${s.droppedHealth} health, ` +
      `${s.droppedFaults} faults; ${s.corrupt} corrupt; agent ${holder ? `running (pid ${holder})` : 'not running'}\n`,
  );
  for (const r of view.records) {
    const p = JSON.parse(r.payload) as Record<string, unknown>;
    const what = r.kind === 'event' ? `${p.signal} ${p.status}: ${p.summary}` : r.kind;
    io.stdout(`  seq ${String(p.seq).padStart(6)}  ${p.observedAt}  ${what}\n`);
  }
  for (const c of view.corrupt) io.stdout(`  corrupt ${c}\n`);
  return 0;
}
