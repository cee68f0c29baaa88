import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COLLECT_GOLDEN = fileURLToPath(
  new URL('../../golden/collect-fixtures.jsonl', import.meta.url),
);

/**
 * `collect --json` output with what legitimately varies between runs made constant: probe
 * durations, the agent version, and (for runs on the real clock) the observation time.
 */
export function normaliseCollect(stdout: string, options: { observedAt?: boolean } = {}): string {
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const message = JSON.parse(line) as { topic: string; payload: Record<string, unknown> };
      const p = message.payload;
      if (options.observedAt) p.observedAt = '<observedAt>';
      const inventory = p.inventory as Record<string, unknown> | undefined;
      if (inventory) inventory.agentVersion = '<version>';
      for (const probe of (p.probes as { durationMs: number }[] | undefined) ?? []) {
        probe.durationMs = 0;
      }
      return JSON.stringify(message);
    })
    .join('\n')
    .concat('\n');
}

/** Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it instead. */
export function golden(path: string, actual: string): string {
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  return readFileSync(path, 'utf8');
}
