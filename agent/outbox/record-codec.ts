import { crc32 } from 'node:zlib';
import type { MessageKind } from '../../shared/topics.js';

/** Periodic health may be dropped under pressure; faults (every event) only as a last resort. */
export type RecordClass = 'fault' | 'health';

export interface StoredRecord {
  ordinal: number;
  kind: MessageKind;
  class: RecordClass;
  topic: string;
  retain: boolean;
  /** The exact JSON payload that is published. */
  payload: string;
}

const MAGIC = 'BFO1';

/**
 * One queued message per file: a header line `BFO1 <crc32> <length>` then the JSON body. The
 * checksum catches a record damaged on disk; the length catches one cut short.
 */
export function encodeRecord(record: StoredRecord): Buffer {
  const body = Buffer.from(JSON.stringify(record), 'utf8');
  const header = `${MAGIC} ${crc32(body).toString(16).padStart(8, '0')} ${body.length}\n`;
  return Buffer.concat([Buffer.from(header, 'ascii'), body]);
}

export function decodeRecord(data: Buffer): StoredRecord | { corrupt: string } {
  const newline = data.indexOf(0x0a);
  if (newline < 0 || newline > 40) return { corrupt: 'no header' };
  const [magic, crc, length] = data.subarray(0, newline).toString('ascii').split(' ');
  if (magic !== MAGIC) return { corrupt: `unknown format "${magic?.slice(0, 8)}"` };
  const body = data.subarray(newline + 1);
  if (body.length !== Number(length)) {
    return { corrupt: `length ${body.length}, header says ${length}` };
  }
  if (crc32(body).toString(16).padStart(8, '0') !== crc) return { corrupt: 'checksum mismatch' };
  try {
    const record = JSON.parse(body.toString('utf8')) as StoredRecord;
    if (
      !Number.isInteger(record.ordinal) ||
      typeof record.topic !== 'string' ||
      typeof record.payload !== 'string' ||
      (record.class !== 'fault' && record.class !== 'health')
    ) {
      return { corrupt: 'missing fields' };
    }
    return record;
  } catch {
    return { corrupt: 'body is not JSON' };
  }
}
