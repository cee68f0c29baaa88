import { readYamlFile, validateConfig } from '../../shared/config/load.js';
import { contractSchema, type Contract } from '../../shared/config/contract.js';
import { projectFile } from '../../shared/paths.js';

/** The contract the quick start runs on. */
export function exampleContractFile(): string {
  return projectFile('deploy/contract.example.yaml');
}

/**
 * Reads and validates a contract file (YAML). Absent: the example contract. A bad file throws
 * BF_CONFIG_INVALID (or BF_CONFIG_SYNTAX / BF_CONFIG_UNREADABLE) listing `path: message` lines.
 */
export function loadContract(file?: string): Contract {
  const path = file ?? exampleContractFile();
  return validateConfig(contractSchema, readYamlFile(path), path);
}

/** Validates an already-parsed contract (for tests and the API). */
export function parseContract(raw: unknown, source = 'contract'): Contract {
  return validateConfig(contractSchema, raw, source);
}
