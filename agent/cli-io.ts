import type { Clock } from '../shared/clock.js';
import type { HostAdapter } from './host/host-adapter.js';

/** What a command touches outside itself; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Replaces the live host (systeminformation, systemctl, statfs). */
  host?: HostAdapter;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); `run` waits on it. */
  stopSignal?: Promise<string>;
}
