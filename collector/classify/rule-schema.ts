import { z } from 'zod';
import { environmentSchema } from '../../shared/messages/birth.js';
import { componentKinds } from '../../shared/messages/event.js';
import { isSignal, SIGNALS } from '../../shared/signals.js';

/**
 * The shape of a classification rules file. Rules are data: support staff read and override them
 * without touching code. Each rule matches a signal (and optionally evidence, the component kind
 * and the environment) and yields the domain, severity, replaceable unit and an explanation.
 */

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Either a literal or another evidence field of the same observation (`{ evidence: threshold }`). */
export const operandSchema = z.union([scalar, z.strictObject({ evidence: z.string().min(1) })]);
export type Operand = z.infer<typeof operandSchema>;

export const CONDITION_OPERATORS = [
  'is',
  'isNot',
  'above',
  'atLeast',
  'below',
  'atMost',
  'oneOf',
  'exists',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export const conditionSchema = z
  .strictObject({
    evidence: z.string().min(1).describe('The evidence field tested'),
    is: operandSchema.optional(),
    isNot: operandSchema.optional(),
    above: operandSchema.optional(),
    atLeast: operandSchema.optional(),
    below: operandSchema.optional(),
    atMost: operandSchema.optional(),
    oneOf: z.array(scalar).min(1).optional(),
    exists: z.boolean().optional(),
  })
  .refine((c) => CONDITION_OPERATORS.filter((op) => c[op] !== undefined).length === 1, {
    message: `give exactly one of ${CONDITION_OPERATORS.join(', ')}`,
  });
export type Condition = z.infer<typeof conditionSchema>;

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const signalPattern = z
  .string()
  .min(1)
  .refine((s): boolean => s === '*' || isSignal(s), {
    message: 'not a known signal (see docs/schema/signals.json), nor "*"',
  });

export const ruleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes')
      .describe('Stable name shown on every ticket the rule classified'),
    signal: oneOrMany(signalPattern).describe('Signal name(s); "*" matches any signal'),
    when: z.array(conditionSchema).default([]).describe('Evidence conditions, all must hold'),
    component: oneOrMany(z.enum(componentKinds)).optional(),
    environment: environmentSchema.optional(),
    domain: z.enum(['hardware', 'software', 'undetermined']),
    severity: z.int().min(1).max(5),
    replaceable: z.enum(['FRU', 'CRU']).nullable().default(null),
    explanation: z.string().min(1).max(1000),
  })
  .superRefine((rule, ctx) => {
    // Severity 5 is a feature request: placed by a person, never concluded from a probe.
    const fromMachines = rule.signal.some((s) => !isSignal(s) || SIGNALS[s].origin !== 'api');
    if (rule.severity === 5 && fromMachines) {
      ctx.addIssue({
        code: 'custom',
        path: ['severity'],
        message: 'severity 5 (feature request) is only for signals placed by hand (origin api)',
      });
    }
  });
export type ClassificationRule = z.output<typeof ruleSchema>;
export type ClassificationRuleInput = z.input<typeof ruleSchema>;

export const rulesFileSchema = z
  .strictObject({
    rules: z.array(ruleSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate rule id "${rule.id}"`,
        });
      }
      seen.add(rule.id);
    });
  });
