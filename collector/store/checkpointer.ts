import { Worker } from 'node:worker_threads';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { threadEntry } from '../thread-entry.js';

/** What the checkpoint thread is told: the database file and when to checkpoint. */
export interface CheckpointSettings {
  file: string;
  /** Checkpoint once the log is this large (bytes). */
  walBytes: number;
  /** How often to look at the log's size (ms). */
  intervalMs: number;
}

export type FromCheckpointThread =
  | { type: 'checkpointed'; frames: number; logFrames: number; ms: number }
  | { type: 'failed'; error: string };

/**
 * The committing connection's own automatic checkpoint, set far above the thread's threshold:
 * a backstop that bounds the log (64 MiB) should the thread stop or fall behind.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 16_384;

const DEFAULTS = { walBytes: 4 * 1024 * 1024, intervalMs: 250 };

/**
 * Runs SQLite's checkpoints on a thread of their own (checkpoint-thread.ts). SQLite checkpoints
 * inside the commit that crosses its threshold, on the committing thread: some 4 MiB written
 * and flushed while ingest waits. Here the thread checkpoints PASSIVE-ly beside the writer.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private stopping = false;
  readonly stats = { checkpoints: 0, frames: 0, lastMs: 0, lastError: null as string | null };

  private constructor(
    settings: CheckpointSettings,
    private readonly logger: Logger,
  ) {
    this.worker = new Worker(
      threadEntry(
        import.meta.url,
        './checkpoint-thread-tsx.mjs',
        'bladeframe-checkpoint-thread.mjs',
      ),
      { workerData: settings },
    );
    this.worker.on('message', (message: FromCheckpointThread) => this.onMessage(message));
    this.worker.on('error', (error) => {
      this.stats.lastError = error.message;
      this.logger.warn(
        { err: error.message },
        'checkpoint thread failed; SQLite checkpoints inline',
      );
    });
    this.worker.on('exit', () => {
      if (!this.stopping) this.logger.warn('checkpoint thread stopped; SQLite checkpoints inline');
    });
  }

  static start(
    settings: Pick<CheckpointSettings, 'file'> & Partial<CheckpointSettings>,
    logger: Logger = silentLogger,
  ): Checkpointer {
    return new Checkpointer({ ...DEFAULTS, ...settings }, logger);
  }

  /** Stops the thread (its connection closed); the committing connection checkpoints on close. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), 5_000);
    await exited;
    clearTimeout(timeout);
  }

  private onMessage(message: FromCheckpointThread): void {
    if (message.type === 'failed') {
      this.stats.lastError = message.error;
      this.logger.warn({ err: message.error }, 'checkpoint failed');
      return;
    }
    this.stats.checkpoints++;
    this.stats.frames += message.frames;
    this.stats.lastMs = message.ms;
    this.logger.debug(
      { frames: message.frames, logFrames: message.logFrames, ms: Math.round(message.ms) },
      'checkpoint',
    );
  }
}
