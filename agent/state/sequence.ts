import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SequenceSource } from '../compose/messages.js';
import { writeDurableSync } from './durable-file.js';

export const SEQUENCE_FILE = 'sequence.json';
/** Numbers reserved per durable write; a restart skips what was reserved and unused. */
const BLOCK = 64;

interface Persisted {
  bootId: string;
  reserved: number;
}

/**
 * `seq`, monotonic per (bladeId, bootId) across agent restarts within one boot, so a replay
 * after a restart keeps its identity and a new message never reuses an old identity. Numbers
 * are reserved on disk a block at a time (one synced write per 64 messages); after a restart the
 * sequence resumes past the reserved block, so it may skip numbers but never repeats one.
 *
 * Without a readable file (a wiped or damaged state directory) the sequence cannot know what an
 * earlier agent of this boot used; it then starts from `fallbackStart`, the milliseconds since
 * boot, which no agent sending fewer than a thousand messages a second can have reached.
 */
export class PersistentSequence implements SequenceSource {
  private nextValue: number;
  private reserved: number;

  constructor(
    private readonly stateDir: string,
    private readonly bootId: string,
    fallbackStart: number,
  ) {
    const persisted = read(join(stateDir, SEQUENCE_FILE));
    const start = !persisted
      ? Math.max(0, Math.floor(fallbackStart))
      : persisted.bootId === bootId
        ? persisted.reserved
        : 0;
    this.nextValue = start;
    this.reserved = start;
  }

  next(): number {
    if (this.nextValue >= this.reserved) {
      this.reserved = this.nextValue + BLOCK;
      const state: Persisted = { bootId: this.bootId, reserved: this.reserved };
      writeDurableSync(join(this.stateDir, SEQUENCE_FILE), JSON.stringify(state) + '\n');
    }
    return this.nextValue++;
  }

  /** The next number without taking it (for `outbox` listings). */
  peek(): number {
    return this.nextValue;
  }
}

function read(path: string): Persisted | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Persisted>;
    if (typeof value.bootId === 'string' && Number.isInteger(value.reserved)) {
      return value as Persisted;
    }
  } catch {
    // Missing or unreadable: start this boot's sequence afresh.
  }
  return undefined;
}
