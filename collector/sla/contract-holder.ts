import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import type { Clock } from '../../shared/clock.js';
import { parseYamlText } from '../../shared/config/load.js';
import type { Contract } from '../../shared/config/contract.js';
import { BladeframeError } from '../../shared/errors.js';
import { exampleContractFile, parseContract } from './load-contract.js';

export interface ContractInfo {
  contract: Contract;
  /** The contract as written (YAML), when known. */
  source: string | null;
  /** The file it is kept in; null when it cannot be changed here (the example contract). */
  file: string | null;
  loadedAt: string;
  updatedBy: string | null;
}

/**
 * The contract in force, shared by every part of a running collector. A replacement is
 * validated in full (every problem as `path: message`), written to the contract file (a
 * temporary file renamed over it, so a crash leaves the old or the new, never half), and then
 * handed to each listener: the ticket service, the clocks, the fleet, notifications.
 */
export class ContractHolder {
  private info: ContractInfo;
  private readonly listeners: ((contract: Contract) => void | Promise<void>)[] = [];
  private readonly clock: Clock;

  /** `source` absent: read from the file (or the example's); null: not known. */
  constructor(
    contract: Contract,
    options: { file?: string | undefined; clock: Clock; source?: string | null },
  ) {
    this.clock = options.clock;
    const file = options.file ?? null;
    this.info = {
      contract,
      source:
        options.source === undefined ? readSource(file ?? exampleContractFile()) : options.source,
      file,
      loadedAt: options.clock.now().toISOString(),
      updatedBy: null,
    };
  }

  current(): Contract {
    return this.info.contract;
  }

  describe(): ContractInfo {
    return this.info;
  }

  onChange(listener: (contract: Contract) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /**
   * Validates a new contract (YAML text, or the parsed object) and puts it in force. Throws
   * BF_CONFIG_SYNTAX / BF_CONFIG_INVALID without changing anything when it is not valid, and
   * BF_CONFLICT when there is no contract file to keep it in.
   */
  async replace(input: string | object, by: string): Promise<Contract> {
    const raw = typeof input === 'string' ? parseYamlText(input, 'contract') : input;
    const contract = parseContract(raw, 'contract');
    const file = this.info.file;
    if (!file) {
      throw new BladeframeError('BF_CONFLICT', 'the collector runs on the example contract', [
        'contractFile: name a contract file (CONTRACT_FILE) to change the contract while running',
      ]);
    }
    const source = typeof input === 'string' ? input : toYaml(input);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, source, { mode: 0o640 });
    renameSync(temporary, file);
    this.info = {
      contract,
      source,
      file,
      loadedAt: this.clock.now().toISOString(),
      updatedBy: by,
    };
    for (const listener of this.listeners) await listener(contract);
    return contract;
  }
}

function readSource(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
