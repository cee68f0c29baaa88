import { BladeframeError } from '../../shared/errors.js';
import { parseYamlText, readYamlFile, validateConfig } from '../../shared/config/load.js';
import { projectFile } from '../../shared/paths.js';
import { rulesFileSchema, type ClassificationRule } from './rule-schema.js';
import { unknownPlaceholders } from './template.js';

/** The rules shipped with the collector (Schedule A's severity definitions). */
export function defaultRulesFile(): string {
  return projectFile('collector', 'classify', 'rules.yaml');
}

/**
 * Loads and validates a rules file (the shipped defaults when none is named). Every problem is
 * listed as `path: message`; a bad file stops the collector rather than misclassifying calls.
 */
export function loadRules(file?: string): ClassificationRule[] {
  const path = file ?? defaultRulesFile();
  return validateRules(readYamlFile(path), path);
}

/** Parses rules given as YAML text (tests, and the API's future rule editor). */
export function parseRules(text: string, source = '(rules)'): ClassificationRule[] {
  return validateRules(parseYamlText(text, source), source);
}

export function validateRules(raw: unknown, source = 'rules'): ClassificationRule[] {
  const { rules } = validateConfig(rulesFileSchema, raw, source);
  const problems = rules.flatMap((rule, index) =>
    unknownPlaceholders(rule.explanation).map(
      (name) => `rules.${index}.explanation: unknown placeholder {${name}}`,
    ),
  );
  if (problems.length > 0) {
    throw new BladeframeError(
      'BF_CONFIG_INVALID',
      `${source} (${problems.length} problem(s))`,
      problems,
    );
  }
  return rules;
}
