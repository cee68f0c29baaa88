import { z } from 'zod';
import { SIGNAL_NAMES, type Signal } from '../signals.js';
import { envelopeSchema } from './envelope.js';

export const componentKinds = [
  'dimm',
  'memory-controller',
  'cpu',
  'pcie',
  'disk',
  'fan',
  'psu',
  'sensor',
  'kernel',
  'service',
  'filesystem',
  'agent',
  'blade',
  'frame',
] as const;

export const componentSchema = z.object({
  kind: z.enum(componentKinds),
  id: z
    .string()
    .min(1)
    .max(200)
    .describe('Stable identity within the blade, e.g. "mc0/csrow1/ch0"'),
  location: z
    .string()
    .max(200)
    .nullable()
    .describe('Human location, e.g. DIMM label "CPU0_DIMM_A1"'),
});
export type Component = z.infer<typeof componentSchema>;

export const evidenceSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .describe('The raw figures that justify the observation');
export type Evidence = z.infer<typeof evidenceSchema>;

/** An observation: the agent says what it saw; it does not decide severity. */
export const eventMessageSchema = envelopeSchema.extend({
  signal: z.enum(SIGNAL_NAMES as [Signal, ...Signal[]]),
  status: z.enum(['active', 'cleared']).describe('cleared: the condition went away at the source'),
  component: componentSchema,
  evidence: evidenceSchema,
  summary: z.string().max(500),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;
