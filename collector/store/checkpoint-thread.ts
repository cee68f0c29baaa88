// The checkpoint thread: copies the write-ahead log back into the database file, off the thread
// that commits, so a batch's commit never waits for a checkpoint's writes and flushes.
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { CheckpointSettings, FromCheckpointThread } from './checkpointer.js';

const port = parentPort;
if (!port) throw new Error('checkpoint-thread.ts runs as a worker thread');
const settings = workerData as CheckpointSettings;
const db = new SQLite(settings.file);
db.pragma('synchronous = NORMAL');
const wal = `${settings.file}-wal`;

const walSize = (): number => {
  try {
    return statSync(wal).size;
  } catch {
    return 0;
  }
};

const timer = setInterval(() => {
  if (walSize() < settings.walBytes) return;
  const started = performance.now();
  try {
    // PASSIVE: copies what no reader still needs and never waits for readers or the writer.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    const message: FromCheckpointThread = {
      type: 'checkpointed',
      frames: result?.checkpointed ?? 0,
      logFrames: result?.log ?? 0,
      ms: performance.now() - started,
    };
    port.postMessage(message);
  } catch (error) {
    const message: FromCheckpointThread = { type: 'failed', error: (error as Error).message };
    port.postMessage(message);
  }
}, settings.intervalMs);

port.on('message', () => {
  clearInterval(timer);
  db.close();
  port.close();
});
