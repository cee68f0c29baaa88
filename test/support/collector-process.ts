import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../shared/paths.js';

/** `bladeframe-collector` as a child process, its output gathered; `cleanUp` kills what is left. */
export class CollectorProcesses {
  private readonly dirs: string[] = [];
  private readonly children: ChildProcess[] = [];

  start(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'collector/cli.ts', ...args], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    });
    this.children.push(child);
    const output = { out: '', err: '' };
    child.stdout.on('data', (d) => (output.out += d));
    child.stderr.on('data', (d) => (output.err += d));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    return { child, output, exited };
  }

  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'bf-run-'));
    this.dirs.push(dir);
    return dir;
  }

  cleanUp(): void {
    for (const child of this.children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
