import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** `bladeframe-agent run` in a child process (from source), its JSON log lines collected. */
export class ChildAgent {
  /** Every agent started and not yet exited, so a failed test still stops its own. */
  private static readonly running = new Set<ChildAgent>();
  readonly logs: Record<string, unknown>[] = [];
  stderr = '';
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly process: ChildProcess) {
    let buffered = '';
    process.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logs.push({ msg: line });
        }
      }
      for (const w of [...this.waiters]) {
        if (w.check()) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(process, 'exit').then(([code, signal]) => {
      ChildAgent.running.delete(this);
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
    ChildAgent.running.add(this);
  }

  /** Kills whatever a test left running (call it in afterEach): no agent outlives its test. */
  static async killAll(): Promise<void> {
    await Promise.all([...ChildAgent.running].map((agent) => agent.kill('SIGKILL')));
  }

  static start(env: Record<string, string>, args: string[] = ['run']): ChildAgent {
    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildAgent(child);
  }

  /** Resolves at the first log line with this message; fails if the process exits first. */
  waitForLog(msg: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const find = () => this.logs.find((l) => l.msg === msg);
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${msg}" log within ${timeoutMs} ms; stderr: ${this.stderr}`)),
        timeoutMs,
      );
      void this.exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`agent exited (${code}) before "${msg}": ${this.stderr}`));
      });
      this.waiters.push({
        check: () => find() !== undefined,
        resolve: () => {
          clearTimeout(timer);
          resolve(find()!);
        },
      });
    });
  }

  async kill(
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.process.kill(signal);
    return this.exited;
  }
}
