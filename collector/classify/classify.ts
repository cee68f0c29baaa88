import { isSignal, SIGNALS } from '../../shared/signals.js';
import type { Classification, Severity } from '../domain/ticket-events.js';
import { evaluateCondition } from './conditions.js';
import type { Observation } from './observation.js';
import type { ClassificationRule } from './rule-schema.js';
import { renderTemplate } from './template.js';

/** The rule id a ticket shows when no rule matched: it is still a ticket, never dropped. */
export const UNMATCHED_RULE_ID = 'unmatched';
/** Severity of an unmatched observation unless the rules end with their own `signal: '*'` rule. */
export const UNMATCHED_SEVERITY: Severity = 3;

function titleOf(signal: string): string {
  return isSignal(signal) ? SIGNALS[signal].title : `Unknown signal "${signal}"`;
}

/** Tests one rule; returns the reasons it matched, or null. */
function match(rule: ClassificationRule, observation: Observation): string[] | null {
  const signalMatches = rule.signal.includes('*') || rule.signal.includes(observation.signal);
  if (!signalMatches) return null;
  const because = [
    rule.signal.includes(observation.signal)
      ? `signal is ${observation.signal}`
      : `signal ${observation.signal} (any signal)`,
  ];
  if (rule.component && !rule.component.includes(observation.component.kind)) return null;
  if (rule.component) because.push(`component kind is ${observation.component.kind}`);
  if (rule.environment && rule.environment !== observation.environment) return null;
  if (rule.environment) because.push(`environment is ${observation.environment}`);
  for (const condition of rule.when) {
    const result = evaluateCondition(condition, observation.evidence);
    if (!result.holds) return null;
    because.push(result.description);
  }
  return because;
}

/**
 * Classifies an observation by the first rule that matches. An unknown signal or one no rule
 * matches becomes `undetermined` at the default severity, so a person triages it.
 */
export function classify(
  observation: Observation,
  rules: readonly ClassificationRule[],
): Classification {
  const title = titleOf(observation.signal);
  for (const rule of rules) {
    const because = match(rule, observation);
    if (!because) continue;
    let severity = rule.severity as Severity;
    // Severity 5 is a feature request, placed by a person; a machine never concludes it.
    const placedByHand =
      isSignal(observation.signal) && SIGNALS[observation.signal].origin === 'api';
    if (severity === 5 && !placedByHand) {
      severity = 4;
      because.push('severity 5 is only placed by hand: served as severity 4');
    }
    return {
      ruleId: rule.id,
      domain: rule.domain,
      severity,
      replaceable: rule.replaceable,
      explanation: renderTemplate(rule.explanation, observation, title),
      because,
    };
  }
  const known = isSignal(observation.signal);
  return {
    ruleId: UNMATCHED_RULE_ID,
    domain: 'undetermined',
    severity: UNMATCHED_SEVERITY,
    replaceable: null,
    explanation: known
      ? `No classification rule matched ${observation.signal} (${title}); opened as undetermined for an engineer to triage.`
      : `Signal "${observation.signal}" is not in this collector's taxonomy; opened as undetermined for an engineer to triage.`,
    because: [
      known ? `no rule matched ${observation.signal}` : `unknown signal ${observation.signal}`,
    ],
  };
}
