import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../shared/logger.js';
import { adoptState, emptyDetectState, type DetectState } from '../detect/detect-state.js';
import { writeDurable } from './durable-file.js';

export const DETECT_FILE = 'detect.json';

/** Loads what detect remembered; a missing or damaged file starts afresh (and says so). */
export function loadDetectState(stateDir: string, bootId: string, logger: Logger): DetectState {
  const path = join(stateDir, DETECT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return emptyDetectState(bootId);
  }
  try {
    return adoptState(JSON.parse(text), bootId);
  } catch (error) {
    logger.warn(
      { file: path, err: (error as Error).message },
      'detection state unreadable, starting afresh',
    );
    return emptyDetectState(bootId);
  }
}

export function saveDetectState(stateDir: string, state: DetectState): Promise<void> {
  return writeDurable(join(stateDir, DETECT_FILE), JSON.stringify(state));
}
