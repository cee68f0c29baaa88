import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BladeframeError } from '../../shared/errors.js';

export const LOCK_FILE = 'agent.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the live process holding the state directory, if any (not this process). */
export function lockHolder(stateDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(stateDir, LOCK_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

/**
 * One process at a time owns a state directory (its outbox and sequence). A lock left by a
 * process that died (SIGKILL, power loss) is stale and taken over.
 */
export class StateLock {
  private held = false;

  constructor(private readonly stateDir: string) {}

  acquire(): void {
    const path = join(this.stateDir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o640 });
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(path, error);
      }
      const holder = lockHolder(this.stateDir);
      if (holder !== undefined) {
        throw new BladeframeError('BF_OUTBOX_LOCKED', `${this.stateDir} (pid ${holder})`);
      }
      try {
        unlinkSync(path);
      } catch {
        // Another process took it over first; the next attempt finds out.
      }
    }
    throw new BladeframeError('BF_OUTBOX_LOCKED', this.stateDir);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      const path = join(this.stateDir, LOCK_FILE);
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // Already gone.
    }
  }
}

function unwritable(path: string, error: unknown): BladeframeError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new BladeframeError('BF_OUTBOX_UNWRITABLE', `${path}: ${code}`, [`${path}: ${code}`], {
    cause: error,
  });
}

/**
 * Creates the state directory if needed and locks it for this process. `created` tells a fresh
 * installation from a directory whose files went missing.
 */
export function openStateDir(stateDir: string): { lock: StateLock; created: boolean } {
  const created = !existsSync(stateDir);
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o750 });
  } catch (error) {
    throw unwritable(stateDir, error);
  }
  const lock = new StateLock(stateDir);
  lock.acquire();
  return { lock, created };
}
