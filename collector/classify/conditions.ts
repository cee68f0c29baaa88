import type { Evidence } from '../../shared/messages/event.js';
import {
  CONDITION_OPERATORS,
  type Condition,
  type ConditionOperator,
  type Operand,
} from './rule-schema.js';

type Value = string | number | boolean | null | undefined;

export interface ConditionResult {
  holds: boolean;
  /** The condition with the values it saw, e.g. `ratePerHour (14) above threshold (10)`. */
  description: string;
}

function operatorOf(condition: Condition): ConditionOperator {
  return CONDITION_OPERATORS.find((op) => condition[op] !== undefined)!;
}

function resolve(operand: Operand, evidence: Evidence): { value: Value; label: string } {
  if (operand !== null && typeof operand === 'object') {
    const value = Object.hasOwn(evidence, operand.evidence)
      ? evidence[operand.evidence]
      : undefined;
    return { value, label: `${operand.evidence} (${show(value)})` };
  }
  return { value: operand, label: show(operand) };
}

function show(value: Value): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** Numbers compare as numbers; anything else (absent, text, null) never satisfies an ordering. */
function ordered(a: Value, b: Value, test: (x: number, y: number) => boolean): boolean {
  return typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)
    ? test(a, b)
    : false;
}

const WORDS: Record<ConditionOperator, string> = {
  is: 'is',
  isNot: 'is not',
  above: 'above',
  atLeast: 'at least',
  below: 'below',
  atMost: 'at most',
  oneOf: 'one of',
  exists: 'exists',
};

/** Tests one condition against an observation's evidence. Never throws on odd evidence. */
export function evaluateCondition(condition: Condition, evidence: Evidence): ConditionResult {
  const op = operatorOf(condition);
  const field = condition.evidence;
  const actual: Value = Object.hasOwn(evidence, field) ? evidence[field] : undefined;
  const subject = `${field} (${show(actual)})`;

  if (op === 'exists') {
    const present = actual !== undefined && actual !== null;
    return {
      holds: present === condition.exists,
      description: `${field} ${condition.exists ? 'exists' : 'is absent'} (${show(actual)})`,
    };
  }
  if (op === 'oneOf') {
    const options = condition.oneOf!;
    return {
      holds: actual !== undefined && options.some((o) => o === actual),
      description: `${subject} one of ${JSON.stringify(options)}`,
    };
  }
  const other = resolve(condition[op] as Operand, evidence);
  const b = other.value;
  let holds: boolean;
  switch (op) {
    case 'is':
      holds = actual !== undefined && actual === b;
      break;
    case 'isNot':
      holds = actual !== b;
      break;
    case 'above':
      holds = ordered(actual, b, (x, y) => x > y);
      break;
    case 'atLeast':
      holds = ordered(actual, b, (x, y) => x >= y);
      break;
    case 'below':
      holds = ordered(actual, b, (x, y) => x < y);
      break;
    case 'atMost':
      holds = ordered(actual, b, (x, y) => x <= y);
      break;
  }
  return { holds, description: `${subject} ${WORDS[op]} ${other.label}` };
}
