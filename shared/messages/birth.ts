import { z } from 'zod';
import { envelopeSchema } from './envelope.js';

export const environmentSchema = z.enum(['production', 'qa']);
export type Environment = z.infer<typeof environmentSchema>;

export const inventorySchema = z.object({
  hostname: z.string(),
  bladeType: z.string().describe('Vendor model of the blade, e.g. "BladeFrame pBlade 4x"'),
  vendor: z.string().nullable(),
  serial: z.string().nullable(),
  firmware: z.object({
    bios: z.string().nullable(),
    biosDate: z.string().nullable(),
    bmc: z.string().nullable(),
  }),
  os: z.object({
    distro: z.string().nullable(),
    release: z.string().nullable(),
  }),
  kernel: z.string(),
  arch: z.string(),
  cpus: z.int().nonnegative(),
  memoryBytes: z.number().nonnegative(),
  agentVersion: z.string(),
  environment: environmentSchema.describe('Declared by the blade; the contract file may override'),
  software: z
    .array(z.object({ product: z.string(), version: z.string() }))
    .describe('Vendor software releases installed on the blade (for end-of-support notices)'),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const birthMessageSchema = envelopeSchema.extend({
  inventory: inventorySchema,
  heartbeatIntervalS: z.int().positive().describe('Seconds between health snapshots'),
});
export type BirthMessage = z.infer<typeof birthMessageSchema>;
