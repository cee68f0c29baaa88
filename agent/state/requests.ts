import { watch, type FSWatcher, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurable } from './durable-file.js';

/**
 * How `bladeframe-agent test-event` hands a test call to the running agent: it drops a request
 * file into `<stateDir>/requests/`; the agent queues the call through its own outbox and
 * sequence and writes the request's status (`queued`, then `delivered` on PUBACK) beside it.
 */
export const REQUESTS_DIR = 'requests';

export interface TestCallRequest {
  id: string;
  note: string;
}

export interface RequestStatus {
  id: string;
  state: 'queued' | 'delivered';
  seq: number;
  at: string;
}

export function requestsDir(stateDir: string): string {
  return join(stateDir, REQUESTS_DIR);
}

export async function writeRequest(stateDir: string, request: TestCallRequest): Promise<void> {
  const dir = requestsDir(stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o770 });
  await writeDurable(join(dir, `${request.id}.request`), JSON.stringify(request));
}

export function readStatus(stateDir: string, id: string): RequestStatus | undefined {
  try {
    return JSON.parse(
      readFileSync(join(requestsDir(stateDir), `${id}.status`), 'utf8'),
    ) as RequestStatus;
  } catch {
    return undefined;
  }
}

export async function writeStatus(stateDir: string, status: RequestStatus): Promise<void> {
  await writeDurable(join(requestsDir(stateDir), `${status.id}.status`), JSON.stringify(status));
}

export function removeStatus(stateDir: string, id: string): void {
  try {
    unlinkSync(join(requestsDir(stateDir), `${id}.status`));
  } catch {
    // Already gone.
  }
}

/** The agent's side: watches the directory and hands each new request over once. */
export class RequestInbox {
  private watcher: FSWatcher | undefined;
  private readonly seen = new Set<string>();

  constructor(
    private readonly stateDir: string,
    private readonly onRequest: (request: TestCallRequest) => Promise<void>,
  ) {}

  start(): void {
    const dir = requestsDir(this.stateDir);
    mkdirSync(dir, { recursive: true, mode: 0o770 });
    try {
      this.watcher = watch(dir, () => void this.scan());
      this.watcher.on('error', () => undefined);
    } catch {
      // No inotify: the cycle's scan still finds requests.
    }
    void this.scan();
  }

  /** Also called every cycle, in case a notification was missed. */
  async scan(): Promise<void> {
    const dir = requestsDir(this.stateDir);
    let names: string[];
    try {
      // Not `.tmp-*`: a request is complete once renamed into place.
      names = readdirSync(dir).filter((n) => n.endsWith('.request') && !n.startsWith('.'));
    } catch {
      return;
    }
    for (const name of names) {
      if (this.seen.has(name)) continue;
      this.seen.add(name);
      let request: TestCallRequest;
      try {
        request = JSON.parse(readFileSync(join(dir, name), 'utf8')) as TestCallRequest;
      } catch {
        this.seen.delete(name); // written but not yet renamed into place, or damaged
        continue;
      }
      try {
        // Handled already (before an agent restart) if its status exists.
        if (!readStatus(this.stateDir, request.id)) await this.onRequest(request);
      } catch {
        this.seen.delete(name);
        continue;
      }
      try {
        unlinkSync(join(dir, name));
      } catch {
        // Gone already; `seen` keeps it from being handled twice.
      }
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
